#pragma once
/// @file network.hpp
/// IP addresses. An address identifies a subscriber (personal data under
/// GDPR), but dotted and colon-separated numbers are everywhere in logs:
/// versions, times, MAC addresses, C++ scopes, Python slices. The rules
/// below keep to what can only be an address.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>
#include <aitrail/detail/policy/redact_numbers.hpp>
#include <aitrail/policy/redact/match.hpp>

#include <cstddef>      // size_t
#include <optional>     // optional, nullopt
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace redactors {
/// IPv4 addresses: four decimal octets 0-255 without leading zeros
/// ("01.2.3.4" is not one), not glued to a word character on either side,
/// and not part of a longer dotted run: "1.2.3.4.5" and "10.0.19045.3803"
/// are versions. A port or prefix length after it stays ("[IP]:8080",
/// "[IP]/24"). A four-part version written without a 'v' ("1.2.3.4")
/// cannot be told from an address and is redacted.
struct ipv4 : detector_base<"ipv4", "IP", byte_set::range('0', '9')> {
    // Triggers: the first digit.

    /// The address starting at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t) noexcept {
        using detail::at;
        const char b = at(s, pos - 1);
        if (detail::is_word(b) || (b == '.' && detail::is_alnum(at(s, pos - 2)))) return std::nullopt;
        const std::size_t e = detail::dotted_quad_end(s, pos);
        if (e == 0 || detail::is_word(at(s, e)) || (at(s, e) == '.' && detail::is_digit(at(s, e + 1))))
            return std::nullopt;
        return match{pos, e};
    }
};

/// IPv6 addresses (RFC 4291 text forms), anchored at a ':' and read in both
/// directions:
/// - groups of 1-4 hex digits joined by ':', with at most one "::";
///   without "::" exactly eight groups, with it at most seven; an IPv4 tail
///   counts as two groups ("::ffff:192.0.2.1");
/// - at least one decimal digit ("abc::def" is a C++ scope, "dead::beef"
///   too rare to tell), and with "::" and at most two groups, a group of 3+
///   characters or a hex letter, except "::1" itself, so Python slices
///   "x[::2]", "x[1::2]" stay;
/// - not glued to a word character: "std::", "12:30:45", "a:b",
///   "00:1A:2B:3C:4D:5E" (six groups) are not addresses.
/// Zone ids ("%eth0") stay after the mask.
struct ipv6 : detector_base<"ipv6", "IP", byte_set::of(":")> {
    // Triggers: any ':' of the address.

    /// The address around the ':' at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t floor) noexcept {
        using detail::at, detail::is_hex;
        constexpr std::size_t longest = 45;  // 8 groups of 4 and 7 colons is 39; with an IPv4 tail, 45
        auto addr_char = [](char c) { return is_hex(c) || c == ':'; };
        if (!addr_char(at(s, pos - 1)) && !addr_char(at(s, pos + 1))) return std::nullopt;  // "key: value"

        std::size_t b = pos, e = pos;
        while (b > floor && pos - b < longest && addr_char(s[b - 1])) --b;
        while (e < s.size() && e - b < longest && addr_char(s[e])) ++e;
        if (e - b >= longest) return std::nullopt;
        if (s[e - 1] == ':' && at(s, e - 2) != ':') --e;  // "fe80::1: reachable"
        if (s[b] == ':' && at(s, b + 1) != ':') ++b;
        if (b > pos || e <= pos || detail::is_word(at(s, b - 1))) return std::nullopt;

        std::size_t groups = 0, i = b, last = b;
        bool compressed = false, digit = false, long_or_letter = false;
        if (s[i] == ':') {  // leading "::"
            compressed = true;
            i += 2;
        }
        while (i < e) {
            last = i;
            while (i < e && is_hex(s[i])) {
                digit = digit || detail::is_digit(s[i]);
                long_or_letter = long_or_letter || !detail::is_digit(s[i]);
                ++i;
            }
            if (i == last || i - last > 4) return std::nullopt;
            long_or_letter = long_or_letter || i - last >= 3;
            ++groups;
            if (i == e) break;
            if (at(s, i + 1) == ':') {
                if (compressed) return std::nullopt;
                compressed = true;
                i += 2;
            } else {
                ++i;
            }
        }
        if (at(s, e) == '.' && detail::is_digit(at(s, e + 1))) {
            // An IPv4 tail: the last "group" read above is its first octet.
            const std::size_t quad = detail::dotted_quad_end(s, last);
            if (groups == 0 || quad == 0) return std::nullopt;
            ++groups;
            e = quad;
            long_or_letter = true;
        }
        if (compressed ? groups > 7 : groups != 8) return std::nullopt;
        if (!digit || detail::is_word(at(s, e))) return std::nullopt;
        const bool loopback = e - b == 3 && s.substr(b, 3) == "::1";
        if (compressed && groups <= 2 && !long_or_letter && !loopback) return std::nullopt;
        return match{b, e};
    }

    /// Lowercase, so "FE80::1" and "fe80::1" get one keyed token.
    static std::string canonical(std::string_view value) {
        std::string out(value);
        for (char& c : out) c = detail::to_lower(c);
        return out;
    }
};

}  // namespace redactors
}  // namespace v1
}  // namespace aitrail
