#pragma once
/// @file result_table.hpp
/// What queries and reports return: named columns and rows of cells, and the
/// three ways to print them (an aligned text table for people, JSON for
/// programs, CSV for spreadsheets). Cells hold integers or exact text, never
/// floats: money is printed from nano-USD and rates from integer counts, so
/// the same report prints the same bytes on every machine and storage.

#include <aitrail/config.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>    // max, min
#include <cstdint>      // int64_t
#include <optional>     // optional
#include <ostream>      // ostream
#include <string>       // string
#include <string_view>  // string_view
#include <type_traits>  // is_integral_v, is_same_v
#include <utility>      // move
#include <variant>      // variant, monostate
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// One cell: empty (null), an integer, or text. Decimal amounts are text
/// made by usd() / decimal(), so that JSON keeps them exact.
struct cell {
    std::variant<std::monostate, std::int64_t, std::string> value;  ///< the content
    bool numeric_text = false;  ///< text that is a decimal number (JSON prints it as a number)
    /// For an amount made by usd(): the exact nano-USD, which JSON and CSV
    /// print with all nine decimals while the table shows the rounded text.
    std::optional<std::int64_t> nanos_usd;

    cell() = default;
    /// An integer cell.
    cell(std::int64_t v) : value(v) {}  // NOLINT(google-explicit-constructor): cells are written as literals
    /// An integer cell (from any integer type).
    template <class I>
        requires(std::is_integral_v<I> && !std::is_same_v<I, bool> && !std::is_same_v<I, std::int64_t>)
    cell(I v) : value(static_cast<std::int64_t>(v)) {}  // NOLINT(google-explicit-constructor)
    /// A text cell.
    cell(std::string v) : value(std::move(v)) {}        // NOLINT(google-explicit-constructor)
    /// A text cell.
    cell(std::string_view v) : value(std::string(v)) {}  // NOLINT(google-explicit-constructor)
    /// A text cell.
    cell(const char* v) : value(std::string(v)) {}  // NOLINT(google-explicit-constructor)
    /// An integer cell, or null when unset.
    cell(std::optional<std::int64_t> v) {  // NOLINT(google-explicit-constructor)
        if (v) value = *v;
    }

    /// True for a null cell.
    bool is_null() const noexcept { return std::holds_alternative<std::monostate>(value); }
    /// The cell as text ("" for null).
    std::string str() const {
        if (auto i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
        if (auto s = std::get_if<std::string>(&value)) return *s;
        return {};
    }
    /// Cells compare as shown (value and kind); compare nanos_usd for the
    /// exact amount behind a rounded one.
    friend bool operator==(const cell& a, const cell& b) {
        return a.value == b.value && a.numeric_text == b.numeric_text;
    }
};

/// `scaled / 10^digits` as exact decimal text, e.g. decimal(12345, 2) = "123.45".
inline cell decimal(std::int64_t scaled, int digits) {
    const bool negative = scaled < 0;
    std::string s = std::to_string(negative ? -scaled : scaled);
    if (digits > 0) {
        if (s.size() <= static_cast<std::size_t>(digits)) s.insert(0, static_cast<std::size_t>(digits) + 1 - s.size(), '0');
        s.insert(s.size() - static_cast<std::size_t>(digits), ".");
    }
    if (negative) s.insert(0, "-");
    cell c{std::move(s)};
    c.numeric_text = true;
    return c;
}

/// nano-USD as US dollars: six decimals for reading ("0.001250", the text
/// and the table), all nine in JSON and CSV ("0.001249999") so that machine
/// readers get the exact amount; null when unknown.
inline cell usd(std::optional<std::int64_t> nanos) {
    if (!nanos) return {};
    // Round half away from zero to the micro-dollar.
    const std::int64_t micros = (*nanos >= 0 ? *nanos + 500 : *nanos - 500) / 1000;
    cell c = decimal(micros, 6);
    c.nanos_usd = nanos;
    return c;
}

/// `part / whole` as a percentage with two decimals ("2.50"); null when whole is 0.
inline cell percent(std::int64_t part, std::int64_t whole) {
    if (whole == 0) return {};
    return decimal((part * 20000 / whole + 1) / 2, 2);
}

/// A titled table of results.
struct result_table {
    std::string title;                       ///< what the table shows
    std::vector<std::string> columns;        ///< column names (snake_case: JSON keys and CSV header)
    std::vector<std::vector<cell>> rows;     ///< rows, each with one cell per column
    std::vector<std::string> notes;          ///< lines printed under the table (parameters, caveats)
    friend bool operator==(const result_table&, const result_table&) = default;
};

/// Output formats of tables.
enum class table_format {
    table,  ///< aligned text for a terminal
    json,   ///< {"title","columns","rows":[{column: value}],"notes"}
    jsonl,  ///< one JSON object per row
    csv,    ///< RFC 4180, header row first
};

/// Parses "table", "json", "jsonl" or "csv".
inline std::optional<table_format> parse_table_format(std::string_view s) noexcept {
    if (s == "table") return table_format::table;
    if (s == "json") return table_format::json;
    if (s == "jsonl") return table_format::jsonl;
    if (s == "csv") return table_format::csv;
    return std::nullopt;
}

namespace detail {

// A cell's text in CSV: money exact to the nano-USD, the rest as shown.
inline std::string exact_text(const cell& c) {
    if (c.nanos_usd) return decimal(*c.nanos_usd, 9).str();
    return c.str();
}

// Placeholder for an exact amount while nlohmann builds the document: its
// doubles would round or write exponents, so the digits are spliced into
// the text afterwards (see splice_exact).
inline constexpr std::string_view exact_marker = "\x01" "aitrail-exact:";

inline nlohmann::json cell_json(const cell& c) {
    if (c.nanos_usd) return std::string(exact_marker) + exact_text(c);
    if (auto i = std::get_if<std::int64_t>(&c.value)) return *i;
    if (auto s = std::get_if<std::string>(&c.value)) {
        // Exact decimals stay exact: parsed as a number only for output.
        if (c.numeric_text) return nlohmann::json::parse(*s);
        return *s;
    }
    return nullptr;
}

inline nlohmann::ordered_json row_json(const result_table& t, const std::vector<cell>& row) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < t.columns.size() && i < row.size(); ++i) o[t.columns[i]] = cell_json(row[i]);
    return o;
}

// Replaces each quoted exact-amount placeholder in dumped JSON by its
// bare digits: a JSON number with all nine decimals.
inline std::string splice_exact(std::string text) {
    const std::string open = "\"" + std::string(exact_marker).replace(0, 1, "\\u0001");
    auto at = text.find(open);
    if (at == std::string::npos) return text;
    std::string out;
    out.reserve(text.size());
    std::size_t from = 0;
    for (; at != std::string::npos; at = text.find(open, from)) {
        const auto digits = at + open.size();
        const auto end = text.find('"', digits);
        // Only digits, a sign and a point were put there; anything else is a
        // string of the data that happens to start alike, and stays.
        if (end == digits || text.find_first_not_of("-.0123456789", digits) != end) {
            out.append(text, from, digits - from);
            from = digits;
            continue;
        }
        out.append(text, from, at - from).append(text, digits, end - digits);
        from = end + 1;
    }
    return out.append(text, from);
}

inline std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

// Display width of UTF-8 text: code points, close enough for alignment.
inline std::size_t text_width(std::string_view s) noexcept {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

}  // namespace detail

/// One row as a JSON object keyed by column name (column order kept).
inline std::string row_to_json(const result_table& t, const std::vector<cell>& row) {
    return detail::splice_exact(detail::row_json(t, row).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

/// Prints `t` in `format`.
inline void print_table(std::ostream& os, const result_table& t, table_format format) {
    using detail::csv_field;
    switch (format) {
        case table_format::json: {
            nlohmann::ordered_json j = {{"title", t.title}, {"columns", t.columns}};
            j["rows"] = nlohmann::ordered_json::array();
            for (const auto& r : t.rows) j["rows"].push_back(detail::row_json(t, r));
            j["notes"] = t.notes;
            os << detail::splice_exact(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) << '\n';
            return;
        }
        case table_format::jsonl:
            for (const auto& r : t.rows) os << row_to_json(t, r) << '\n';
            return;
        case table_format::csv: {
            for (std::size_t i = 0; i < t.columns.size(); ++i) os << (i ? "," : "") << csv_field(t.columns[i]);
            os << "\r\n";
            for (const auto& r : t.rows) {
                for (std::size_t i = 0; i < r.size(); ++i) os << (i ? "," : "") << csv_field(detail::exact_text(r[i]));
                os << "\r\n";
            }
            return;
        }
        case table_format::table: {
            std::vector<std::size_t> width(t.columns.size());
            for (std::size_t i = 0; i < t.columns.size(); ++i) width[i] = detail::text_width(t.columns[i]);
            for (const auto& r : t.rows)
                for (std::size_t i = 0; i < r.size() && i < width.size(); ++i)
                    width[i] = std::max(width[i], detail::text_width(r[i].str()));
            // The last column is not padded on the right: no trailing blanks.
            const auto put = [&](const std::string& s, std::size_t w, bool right, bool last) {
                const std::string pad(w - std::min(w, detail::text_width(s)), ' ');
                os << (right ? pad + s : last ? s : s + pad);
            };
            if (!t.title.empty()) os << t.title << "\n\n";
            for (std::size_t i = 0; i < t.columns.size(); ++i) {
                if (i) os << "  ";
                put(t.columns[i], width[i], false, i + 1 == t.columns.size());
            }
            os << '\n';
            for (std::size_t i = 0; i < t.columns.size(); ++i) os << (i ? "  " : "") << std::string(width[i], '-');
            os << '\n';
            for (const auto& r : t.rows) {
                for (std::size_t i = 0; i < r.size() && i < width.size(); ++i) {
                    if (i) os << "  ";
                    const bool numeric = std::holds_alternative<std::int64_t>(r[i].value) || r[i].numeric_text;
                    put(r[i].is_null() ? "-" : r[i].str(), width[i], numeric, i + 1 == r.size());
                }
                os << '\n';
            }
            if (t.rows.empty()) os << "(no rows)\n";
            for (const auto& n : t.notes) os << n << '\n';
            return;
        }
    }
}

}  // namespace v1
}  // namespace aitrail
