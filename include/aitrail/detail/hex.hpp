#pragma once
/// @file hex.hpp
/// Lowercase hex encoding and decoding of digests (the trail format writes
/// every hash as 64 lowercase hex characters).

#include <aitrail/config.hpp>

#include <array>        // array
#include <cstddef>      // size_t
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Appends the lowercase hex form of `n` bytes at `data` to `out`.
inline void append_hex(std::string& out, const unsigned char* data, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    const std::size_t at = out.size();
    out.resize(at + 2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        out[at + 2 * i] = digits[data[i] >> 4];
        out[at + 2 * i + 1] = digits[data[i] & 0x0f];
    }
}

/// Lowercase hex of a byte array.
template <std::size_t N>
std::string to_hex(const std::array<unsigned char, N>& bytes) {
    std::string out;
    out.reserve(2 * N);
    append_hex(out, bytes.data(), N);
    return out;
}

/// True if `s` is exactly `n` lowercase hex characters (what the format writes).
inline bool is_lower_hex(std::string_view s, std::size_t n) noexcept {
    if (s.size() != n) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

/// Decodes lowercase or uppercase hex into N bytes; nullopt if malformed.
template <std::size_t N>
std::optional<std::array<unsigned char, N>> from_hex(std::string_view s) noexcept {
    if (s.size() != 2 * N) return std::nullopt;
    // A table, not branches: the Merkle tree decodes every entry's hash on
    // the writer's path.
    static constexpr auto values = [] {
        std::array<signed char, 256> t{};
        for (auto& v : t) v = -1;
        for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - '0');
        for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'a' + 10);
        for (int c = 'A'; c <= 'F'; ++c) t[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'A' + 10);
        return t;
    }();
    std::array<unsigned char, N> out{};
    int bad = 0;
    for (std::size_t i = 0; i < N; ++i) {
        const int hi = values[static_cast<unsigned char>(s[2 * i])], lo = values[static_cast<unsigned char>(s[2 * i + 1])];
        bad |= hi | lo;  // negative once any character is not hex
        out[i] = static_cast<unsigned char>(hi << 4 | lo);
    }
    if (bad < 0) return std::nullopt;
    return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
