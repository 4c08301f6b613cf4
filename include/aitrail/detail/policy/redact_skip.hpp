#pragma once
/// @file redact_skip.hpp
/// The scanner's inner loop: find the next byte that can anchor a match of
/// any enabled detector. Most text anchors nothing (English prose has no
/// '@', few digits), so this loop decides the redactor's speed.
///
/// The trigger set is known at compile time. It is split into byte ranges
/// once, and with SSE2 each range costs one or two compares per 16 bytes; a
/// set with too many ranges falls back to a table lookup per byte.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>

#include <array>        // array
#include <cstddef>      // size_t
#include <string_view>  // string_view
#include <utility>      // index_sequence

#if defined(__SSE2__)
#include <emmintrin.h>  // _mm_cmpeq_epi8, _mm_movemask_epi8
#endif

namespace aitrail {
inline namespace v1 {
namespace detail {

/// One contiguous range of trigger bytes.
struct byte_range {
    unsigned char lo = 0;  ///< first byte
    unsigned char hi = 0;  ///< last byte (included)
};

/// Past this many ranges the SIMD test costs more than a table lookup.
inline constexpr std::size_t max_simd_ranges = 12;

/// The ranges of a byte set, in ascending order.
struct byte_ranges {
    std::array<byte_range, max_simd_ranges> r{};  ///< the first `n` are used
    std::size_t n = 0;                            ///< ranges used
    bool fits = true;                             ///< false: more than max_simd_ranges
};

/// Splits `set` into maximal runs of consecutive bytes.
constexpr byte_ranges ranges_of(const byte_set& set) {
    byte_ranges out;
    unsigned b = 0;
    while (b < 256) {
        if (!set.contains(static_cast<char>(b))) { ++b; continue; }
        const unsigned lo = b;
        while (b < 256 && set.contains(static_cast<char>(b))) ++b;
        if (out.n == max_simd_ranges) { out.fits = false; return out; }
        out.r[out.n++] = {static_cast<unsigned char>(lo), static_cast<unsigned char>(b - 1)};
    }
    return out;
}

/// A byte -> "is a trigger" table, for the scalar path.
template <byte_set Set>
inline constexpr auto trigger_table = [] {
    std::array<bool, 256> t{};
    for (unsigned b = 0; b < 256; ++b) t[b] = Set.contains(static_cast<char>(b));
    return t;
}();

#if defined(__SSE2__)
/// 0xFF in each lane whose byte lies in `R`.
template <byte_range R>
inline __m128i in_range(__m128i x) noexcept {
    if constexpr (R.lo == 0 && R.hi == 255) {
        return _mm_set1_epi8(-1);
    } else if constexpr (R.lo == R.hi) {
        return _mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(R.lo)));
    } else {
        // Unsigned (x - lo) <= (hi - lo), done with SSE2's signed compare:
        // shift both sides down by 128 so the unsigned order becomes signed.
        constexpr int span = R.hi - R.lo;
        const __m128i shifted = _mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(-static_cast<int>(R.lo) - 128)));
        return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(span - 127)));
    }
}

/// Bit i set when byte i of the 16 at `p` is in the trigger set.
template <byte_set Set, std::size_t... I>
inline unsigned simd_hits(const char* p, std::index_sequence<I...>) noexcept {
    constexpr byte_ranges ranges = ranges_of(Set);
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i hit = _mm_setzero_si128();
    ((hit = _mm_or_si128(hit, in_range<ranges.r[I]>(x))), ...);
    return static_cast<unsigned>(_mm_movemask_epi8(hit));
}
#endif

/// Position of the first byte of `Set` in `text` at or after `from`, or
/// `text.size()` if there is none.
template <byte_set Set>
inline std::size_t next_trigger(std::string_view text, std::size_t from) noexcept {
    if constexpr (Set.empty()) {
        return text.size();
    } else {
        const char* const begin = text.data();
        const char* p = begin + from;
        const char* const end = begin + text.size();
#if defined(__SSE2__)
        constexpr byte_ranges ranges = ranges_of(Set);
        if constexpr (ranges.fits) {
            constexpr auto lanes = std::make_index_sequence<ranges.n>{};
            // Two vectors per step: one branch per 32 bytes of plain text.
            while (end - p >= 32) {
                const unsigned m = simd_hits<Set>(p, lanes) | simd_hits<Set>(p + 16, lanes) << 16;
                if (m != 0) return static_cast<std::size_t>(p - begin) + static_cast<std::size_t>(__builtin_ctz(m));
                p += 32;
            }
            if (end - p >= 16) {
                const unsigned m = simd_hits<Set>(p, lanes);
                if (m != 0) return static_cast<std::size_t>(p - begin) + static_cast<std::size_t>(__builtin_ctz(m));
                p += 16;
            }
        }
#endif
        for (; p < end; ++p)
            if (trigger_table<Set>[static_cast<unsigned char>(*p)]) return static_cast<std::size_t>(p - begin);
        return text.size();
    }
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
