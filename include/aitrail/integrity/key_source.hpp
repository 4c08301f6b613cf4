#pragma once
/// @file key_source.hpp
/// Where secret keys come from: keyed chain hashes, keyed fingerprints and
/// keyed redaction tokens all take a key source type, so the key itself is
/// never part of a type, a binary or a trail — only its id is recorded.
///
/// | Expression | Type          | Semantics                                              |
/// |------------|---------------|--------------------------------------------------------|
/// | `K::key()` | `std::string` | the key bytes (at least 16); throws naming the source when unavailable |

#include <aitrail/config.hpp>
#include <aitrail/detail/fixed_string.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>

#include <cctype>       // isspace, isxdigit
#include <concepts>     // convertible_to
#include <cstdlib>      // getenv
#include <fstream>      // ifstream
#include <sstream>      // ostringstream
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view

namespace aitrail {
inline namespace v1 {

/// A type whose static key() yields key bytes.
template <class K>
concept key_source = requires {
    { K::key() } -> std::convertible_to<std::string>;
};

/// Reads key material: hex text (at least 32 hex digits, whitespace around it
/// ignored) is decoded; anything else is taken as raw bytes. Keys shorter
/// than 16 bytes are refused: HMAC keys that short can be guessed.
inline std::string parse_key_material(std::string_view text, std::string_view where) {
    std::size_t b = 0, e = text.size();
    while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
    const std::string_view t = text.substr(b, e - b);
    bool hex = t.size() >= 32 && t.size() % 2 == 0;
    for (char c : t) hex = hex && std::isxdigit(static_cast<unsigned char>(c));
    std::string key;
    if (hex) {
        for (std::size_t i = 0; i < t.size(); i += 2)
            key.push_back(static_cast<char>(std::stoi(std::string(t.substr(i, 2)), nullptr, 16)));
    } else {
        key.assign(text);
    }
    if (key.size() < 16)
        throw std::runtime_error("aitrail: key from " + std::string(where) + " is " + std::to_string(key.size()) +
                                 " bytes; a key needs at least 16 (e.g. 64 hex digits from `openssl rand -hex 32`)");
    return key;
}

/// The public id of a key: the first 16 hex digits of SHA-256 of the key.
/// Recorded in trail.open so that a verifier given the wrong key says so.
inline std::string key_id_of(std::string_view key) {
    const auto d = detail::sha256_of({"aitrail-key-id:", key});
    return detail::to_hex(d).substr(0, 16);
}

/// Key sources shipped with aitrail.
namespace keys {

/// The key in environment variable `Var` (hex, or raw bytes).
/// @code
/// using hasher = aitrail::hashers::hmac_sha256<aitrail::keys::from_env<"AITRAIL_TRAIL_KEY">>;
/// @endcode
template <detail::fixed_string Var>
struct from_env {
    /// The key bytes; throws when the variable is unset.
    static std::string key() {
        const std::string name(Var.view());
        const char* value = std::getenv(name.c_str());
        if (value == nullptr)
            throw std::runtime_error("aitrail: key environment variable " + name + " is not set");
        return parse_key_material(value, "environment variable " + name);
    }
};

/// The key in file `Path` (hex, or raw bytes).
template <detail::fixed_string Path>
struct from_file {
    /// The key bytes; throws when the file cannot be read.
    static std::string key() { return read_key_file(std::string(Path.view())); }

    /// Reads a key file (also used by `aitrail verify --key-file`).
    static std::string read_key_file(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("aitrail: cannot read key file '" + path + "'");
        std::ostringstream s;
        s << in.rdbuf();
        return parse_key_material(s.str(), "file '" + path + "'");
    }
};

}  // namespace keys

/// Reads a key file: hex, or raw bytes (see parse_key_material).
inline std::string read_key_file(const std::string& path) { return keys::from_file<"">::read_key_file(path); }

}  // namespace v1
}  // namespace aitrail
