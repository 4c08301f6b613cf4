#pragma once
/// @file jcs.hpp
/// RFC 8785 JSON Canonicalization Scheme (JCS): the byte form every trail
/// entry is hashed and stored in. Our own writer, not nlohmann's dump(): it
/// must sort keys by UTF-16 code units, print numbers as ECMAScript does, and
/// refuse what has no canonical form, rather than write something a verifier
/// in another language would hash differently.

#include <aitrail/config.hpp>
#include <aitrail/detail/jcs_number.hpp>
#include <aitrail/detail/jcs_string.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>    // sort
#include <cmath>        // isfinite
#include <cstdint>      // int64_t
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// A value has no RFC 8785 canonical form (NaN, a lone surrogate, an integer
/// beyond 2^53, invalid UTF-8...). what() names the problem and the JSON
/// Pointer of the offending value.
class jcs_error : public std::runtime_error {
public:
    /// `problem` says what is wrong, `pointer` where (RFC 6901 JSON Pointer).
    jcs_error(std::string problem, std::string pointer)
        : std::runtime_error("aitrail: no canonical JSON form for value at '" + pointer + "': " + problem),
          problem_(std::move(problem)), pointer_(std::move(pointer)) {}
    /// What is wrong, without the location.
    const std::string& problem() const noexcept { return problem_; }
    /// RFC 6901 pointer to the offending value ("" is the root).
    const std::string& pointer() const noexcept { return pointer_; }

private:
    std::string problem_;
    std::string pointer_;
};

/// Largest integer magnitude with an exact IEEE-754 double (2^53). JCS numbers
/// are doubles; larger integers would be silently rounded, so we refuse them.
inline constexpr std::int64_t jcs_max_exact_integer = std::int64_t{1} << 53;

namespace detail {

inline std::string escape_pointer_token(std::string_view key) {
    std::string out;
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

/// Appends one canonical string, reporting a problem as a jcs_error at root.
inline void write_jcs_string(std::string& out, std::string_view s) {
    utf8_problem p{};
    if (!append_jcs_string(out, s, p))
        throw jcs_error(std::string(p.what) + " at byte " + std::to_string(p.offset) + " of the string", "");
}

/// Appends a canonical integer (|v| <= 2^53).
inline void write_jcs_integer(std::string& out, std::int64_t v) {
    if (v > jcs_max_exact_integer || v < -jcs_max_exact_integer)
        throw jcs_error("integer " + std::to_string(v) +
                            " exceeds 2^53 and would lose precision as an IEEE-754 double; store it as a string",
                        "");
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}

/// Appends a canonical double.
inline void write_jcs_double(std::string& out, double v) {
    if (!std::isfinite(v)) throw jcs_error("NaN and Infinity have no JSON form", "");
    char buf[es6_number_buffer_size];
    out.append(buf, format_es6_number(v, buf));
}

inline void write_canonical_at(std::string& out, const nlohmann::json& v);

inline void write_canonical_object(std::string& out, const nlohmann::json& v) {
    // nlohmann's object is a std::map: byte order, which is already UTF-16
    // order unless a key holds characters at or above U+E000.
    const auto& obj = v.get_ref<const nlohmann::json::object_t&>();
    bool resort = false;
    for (const auto& [key, value] : obj)
        if (needs_utf16_sort(key)) { resort = true; break; }
    auto write_member = [&](const std::string& key, const nlohmann::json& value) {
        try {
            write_jcs_string(out, key);
            out.push_back(':');
            write_canonical_at(out, value);
        } catch (const jcs_error& e) {
            throw jcs_error(e.problem(), "/" + escape_pointer_token(key) + e.pointer());
        }
    };
    out.push_back('{');
    bool first = true;
    if (!resort) {
        for (const auto& [key, value] : obj) {
            if (!first) out.push_back(',');
            first = false;
            write_member(key, value);
        }
    } else {
        std::vector<const nlohmann::json::object_t::value_type*> members;
        members.reserve(obj.size());
        for (const auto& m : obj) members.push_back(&m);
        std::sort(members.begin(), members.end(),
                  [](auto* a, auto* b) { return utf16_less(a->first, b->first); });
        for (auto* m : members) {
            if (!first) out.push_back(',');
            first = false;
            write_member(m->first, m->second);
        }
    }
    out.push_back('}');
}

inline void write_canonical_at(std::string& out, const nlohmann::json& v) {
    using t = nlohmann::json::value_t;
    switch (v.type()) {
        case t::null: out += "null"; return;
        case t::boolean: out += v.get<bool>() ? "true" : "false"; return;
        case t::number_integer: write_jcs_integer(out, v.get<std::int64_t>()); return;
        case t::number_unsigned: {
            const auto u = v.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(jcs_max_exact_integer))
                throw jcs_error("integer " + std::to_string(u) +
                                    " exceeds 2^53 and would lose precision as an IEEE-754 double; store it as a string",
                                "");
            write_jcs_integer(out, static_cast<std::int64_t>(u));
            return;
        }
        case t::number_float: write_jcs_double(out, v.get<double>()); return;
        case t::string: write_jcs_string(out, v.get_ref<const std::string&>()); return;
        case t::array: {
            out.push_back('[');
            std::size_t i = 0;
            for (const auto& item : v) {
                if (i != 0) out.push_back(',');
                try {
                    write_canonical_at(out, item);
                } catch (const jcs_error& e) {
                    throw jcs_error(e.problem(), "/" + std::to_string(i) + e.pointer());
                }
                ++i;
            }
            out.push_back(']');
            return;
        }
        case t::object: write_canonical_object(out, v); return;
        case t::binary: throw jcs_error("binary values have no JSON form", "");
        case t::discarded: throw jcs_error("discarded value (a parse that failed)", "");
    }
}

}  // namespace detail

/// Appends the canonical form of `value` to `out`. On error throws jcs_error;
/// `out` then holds a partial value, so pass a scratch buffer if that matters.
inline void write_canonical(std::string& out, const nlohmann::json& value) { detail::write_canonical_at(out, value); }

/// The canonical form of `value`.
inline std::string canonicalize(const nlohmann::json& value) {
    std::string out;
    write_canonical(out, value);
    return out;
}

/// Parses JSON text (RFC 8259) and returns its canonical form. Parse errors
/// are reported as nlohmann::json::parse_error with the byte position.
inline std::string canonicalize_text(std::string_view json_text) {
    return canonicalize(nlohmann::json::parse(json_text));
}

}  // namespace v1
}  // namespace aitrail
