#pragma once
/// @file base64.hpp
/// Standard base64 (RFC 4648 section 4, with padding) as the transparency-log
/// formats write it. Decoding is strict: a text that is not exactly what the
/// encoder would produce is rejected, so one value has one spelling and a
/// signed text cannot be altered by re-spelling a hash.

#include <aitrail/config.hpp>

#include <cstddef>      // size_t
#include <optional>     // optional, nullopt
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {
namespace detail {

/// The standard alphabet, index to character.
inline constexpr char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 of `bytes`, padded with '=' to a multiple of four characters.
inline std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
        out += base64_alphabet[(v >> 18) & 63];
        out += base64_alphabet[(v >> 12) & 63];
        out += base64_alphabet[(v >> 6) & 63];
        out += base64_alphabet[v & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += base64_alphabet[(v >> 18) & 63];
        out += base64_alphabet[(v >> 12) & 63];
        out += "==";
    } else if (rest == 2) {
        const unsigned v =
            (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += base64_alphabet[(v >> 18) & 63];
        out += base64_alphabet[(v >> 12) & 63];
        out += base64_alphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

/// Value of one alphabet character, or -1 for anything else.
constexpr int base64_value(char c) noexcept {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/// The bytes `text` encodes, or nullopt unless `text` is canonical padded
/// base64: length a multiple of four, only alphabet characters, '=' only as
/// the last one or two, and the unused low bits of the last character zero
/// (Go's base64.StdEncoding.Strict would accept the same set; the
/// non-strict decoder also takes non-zero pad bits, which we refuse).
inline std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t pad = 0;
    if (!text.empty() && text.back() == '=') pad = (text.size() >= 2 && text[text.size() - 2] == '=') ? 2 : 1;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const std::size_t data_chars = last ? 4 - pad : 4;
        unsigned v = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            int d = 0;
            if (j < data_chars) {
                d = base64_value(text[i + j]);
                if (d < 0) return std::nullopt;
            }
            v = (v << 6) | static_cast<unsigned>(d);
        }
        if (data_chars < 2) return std::nullopt;  // "x===" is never an encoding
        out += static_cast<char>((v >> 16) & 0xff);
        if (data_chars >= 3) out += static_cast<char>((v >> 8) & 0xff);
        if (data_chars == 4) out += static_cast<char>(v & 0xff);
        // Bits the padding leaves unused must be zero, or two texts would
        // decode to the same bytes.
        if (data_chars == 2 && (v & 0xffff) != 0) return std::nullopt;
        if (data_chars == 3 && (v & 0xff) != 0) return std::nullopt;
    }
    return out;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
