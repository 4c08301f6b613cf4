#pragma once
/// @file match.hpp
/// What a redaction detector is. aitrail::redactors::pii<...> runs a list of
/// detectors over a text in one pass; each detector is an empty type of one
/// of two kinds.
///
/// A *scanning* detector (all shipped detectors, and redactors::pattern) says
/// which bytes can anchor a match, and checks one anchor at a time. The
/// scanner skips every byte no enabled detector lists, so its speed on plain
/// text does not depend on how many detectors are enabled.
///
/// | Expression                   | Type                          | Semantics |
/// |------------------------------|-------------------------------|-----------|
/// | `D::name`                    | `std::string_view`            | key of the per-detector counts ("email") |
/// | `D::label`                   | `std::string_view`            | text of the mask, without brackets ("EMAIL") |
/// | `D::triggers`                | `constexpr redactors::byte_set`  | bytes at which `match_at` may find a match |
/// | `D::match_at(text, pos, floor)` | `std::optional<redactors::match>` | called only when `text[pos]` is in `triggers`; the match must satisfy `floor <= begin < end <= text.size()` and `end > pos`. `floor` is where the previous match ended: a detector that extends to the left of its anchor (email from '@') must stop there |
/// | `D::canonical(value)`        | `std::string` (optional)      | the form keyed_token hashes, so that "4111 1111..." and "4111-1111..." get one token |
///
/// A *callable* detector wraps any search of the user's own (a trie of
/// customer names, a lookup service, an existing matcher):
///
/// | Expression                   | Type                          | Semantics |
/// |------------------------------|-------------------------------|-----------|
/// | `D::name`, `D::label`        | `std::string_view`            | as above |
/// | `D::find(text, from)`        | convertible to `std::optional<redactors::match>` | the leftmost match with `begin >= from`, or nullopt. Must be deterministic and satisfy `from <= begin < end <= text.size()`. Called once at the start and again after each match of another detector that overlaps its pending one, so it runs O(matches) times per text |
/// | `D::canonical(value)`        | `std::string` (optional)      | as above |
///
/// When two detectors match at the same place, the match that starts first
/// wins, then the longer one, then the detector listed first.

#include <aitrail/config.hpp>
#include <aitrail/detail/fixed_string.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>

#include <concepts>     // convertible_to, same_as
#include <cstddef>      // size_t
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace redactors {

/// A set of byte values, for a detector's `triggers`.
using byte_set = detail::byte_set;

/// Where a detector found a value: the bytes [begin, end) of the text.
struct match {
    std::size_t begin = 0;  ///< first byte of the value
    std::size_t end = 0;    ///< one past its last byte
    friend constexpr bool operator==(const match&, const match&) = default;
};

/// A string literal usable as a template argument:
/// `redactors::pattern<"order_id", "ORDER", "ORD-\\d{8}">`.
using detail::fixed_string;

/// The name, label and triggers of a scanning detector, stated in one line
/// so that the detector's own body is only its match_at() (and canonical()):
/// @code
/// struct order_number : redactors::detector_base<"order", "ORDER", redactors::byte_set::of("#")> {
///     static std::optional<redactors::match> match_at(std::string_view s, std::size_t pos, std::size_t floor) noexcept;
/// };
/// @endcode
template <fixed_string Name, fixed_string Label, byte_set Triggers>
struct detector_base {
    /// Counts key.
    static constexpr std::string_view name = Name.view();
    /// Mask text.
    static constexpr std::string_view label = Label.view();
    /// The bytes at which match_at() may find a match.
    static constexpr byte_set triggers = Triggers;
};

/// Several detectors named as one argument of pii<...>, e.g. redactors::secrets.
/// `with<detector_list<...>, Strategy>` gives each of them that strategy.
template <class... Detectors>
struct detector_list {};

/// Has the name and label every detector needs.
template <class D>
concept named_detector = requires {
    { D::name } -> std::convertible_to<std::string_view>;
    { D::label } -> std::convertible_to<std::string_view>;
};

/// A detector the scanner drives by trigger bytes (see the first table).
template <class D>
concept scanning_detector = named_detector<D> && requires(std::string_view text, std::size_t i) {
    { D::triggers } -> std::convertible_to<byte_set>;
    { D::match_at(text, i, i) } -> std::same_as<std::optional<match>>;
};

/// A detector that searches by itself (see the second table).
template <class D>
concept callable_detector = named_detector<D> && requires(std::string_view text, std::size_t i) {
    { D::find(text, i) } -> std::convertible_to<std::optional<match>>;
};

/// Either kind of detector.
template <class D>
concept detector = scanning_detector<D> || callable_detector<D>;

}  // namespace redactors

namespace detail {

/// Instantiated by pii<...> for each detector: one readable message per
/// missing member.
template <class D>
struct detector_requirements {
    static_assert(requires { D::name; } && requires { D::label; },
                  "aitrail: a redaction detector requires 'static constexpr std::string_view name' (the counts key) "
                  "and 'static constexpr std::string_view label' (the mask text)");
    static_assert(redactors::scanning_detector<D> || redactors::callable_detector<D>,
                  "aitrail: a redaction detector requires either 'static constexpr redactors::byte_set triggers' and "
                  "'static std::optional<redactors::match> match_at(std::string_view, std::size_t pos, std::size_t floor)' "
                  "(a scanning detector) or 'static std::optional<redactors::match> find(std::string_view, std::size_t from)' "
                  "(a callable detector); see aitrail/policy/redact/match.hpp");
    static constexpr bool value = redactors::detector<D>;
};

/// The form of `value` that keyed_token hashes: D::canonical when the
/// detector has one, else the value as found.
template <class D>
std::string canonical_of(std::string_view value) {
    if constexpr (requires { { D::canonical(value) } -> std::convertible_to<std::string>; })
        return D::canonical(value);
    else
        return std::string(value);
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
