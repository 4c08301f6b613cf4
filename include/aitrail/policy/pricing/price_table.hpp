#pragma once
/// @file price_table.hpp
/// A price table read at run time from a JSON price file, for prices that
/// change more often than the program is rebuilt. The format (documented in
/// docs/pricing.md, shipped as data/prices/prices.json):
/// @code
/// {
///   "id": "aitrail-prices-2026-11-22", "as_of": "2026-11-22",
///   "currency": "USD", "unit": "per_million_tokens",
///   "models": {
///     "claude-sonnet-4": {"input": "3", "output": "15", "cache_read": "0.30", "cache_write": "3.75"}
///   }
/// }
/// @endcode
/// Prices are decimal strings so they stay exact. The table's digest, the
/// SHA-256 of the file's RFC 8785 canonical form, goes into every cost's
/// provenance: reformatting the file keeps it, changing any price changes it.

#include <aitrail/config.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/detail/policy/pricing_decimal.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/policy/pricing/model_match.hpp>
#include <aitrail/policy/pricing/price.hpp>
#include <aitrail/policy/pricing/record_cost.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>      // size_t
#include <filesystem>   // path
#include <fstream>      // ifstream
#include <functional>   // less
#include <iterator>     // istreambuf_iterator
#include <map>          // map
#include <optional>     // optional
#include <set>          // set
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {
namespace pricers {

/// A price file that cannot be used. what() reads, for example:
/// `aitrail: price table prices.json, model 'gpt-4o', field 'input': write
/// prices as strings ("2.5") so they stay exact`.
class price_table_error : public std::runtime_error {
public:
    /// `source` names the file, `pointer` the value (RFC 6901), `location`
    /// says the same in words ("model 'x', field 'y'"), `problem` what is wrong.
    price_table_error(std::string source, std::string pointer, std::string location, std::string problem)
        : std::runtime_error("aitrail: price table " + source + (location.empty() ? "" : ", " + location) + ": " +
                             problem),
          source_(std::move(source)), pointer_(std::move(pointer)), problem_(std::move(problem)) {}
    /// The file name, or the source name given to from_json().
    const std::string& source() const noexcept { return source_; }
    /// RFC 6901 pointer to the offending value ("" for the whole file).
    const std::string& pointer() const noexcept { return pointer_; }
    /// What is wrong, without the location.
    const std::string& problem() const noexcept { return problem_; }

private:
    std::string source_;
    std::string pointer_;
    std::string problem_;
};

/// Prices by model, loaded from a price file; immutable once built, so one
/// table may be shared by every thread.
class price_table {
public:
    /// Reads and checks the price file at `path`. Throws price_table_error.
    static price_table load(const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw price_table_error(path.string(), "", "", "cannot open the file for reading");
        std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (in.bad()) throw price_table_error(path.string(), "", "", "cannot read the file");
        return from_json(text, path.string());
    }

    /// Checks and loads price-file text; `source_name` names it in errors.
    /// Throws price_table_error.
    static price_table from_json(std::string_view text, std::string source_name) {
        price_table t;
        t.source_ = std::move(source_name);
        t.document_ = parse_strictly(text, t.source_);
        t.read_document();
        try {
            t.digest_ = detail::to_hex(detail::sha256_of({canonicalize(t.document_)}));
        } catch (const jcs_error& e) {
            t.fail(e.pointer(), "", e.problem());
        }
        return t;
    }

    /// The table's id, written to cost.pricing.
    const std::string& id() const noexcept { return id_; }
    /// The "as_of" date of the file (YYYY-MM-DD), or "" if it has none.
    const std::string& as_of() const noexcept { return as_of_; }
    /// The file name, or the source name given to from_json().
    const std::string& source_name() const noexcept { return source_; }
    /// Lowercase hex SHA-256 of the file's RFC 8785 canonical form.
    const std::string& digest() const noexcept { return digest_; }
    /// The file as parsed.
    const nlohmann::json& document() const noexcept { return document_; }
    /// Prices by key, in pico-USD per token.
    const std::map<std::string, price, std::less<>>& prices() const noexcept { return prices_; }
    /// Number of models.
    std::size_t size() const noexcept { return prices_.size(); }

    /// The entry `model_id` is priced under (see model_match.hpp), if any.
    std::optional<model_match> find(std::string_view model_id) const {
        for (std::string_view key : candidate_keys(model_id))
            if (auto it = prices_.find(key); it != prices_.end()) return model_match{it->first, it->second};
        return std::nullopt;
    }

private:
    price_table() = default;

    [[noreturn]] void fail(std::string pointer, std::string location, std::string problem) const {
        throw price_table_error(source_, std::move(pointer), std::move(location), std::move(problem));
    }

    /// nlohmann::json::parse, also refusing duplicate keys: the file must be
    /// I-JSON (RFC 7493) to have one canonical form, and a repeated model
    /// would otherwise be priced silently by whichever came last.
    static nlohmann::json parse_strictly(std::string_view text, const std::string& source) {
        std::vector<std::set<std::string>> open;  // keys seen, per open object
        std::vector<std::string> path;            // pointer tokens of the open objects
        auto check = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
            using ev = nlohmann::json::parse_event_t;
            // An object's pointer is the keys that led to it (an array
            // index is left out: the format has no arrays to point into).
            if (event == ev::object_start) {
                open.emplace_back();
            } else if (event == ev::object_end) {
                open.pop_back();
                if (path.size() > open.size()) path.resize(open.size());
            } else if (event == ev::key && !open.empty()) {
                const auto& key = parsed.get_ref<const std::string&>();
                path.resize(open.size() - 1);
                std::string pointer;
                for (const auto& token : path) pointer += "/" + detail::escape_pointer_token(token);
                if (!open.back().insert(key).second)
                    throw price_table_error(source, pointer + "/" + detail::escape_pointer_token(key),
                                            "member '" + key + "'" + (pointer.empty() ? "" : " of " + pointer),
                                            "the member appears twice; each key may appear once");
                path.push_back(key);
            }
            return true;
        };
        try {
            return nlohmann::json::parse(text.begin(), text.end(), check);
        } catch (const nlohmann::json::parse_error& e) {
            throw price_table_error(source, "", "", std::string("not valid JSON: ") + e.what());
        }
    }

    /// A required or optional string member of `obj`.
    const std::string* string_member(const nlohmann::json& obj, const char* key, bool required) const {
        const auto it = obj.find(key);
        if (it == obj.end()) {
            if (required) fail("/" + std::string(key), "field '" + std::string(key) + "'", "the field is required");
            return nullptr;
        }
        if (!it->is_string())
            fail("/" + std::string(key), "field '" + std::string(key) + "'", "must be a string, not " + it->dump());
        return &it->get_ref<const std::string&>();
    }

    void read_document() {
        if (!document_.is_object()) fail("", "", "the file must hold one JSON object");
        static const std::set<std::string, std::less<>> known = {"id", "as_of", "currency", "unit", "models",
                                                                 "source", "note"};
        for (const auto& [key, value] : document_.items())
            if (!known.contains(key))
                fail("/" + detail::escape_pointer_token(key), "field '" + key + "'",
                     "unknown field; a price table has id, as_of, currency, unit, models, source and note");

        id_ = *string_member(document_, "id", true);
        if (id_.empty()) fail("/id", "field 'id'", "the id must not be empty");
        if (unpriced::is_reserved(id_))
            fail("/id", "field 'id'", "'" + id_ + "' is reserved for costs that could not be computed");
        if (const auto* d = string_member(document_, "as_of", false)) {
            as_of_ = *d;
            if (!is_iso_date(as_of_)) fail("/as_of", "field 'as_of'", "must be a date YYYY-MM-DD, not '" + as_of_ + "'");
        }
        if (*string_member(document_, "currency", true) != "USD")
            fail("/currency", "field 'currency'", "must be \"USD\": costs are recorded in nano-USD");
        if (*string_member(document_, "unit", true) != "per_million_tokens")
            fail("/unit", "field 'unit'", "must be \"per_million_tokens\"");
        (void)string_member(document_, "source", false);
        (void)string_member(document_, "note", false);

        const auto models = document_.find("models");
        if (models == document_.end()) fail("/models", "field 'models'", "the field is required");
        if (!models->is_object())
            fail("/models", "field 'models'", "must be an object of model id -> prices");
        for (const auto& [key, value] : models->items()) read_model(key, value);
    }

    void read_model(const std::string& key, const nlohmann::json& entry) {
        const std::string at = "/models/" + detail::escape_pointer_token(key);
        const std::string model = "model '" + key + "'";
        if (key.empty()) fail(at, "model ''", "a model id must not be empty");
        if (!entry.is_object())
            fail(at, model, "must be an object such as {\"input\": \"3\", \"output\": \"15\"}");
        for (const auto& [field, value] : entry.items())
            if (field != "input" && field != "output" && field != "cache_read" && field != "cache_write" &&
                field != "reasoning" && field != "note")
                fail(at + "/" + detail::escape_pointer_token(field), model + ", field '" + field + "'",
                     "unknown field; a model has input, output, cache_read, cache_write, reasoning and note");
        if (const auto it = entry.find("note"); it != entry.end() && !it->is_string())
            fail(at + "/note", model + ", field 'note'", "must be a string");
        price p;
        p.input = rate(entry, "input", at, model, true);
        p.output = rate(entry, "output", at, model, true);
        p.cache_read = rate(entry, "cache_read", at, model, false);
        p.cache_write = rate(entry, "cache_write", at, model, false);
        p.reasoning = rate(entry, "reasoning", at, model, false);
        prices_.emplace(key, p);
    }

    /// One price of one model, in pico-USD per token; price::not_set if absent.
    std::int64_t rate(const nlohmann::json& entry, const char* field, const std::string& at, const std::string& model,
                      bool required) const {
        const std::string pointer = at + "/" + field;
        const std::string where = model + ", field '" + field + "'";
        const auto it = entry.find(field);
        if (it == entry.end()) {
            if (required) fail(pointer, where, "the field is required");
            return price::not_set;
        }
        if (it->is_number())
            fail(pointer, where, "write prices as strings (\"" + it->dump() + "\") so they stay exact");
        if (!it->is_string())
            fail(pointer, where, "a price is a string of USD per million tokens such as \"3.75\", not " + it->dump());
        const auto& text = it->get_ref<const std::string&>();
        const auto parsed = detail::parse_price_text(text);
        if (parsed.problem != detail::price_text_problem::none)
            fail(pointer, where, std::string(detail::describe(parsed.problem)) + "; got \"" + text + "\"");
        return parsed.pico;
    }

    static bool is_iso_date(std::string_view s) noexcept {
        return s.size() == 10 && s[4] == '-' && s[7] == '-' && detail::all_digits(s.substr(0, 4)) &&
               detail::plausible_month_day(s.substr(5, 2), s.substr(8, 2));
    }

    std::string id_;
    std::string as_of_;
    std::string source_;
    std::string digest_;
    nlohmann::json document_;
    std::map<std::string, price, std::less<>> prices_;
};

}  // namespace pricers
}  // namespace v1
}  // namespace aitrail
