#pragma once
/// @file meta_fields.hpp
/// A compile-time list of meta field names, for policies that single out
/// some metadata (e.g. which meta fields are redacted).

#include <aitrail/config.hpp>
#include <aitrail/detail/fixed_string.hpp>

#include <concepts>     // convertible_to
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// Names the meta fields whose string values are redacted too:
/// `using redact_meta = aitrail::meta_fields<"query", "notes">;`.
template <detail::fixed_string... Names>
struct meta_fields {
    /// True if `name` is one of the fields.
    static bool contains([[maybe_unused]] std::string_view name) noexcept { return ((Names.view() == name) || ...); }
};

/// Requirements on a policy's `redact_meta`: `M::contains(name)` says
/// whether meta field `name` is redacted (meta_fields<...> meets it).
template <class M>
concept meta_field_list = requires(std::string_view name) {
    { M::contains(name) } -> std::convertible_to<bool>;
};

}  // namespace v1
}  // namespace aitrail
