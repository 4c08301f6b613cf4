#pragma once
/// @file secrets.hpp
/// Credentials that end up in prompts and tool outputs: provider API keys,
/// cloud and GitHub tokens, JWTs, Authorization headers, PEM private keys.
/// All have fixed prefixes, so each is anchored at its rarest byte (the '-'
/// of "sk-", the '_' of "ghp_", the 'J' of "eyJ") and checked backwards,
/// which keeps English text, full of 's' and 'e', off the slow path.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>
#include <aitrail/policy/redact/match.hpp>

#include <cstddef>      // size_t
#include <optional>     // optional, nullopt
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace redactors {

/// OpenAI and Anthropic style API keys: "sk-" (so also "sk-proj-",
/// "sk-ant-api03-") followed by 20 or more of [A-Za-z0-9_-], with at least
/// one digit or uppercase letter among them, so hyphenated words
/// ("sk-learn-style-naming-is-fine") stay. Not glued to a word on the left.
struct api_key : detector_base<"api_key", "API_KEY", byte_set::of("-")> {
    // Triggers: the '-' of "sk-".

    /// The key whose "sk-" ends at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t floor) noexcept {
        constexpr byte_set key_chars = byte_set::range('A', 'Z') | byte_set::range('a', 'z') |
                                       byte_set::range('0', '9') | byte_set::of("_-");
        if (pos < floor + 2 || s[pos - 2] != 's' || s[pos - 1] != 'k' || key_chars.contains(detail::at(s, pos - 3)))
            return std::nullopt;
        const std::size_t e = detail::run_end(s, pos + 1, key_chars);
        if (e - (pos + 1) < 20) return std::nullopt;
        for (std::size_t i = pos + 1; i < e; ++i)
            if (detail::is_digit(s[i]) || detail::is_upper(s[i])) return match{pos - 2, e};
        return std::nullopt;
    }
};

/// AWS access key ids: "AKIA" (long-term) or "ASIA" (temporary) and 16 of
/// [A-Z0-9], as a whole word.
struct aws_access_key : detector_base<"aws_access_key", "AWS_KEY", byte_set::of("A")> {
    // Triggers: the leading 'A'.

    /// The key id starting at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t) noexcept {
        constexpr byte_set id_chars = byte_set::range('A', 'Z') | byte_set::range('0', '9');
        const std::string_view head = s.substr(pos, 4);
        if ((head != "AKIA" && head != "ASIA") || detail::is_word(detail::at(s, pos - 1))) return std::nullopt;
        const std::size_t e = detail::run_end(s, pos + 4, id_chars);
        if (e != pos + 20 || detail::is_word(detail::at(s, e))) return std::nullopt;
        return match{pos, e};
    }
};

/// GitHub tokens: "ghp_", "gho_", "ghu_", "ghs_", "ghr_" and 36 or more of
/// [A-Za-z0-9]; fine-grained "github_pat_" and 22 or more of [A-Za-z0-9_].
/// Whole words only.
struct github_token : detector_base<"github_token", "GITHUB_TOKEN", byte_set::of("_")> {
    // Triggers: the first '_'.

    /// The token whose first '_' is at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t floor) noexcept {
        using detail::at, detail::is_word;
        constexpr byte_set alnum = byte_set::range('A', 'Z') | byte_set::range('a', 'z') | byte_set::range('0', '9');
        if (pos >= floor + 3 && s[pos - 3] == 'g' && s[pos - 2] == 'h' && !is_word(at(s, pos - 4))) {
            const char kind = s[pos - 1];
            if (kind == 'p' || kind == 'o' || kind == 'u' || kind == 's' || kind == 'r') {
                const std::size_t e = detail::run_end(s, pos + 1, alnum);
                if (e - (pos + 1) >= 36 && !is_word(at(s, e))) return match{pos - 3, e};
            }
        }
        if (pos >= floor + 6 && s.substr(pos - 6, 6) == "github" && s.substr(pos, 5) == "_pat_" &&
            !is_word(at(s, pos - 7))) {
            const std::size_t e = detail::run_end(s, pos + 5, alnum | byte_set::of("_"));
            if (e - (pos + 5) >= 22) return match{pos - 6, e};
        }
        return std::nullopt;
    }
};

/// JSON Web Tokens (and JWEs): base64url segments joined by '.', the first
/// starting "eyJ" (base64 of '{"') and at least 10 long; three to five
/// segments, or two when the payload also starts "eyJ" and the empty
/// signature's '.' follows (an unsecured JWT; the '.' is kept).
struct jwt : detector_base<"jwt", "JWT", byte_set::of("J")> {
    // Triggers: the 'J' of "eyJ".

    /// The token whose "eyJ" ends at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t floor) noexcept {
        using detail::at;
        constexpr byte_set b64url = byte_set::range('A', 'Z') | byte_set::range('a', 'z') |
                                    byte_set::range('0', '9') | byte_set::of("_-");
        if (pos < floor + 2 || s[pos - 2] != 'e' || s[pos - 1] != 'y') return std::nullopt;
        const char before = at(s, pos - 3);
        if (b64url.contains(before) || before == '.') return std::nullopt;
        const std::size_t b = pos - 2;
        const std::size_t e1 = detail::run_end(s, b, b64url);
        if (e1 - b < 10 || at(s, e1) != '.') return std::nullopt;
        const std::size_t e2 = detail::run_end(s, e1 + 1, b64url);
        if (e2 - (e1 + 1) < 2) return std::nullopt;
        std::size_t end = e2;
        int segments = 2;
        while (segments < 5 && at(s, end) == '.') {
            const std::size_t r = detail::run_end(s, end + 1, b64url);
            if (r == end + 1) break;
            end = r;
            ++segments;
        }
        if (segments == 2 && !(at(s, e2) == '.' && s.substr(e1 + 1, 3) == "eyJ")) return std::nullopt;
        return match{b, end};
    }
};

/// The credential of an HTTP Authorization header: "Bearer" (any case) as a
/// word, spaces or tabs, then a token of 16 or more [A-Za-z0-9._~+/=-]
/// holding something besides lowercase letters and '-' (so prose such as
/// "bearer of-good-tidings-everywhere" stays). Only the token is redacted:
/// "Bearer [BEARER]". A trailing full stop is not part of the token.
struct bearer_token : detector_base<"bearer_token", "BEARER", byte_set::of("Bb")> {
    // Triggers: the 'B' or 'b' of "Bearer".

    /// The token after the "Bearer" starting at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t) noexcept {
        using detail::at;
        constexpr byte_set token_chars = byte_set::range('A', 'Z') | byte_set::range('a', 'z') |
                                         byte_set::range('0', '9') | byte_set::of("._~+/=-");
        if (detail::is_word(at(s, pos - 1)) || !detail::has_word_at(s, pos, "bearer")) return std::nullopt;
        std::size_t i = pos + 6;
        if (at(s, i) != ' ' && at(s, i) != '\t') return std::nullopt;
        while (at(s, i) == ' ' || at(s, i) == '\t') ++i;
        std::size_t e = detail::run_end(s, i, token_chars);
        while (e > i && s[e - 1] == '.') --e;
        if (e - i < 16) return std::nullopt;
        for (std::size_t k = i; k < e; ++k)
            if (!detail::is_lower(s[k]) && s[k] != '-') return match{i, e};
        return std::nullopt;
    }
};

/// PEM private keys: from "-----BEGIN ... PRIVATE KEY-----" (RSA, EC,
/// OPENSSH, ENCRYPTED, PGP "... PRIVATE KEY BLOCK" alike) through the
/// "-----END ...-----" line that follows it within 64 KiB. A key cut off
/// before its END line (a truncated prompt) is redacted through the end of
/// its base64 body. Public keys and certificates are left alone.
struct private_key : detector_base<"private_key", "PRIVATE_KEY", byte_set::of("-")> {
    // Triggers: the first '-' of the BEGIN line.

    /// The key whose BEGIN line starts at `pos`.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t) noexcept {
        constexpr std::string_view begin_tag = "-----BEGIN ", end_tag = "-----END ", dashes = "-----";
        constexpr std::size_t label_max = 40, search_max = 64 * 1024;
        if (s.substr(pos, begin_tag.size()) != begin_tag || detail::at(s, pos - 1) == '-') return std::nullopt;
        const std::size_t label_at = pos + begin_tag.size();
        const std::size_t h = s.find(dashes, label_at);
        if (h == std::string_view::npos || h - label_at > label_max) return std::nullopt;
        const std::string_view label_text = s.substr(label_at, h - label_at);
        if (!label_text.ends_with("PRIVATE KEY") && !label_text.ends_with("PRIVATE KEY BLOCK")) return std::nullopt;

        // A PEM body is base64 and never holds "-----": the first dashes
        // after the BEGIN line are the END line or the next armour block.
        // Looking no further keeps many BEGIN lines without an END linear.
        const std::size_t body = h + dashes.size();
        const std::string_view ahead = s.substr(body, search_max);
        if (const std::size_t e = ahead.find(dashes); e != std::string_view::npos && ahead.substr(e).starts_with(end_tag)) {
            const std::size_t f = ahead.find(dashes, e + end_tag.size());
            if (f != std::string_view::npos && f - (e + end_tag.size()) <= label_max)
                return match{pos, body + f + dashes.size()};
        }
        constexpr byte_set body_chars = byte_set::range('A', 'Z') | byte_set::range('a', 'z') |
                                        byte_set::range('0', '9') | byte_set::of("+/=\\ \t\r\n");
        std::size_t e = detail::run_end(ahead, 0, body_chars);
        while (e > 0 && (ahead[e - 1] == ' ' || ahead[e - 1] == '\t' || ahead[e - 1] == '\r' || ahead[e - 1] == '\n'))
            --e;
        return match{pos, body + e};
    }
};

/// All the secret detectors, as one pii<...> argument:
/// `pii<email, secrets>` or `pii<with<secrets, drop>>`.
using secrets = detector_list<api_key, aws_access_key, github_token, jwt, bearer_token, private_key>;

}  // namespace redactors
}  // namespace v1
}  // namespace aitrail
