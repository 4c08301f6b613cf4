#pragma once
/// @file uuid.hpp
/// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then 12 bits of sub-millisecond
/// time (RFC 9562 section 6.2, method 3), then 62 random bits. Ids therefore
/// sort by creation time to the microsecond, across threads, without a lock.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>

#include <cstdint>  // uint64_t
#include <random>   // random_device, mt19937_64
#include <string>   // string

namespace aitrail {
inline namespace v1 {
namespace detail {

/// A new UUIDv7 for time `t`, in the canonical 36-character lowercase form.
inline std::string make_uuid_v7(timestamp t) {
    // One generator per thread, seeded from the OS: ids need to be unique,
    // not secret, and a per-thread engine keeps the hot path lock-free.
    thread_local std::mt19937_64 rng{[] {
        std::random_device rd;
        return (std::uint64_t{rd()} << 32) ^ rd();
    }()};
    const auto us = static_cast<std::uint64_t>(t.time_since_epoch().count());
    const std::uint64_t ms = us / 1000;
    const std::uint64_t sub_ms = (us % 1000) * 4096 / 1000;  // 12 bits
    std::uint64_t hi = (ms << 16) | (0x7ULL << 12) | sub_ms;
    std::uint64_t lo = (rng() & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
    // Within one thread ids strictly increase even inside one microsecond or
    // when the clock steps back: continue from the last id (RFC 9562 6.2,
    // monotonic random). Across threads they are ordered to the microsecond.
    thread_local std::uint64_t last_hi = 0, last_lo = 0;
    if (hi < last_hi || (hi == last_hi && lo <= last_lo)) {
        hi = last_hi;
        lo = last_lo + 1;
        if ((lo & 0x3FFFFFFFFFFFFFFFULL) == 0) {  // the 62 random bits wrapped
            hi = last_hi + 1;
            lo = 0x8000000000000000ULL;
        }
    }
    last_hi = hi;
    last_lo = lo;

    static constexpr char hex[] = "0123456789abcdef";
    std::string s(36, '-');
    int pos = 0;
    auto put = [&](std::uint64_t v, int nibbles) {
        for (int i = nibbles - 1; i >= 0; --i) {
            if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
            s[static_cast<std::size_t>(pos++)] = hex[(v >> (4 * i)) & 0xF];
        }
    };
    put(hi, 16);
    put(lo, 16);
    return s;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
