#pragma once
/// @file stress_scale.hpp
/// Iteration counts for stress tests that stay bounded in time: divided by 8
/// under ThreadSanitizer (which runs code 5-15x slower), or by the positive
/// integer in $AITRAIL_STRESS_DIVISOR when it is set (e.g. on a slow machine).

#include <algorithm>  // max
#include <cstddef>    // size_t
#include <cstdlib>    // getenv, strtoul

namespace aitrail_test {

/// True when this file is compiled with -fsanitize=thread.
constexpr bool under_thread_sanitizer() noexcept {
#if defined(__SANITIZE_THREAD__)
    return true;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

/// The divisor applied to iteration counts (1 in a normal build).
inline std::size_t stress_divisor() noexcept {
    if (const char* env = std::getenv("AITRAIL_STRESS_DIVISOR")) {
        const unsigned long d = std::strtoul(env, nullptr, 10);
        if (d > 0) return static_cast<std::size_t>(d);
    }
    return under_thread_sanitizer() ? 8 : 1;
}

/// `normal` scaled down by stress_divisor(), but never below `floor`.
inline std::size_t scaled(std::size_t normal, std::size_t floor = 1) noexcept {
    return std::max(normal / stress_divisor(), floor);
}

}  // namespace aitrail_test
