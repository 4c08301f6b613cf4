#pragma once
/// @file fixed_string.hpp
/// A string literal usable as a template argument (a C++20 class-type
/// non-type template parameter), so that a name can be part of a type:
/// `entry<"claude-sonnet-4", ...>`. Structural: one public array member.

#include <aitrail/config.hpp>

#include <cstddef>      // size_t
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// N characters and a terminating NUL, compared and passed by value.
template <std::size_t N>
struct fixed_string {
    /// The characters; public because a class-type template argument must
    /// have only public members.
    char chars[N + 1]{};

    /// From a string literal (the trailing NUL included in the array).
    consteval fixed_string(const char (&literal)[N + 1]) {
        for (std::size_t i = 0; i <= N; ++i) chars[i] = literal[i];
    }
    /// The characters, without the NUL.
    constexpr std::string_view view() const noexcept { return {chars, N}; }
    /// Length without the NUL.
    static constexpr std::size_t size() noexcept { return N; }
};

/// `fixed_string{"abc"}` is a fixed_string<3>.
template <std::size_t N>
fixed_string(const char (&)[N]) -> fixed_string<N - 1>;

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
