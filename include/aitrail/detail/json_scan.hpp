#pragma once
/// @file json_scan.hpp
/// Walks JSON text without building a document: skips values and visits an
/// object's members as raw slices. Readers use it to pull a handful of fields
/// out of a trail line at memchr speed (strings are skipped with memchr, not
/// byte by byte), and to find the top-level members of a line whose nested
/// content may reuse the same key names. Input is assumed to be compact
/// (canonical JCS lines have no whitespace); anything malformed makes the
/// walk fail (nullptr / false) rather than guess.

#include <aitrail/config.hpp>

#include <charconv>     // from_chars
#include <cstdint>      // int64_t
#include <cstring>      // memchr
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Past the string starting at `p` (which must be '"'), or nullptr.
inline const char* json_skip_string(const char* p, const char* end) noexcept {
    const char* from = p + 1;
    for (;;) {
        const auto* q = static_cast<const char*>(std::memchr(from, '"', static_cast<std::size_t>(end - from)));
        if (q == nullptr) return nullptr;
        // A quote preceded by an odd run of backslashes is escaped.
        const char* b = q;
        while (b > from && b[-1] == '\\') --b;
        if (((q - b) & 1) == 0) return q + 1;
        from = q + 1;
    }
}

/// Past the JSON value starting at `p`, or nullptr if it is malformed or cut.
inline const char* json_skip_value(const char* p, const char* end) noexcept {
    if (p >= end) return nullptr;
    if (*p == '"') return json_skip_string(p, end);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < end) {
            const char c = *p;
            if (c == '"') {
                p = json_skip_string(p, end);
                if (p == nullptr) return nullptr;
                continue;
            }
            if (c == '{' || c == '[') ++depth;
            else if ((c == '}' || c == ']') && --depth == 0) return p + 1;
            ++p;
        }
        return nullptr;
    }
    const char* start = p;
    while (p < end && *p != ',' && *p != '}' && *p != ']') ++p;
    return p == start ? nullptr : p;
}

/// Calls `f(key, value)` for each member of the object `obj` (raw slices:
/// the key without quotes and still escaped, the value as JSON text); `f`
/// returns false to stop. False if `obj` is not a well-formed object.
template <class F>
bool json_for_each_member(std::string_view obj, F&& f) {
    const char* p = obj.data();
    const char* end = p + obj.size();
    if (p == end || *p != '{') return false;
    ++p;
    if (p < end && *p == '}') return true;
    while (p < end) {
        if (*p != '"') return false;
        const char* key_end = json_skip_string(p, end);
        if (key_end == nullptr || key_end >= end || *key_end != ':') return false;
        const std::string_view key(p + 1, static_cast<std::size_t>(key_end - p - 2));
        const char* value = key_end + 1;
        const char* value_end = json_skip_value(value, end);
        if (value_end == nullptr) return false;
        if (!f(key, std::string_view(value, static_cast<std::size_t>(value_end - value)))) return true;
        if (value_end >= end) return false;
        if (*value_end == '}') return true;
        if (*value_end != ',') return false;
        p = value_end + 1;
    }
    return false;
}

/// Calls `f(element)` for each element of the array `arr`; false if malformed.
template <class F>
bool json_for_each_element(std::string_view arr, F&& f) {
    const char* p = arr.data();
    const char* end = p + arr.size();
    if (p == end || *p != '[') return false;
    ++p;
    if (p < end && *p == ']') return true;
    while (p < end) {
        const char* value_end = json_skip_value(p, end);
        if (value_end == nullptr || value_end >= end) return false;
        f(std::string_view(p, static_cast<std::size_t>(value_end - p)));
        if (*value_end == ']') return true;
        if (*value_end != ',') return false;
        p = value_end + 1;
    }
    return false;
}

/// The inside of a JSON string value (still escaped), or nullopt for another type.
inline std::optional<std::string_view> json_raw_string(std::string_view value) noexcept {
    if (value.size() < 2 || value.front() != '"' || value.back() != '"') return std::nullopt;
    return value.substr(1, value.size() - 2);
}

/// A JSON integer value, or nullopt (null, a fraction, not a number).
inline std::optional<std::int64_t> json_int(std::string_view value) noexcept {
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc{} || ptr != value.data() + value.size()) return std::nullopt;
    return v;
}

/// Appends the decoded form of the escaped string body `raw` to `out`
/// (\uXXXX, surrogate pairs and the short escapes); false if malformed.
inline bool json_unescape(std::string_view raw, std::string& out) {
    const auto hex4 = [&](std::size_t at, unsigned& v) {
        if (at + 4 > raw.size()) return false;
        v = 0;
        for (std::size_t k = at; k < at + 4; ++k) {
            const char c = raw[k];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
            else return false;
        }
        return true;
    };
    const auto put_utf8 = [&](unsigned cp) {
        if (cp < 0x80) out += static_cast<char>(cp);
        else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    };
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i >= raw.size()) return false;
        switch (raw[i]) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = 0;
                if (!hex4(i + 1, cp)) return false;
                i += 4;
                if (cp >= 0xD800 && cp < 0xDC00) {
                    unsigned low = 0;
                    if (i + 2 >= raw.size() || raw[i + 1] != '\\' || raw[i + 2] != 'u' || !hex4(i + 3, low) ||
                        low < 0xDC00 || low > 0xDFFF)
                        return false;
                    i += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                put_utf8(cp);
                break;
            }
            default: return false;
        }
    }
    return true;
}

/// True when the escaped string body `raw` decodes to exactly `text`.
inline bool json_string_equals(std::string_view raw, std::string_view text) {
    if (raw.find('\\') == std::string_view::npos) return raw == text;
    std::string decoded;
    return json_unescape(raw, decoded) && decoded == text;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
