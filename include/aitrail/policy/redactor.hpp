#pragma once
/// @file redactor.hpp
/// The redaction policy: what the pipeline runs over each text before it is
/// sealed into the trail, and what the record's `redactions` counts say.
/// @code
/// struct my_policy : aitrail::default_policy {
///     using redactor = aitrail::redactors::pii<aitrail::redactors::email,
///                                              aitrail::redactors::credit_card,
///                                              aitrail::redactors::secrets>;
/// };
/// @endcode
///
/// `redactor`:
/// | Expression            | Type   | Semantics |
/// |-----------------------|--------|-----------|
/// | `R::apply(text, counts)` | (any) | `text`: `std::string&`, redacted in place; `counts`: `std::map<std::string, std::int64_t>&`, detector name -> values redacted, added to |
///
/// Shipped: redactors::pii<Detectors...> (the detectors are in
/// aitrail/policy/redact/detectors.hpp, strategies in strategies.hpp, user
/// patterns in pattern.hpp) and redactors::no_redaction.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/redact_scan.hpp>
#include <aitrail/policy/redact/detectors.hpp>
#include <aitrail/policy/redact/match.hpp>
#include <aitrail/policy/redact/pattern.hpp>
#include <aitrail/policy/redact/strategies.hpp>

#include <array>        // array
#include <cstddef>      // size_t
#include <cstdint>      // int64_t
#include <map>          // map
#include <string>       // string
#include <string_view>  // string_view
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// Requirements on a redactor (see the table at the top of this file).
template <class R>
concept redactor = requires(std::string& text, std::map<std::string, std::int64_t>& counts) { R::apply(text, counts); };

namespace detail {

/// Instantiated for a policy's redactor: one readable message per broken
/// requirement, before the compiler's own diagnostics.
template <class R>
struct redactor_requirements {
    static constexpr bool has_member_apply =
        requires(R& r, std::string& text, std::map<std::string, std::int64_t>& counts) { r.apply(text, counts); };
    static_assert(redactor<R> || has_member_apply,
                  "aitrail: Redactor requires 'static void apply(std::string& text, "
                  "std::map<std::string, std::int64_t>& counts)' (use aitrail::redactors::pii<detectors...> or "
                  "aitrail::redactors::no_redaction)");
    static_assert(redactor<R> || !has_member_apply,
                  "aitrail: Redactor::apply must be static: a redactor is a stateless type (keep keys in a "
                  "keyed_token key source)");
    static constexpr bool value = redactor<R>;
};

}  // namespace detail

namespace redactors {

/// Redacts what `Detectors...` find, in one pass over the text. Each
/// argument is a detector (masked as "[LABEL]"), a with<Detector, Strategy>,
/// or a detector_list such as redactors::secrets (bare or in a with).
template <class... Detectors>
struct pii {
    /// The arguments as with<Detector, Strategy> entries, lists spread.
    using entries = typename detail::redact_concat<typename detail::redact_expand<Detectors>::type...>::type;
    static_assert(detail::redact_entries_requirements<entries>::value);

    /// Redacts `text` in place and adds, per detector name, the number of
    /// values redacted to `counts` (names with no match are not added).
    /// A text with nothing to redact is not copied.
    static void apply(std::string& text, std::map<std::string, std::int64_t>& counts) {
        std::string out;
        std::size_t copied = 0;
        bool changed = false;
        std::array<std::int64_t, scanner::size> hits{};
        const std::string_view view = text;
        scanner::scan(view, [&](std::size_t index, match m) {
            if (!changed) out.reserve(text.size());
            changed = true;
            out.append(view.substr(copied, m.begin - copied));
            scanner::write(index, out, view.substr(m.begin, m.end - m.begin));
            copied = m.end;
            ++hits[index];
        });
        if (!changed) return;
        out.append(view.substr(copied));
        text.swap(out);
        for (std::size_t i = 0; i < scanner::size; ++i)
            if (hits[i] != 0) counts[std::string(scanner::names[i])] += hits[i];
    }

    /// One value found by find_all.
    struct found {
        std::string_view detector;  ///< the detector's name
        std::size_t begin = 0;      ///< first byte in the text
        std::size_t end = 0;        ///< one past the last byte
    };

    /// What apply would redact, without changing anything (for reviews,
    /// highlighting, and measuring detectors).
    static std::vector<found> find_all(std::string_view text) {
        std::vector<found> out;
        scanner::scan(text, [&](std::size_t index, match m) { out.push_back({scanner::names[index], m.begin, m.end}); });
        return out;
    }

private:
    using scanner = detail::redact_scanner<entries>;
};

/// Redacts nothing: for trails whose content is already clean, or is not
/// kept (hash-only mode).
/// @code
/// struct my_policy : aitrail::default_policy { using redactor = aitrail::redactors::no_redaction; };
/// @endcode
struct no_redaction {
    /// Leaves `text` and `counts` as they are.
    static void apply(std::string&, std::map<std::string, std::int64_t>&) {}
};

}  // namespace redactors

/// Deprecated: the former name of redactors. New code names redactors.
namespace redact = redactors;
}  // namespace v1
}  // namespace aitrail
