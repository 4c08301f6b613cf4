#pragma once
/// @file pattern.hpp
/// A detector for the user's own identifiers, written as a small pattern and
/// compiled while the program compiles (no std::regex, no allocation, no
/// backtracking):
/// @code
/// using order_id = aitrail::redactors::pattern<"order_id", "ORDER", "ORD-\\d{8}">;
/// using employee = aitrail::redactors::pattern<"employee_id", "EMPLOYEE", "EMP[0-9]{6}">;
/// struct my_policy : aitrail::default_policy {
///     using redactor = aitrail::redactors::pii<aitrail::redactors::email, order_id, employee>;
/// };
/// @endcode
///
/// The language: a sequence of steps, each an atom and an optional count.
///
/// | Atom          | Matches |
/// |---------------|---------|
/// | `x`           | the byte x itself (any byte but the special ones below) |
/// | `\d` `\w` `\s`| a digit; a word byte [A-Za-z0-9_]; a space, tab, CR, LF, FF or VT |
/// | `\D` `\W` `\S`| any byte but those |
/// | `\.` `\-` ... | an escaped punctuation byte stands for itself (`\\` for a backslash) |
/// | `.`           | any byte but a line feed |
/// | `[a-z0-9_]`   | one byte of the class: single bytes, ranges `a-z`, escapes `\d` `\]` `\\`; `[^...]` negates; a '-' first or last is literal |
///
/// | Count         | Repeats the atom |
/// |---------------|------------------|
/// | (none)        | once |
/// | `?`           | 0 or 1 times |
/// | `*` / `+`     | 0 or more / 1 or more times |
/// | `{n}` `{n,}` `{n,m}` | exactly n / n or more / n to m times (n, m <= 65535) |
///
/// Rules, checked at compile time (a broken pattern does not compile; the
/// error names a `redact_pattern_error_...` function that says why):
/// - no groups, alternation or anchors: `( ) | ^ $` must be escaped;
///   escapes of letters other than d, w, s, D, W, S are reserved;
/// - the first step must match at least one byte (it anchors the scan);
/// - a step with a variable count must not be followed by a step whose
///   class overlaps its own (up to the next mandatory step): "\d{2,4}\d"
///   is rejected, "\d{2,4}-\d" is fine. Each step then takes as many bytes
///   as it can and the result is the one a backtracking regex would give.
///
/// Cost: a step repeated without bound (`+`, `*`, `{n,}`) reads the whole
/// run of its bytes at every anchor it is tried from, so a pattern such as
/// "-[^ ]+x" on a long run of "-" bytes costs the run's length per anchor.
/// Bounded counts (`{1,64}`) keep every anchor's work bounded.
///
/// Matches are whole words: one that starts (ends) with a word byte is
/// only taken when the byte before (after) it is not one, as if the pattern
/// were wrapped in `\b...\b`. "EMP[0-9]{6}" leaves "EMP1234567" alone.
/// Matching is case-sensitive; write `[Oo][Rr][Dd]` for both cases.

#include <aitrail/config.hpp>
#include <aitrail/detail/fixed_string.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>
#include <aitrail/detail/policy/redact_pattern.hpp>
#include <aitrail/policy/redact/match.hpp>

#include <cstddef>      // size_t
#include <optional>     // optional, nullopt
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace redactors {

/// A detector named `Name`, masked as "[Label]", matching `Pattern` (the
/// language is at the top of this file).
template <fixed_string Name, fixed_string Label, fixed_string Pattern>
struct pattern {
    /// Counts key.
    static constexpr std::string_view name = Name.view();
    /// Mask text.
    static constexpr std::string_view label = Label.view();
    /// The compiled steps.
    static constexpr auto compiled = detail::compile_pattern<Pattern.size()>(Pattern.view());
    /// The bytes the first step accepts.
    static constexpr byte_set triggers = compiled.atoms[0].cls;

    /// The match starting at `pos`, if it is a whole word.
    static std::optional<match> match_at(std::string_view s, std::size_t pos, std::size_t) noexcept {
        // The start boundary first: inside a run of word bytes every anchor
        // is then rejected without reading the run.
        if (detail::is_word(s[pos]) && detail::is_word(detail::at(s, pos - 1))) return std::nullopt;
        const std::size_t e = detail::match_pattern(compiled, s, pos);
        if (e == 0 || (detail::is_word(s[e - 1]) && detail::is_word(detail::at(s, e)))) return std::nullopt;
        return match{pos, e};
    }
};

}  // namespace redactors
}  // namespace v1
}  // namespace aitrail
