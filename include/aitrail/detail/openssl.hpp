#pragma once
/// @file openssl.hpp
/// The one place aitrail touches OpenSSL. Everything else asks for digests
/// through these functions, so that swapping the crypto library, or auditing
/// which primitives we use, means reading one short file.

#include <aitrail/config.hpp>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>             // array
#include <cstddef>           // size_t
#include <initializer_list>  // initializer_list
#include <memory>            // unique_ptr
#include <stdexcept>         // runtime_error
#include <string>            // string
#include <string_view>       // string_view

#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "aitrail requires OpenSSL 3.0 or later (EVP_MD_fetch, EVP_DigestInit_ex2)"
#endif

namespace aitrail {
inline namespace v1 {
namespace detail {

/// A SHA-256 digest as raw bytes.
using sha256_bytes = std::array<unsigned char, 32>;

/// Incremental SHA-256 over OpenSSL's EVP interface. The algorithm is fetched
/// once per process: OpenSSL 3 otherwise repeats a provider lookup on every
/// EVP_sha256() init, which costs more than hashing a short record.
class evp_sha256 {
public:
    /// Creates a context ready for update().
    evp_sha256() : ctx_(EVP_MD_CTX_new()) {
        if (ctx_ == nullptr) throw std::runtime_error("aitrail: EVP_MD_CTX_new failed (out of memory)");
        reset();
    }
    evp_sha256(const evp_sha256&) = delete;
    evp_sha256& operator=(const evp_sha256&) = delete;
    ~evp_sha256() { EVP_MD_CTX_free(ctx_); }

    /// Starts a new digest, discarding any bytes fed so far.
    void reset() {
        if (EVP_DigestInit_ex2(ctx_, algorithm(), nullptr) != 1)
            throw std::runtime_error("aitrail: EVP_DigestInit_ex2(SHA-256) failed");
    }
    /// Feeds bytes.
    void update(std::string_view bytes) {
        if (!bytes.empty() && EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1)
            throw std::runtime_error("aitrail: EVP_DigestUpdate failed");
    }
    /// Finishes the digest; call reset() before reusing the object.
    sha256_bytes finish() {
        sha256_bytes out{};
        unsigned int len = 0;
        if (EVP_DigestFinal_ex(ctx_, out.data(), &len) != 1 || len != out.size())
            throw std::runtime_error("aitrail: EVP_DigestFinal_ex failed");
        return out;
    }

private:
    static const EVP_MD* algorithm() {
        // Intentionally never freed: it lives as long as the process, like
        // OpenSSL's own default provider.
        static const EVP_MD* md = [] {
            EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
            if (fetched == nullptr) throw std::runtime_error("aitrail: OpenSSL has no SHA256 (EVP_MD_fetch failed)");
            return fetched;
        }();
        return md;
    }

    EVP_MD_CTX* ctx_;
};

/// SHA-256 of the concatenation of `parts`, reusing one context per thread.
inline sha256_bytes sha256_of(std::initializer_list<std::string_view> parts) {
    thread_local evp_sha256 ctx;
    ctx.reset();
    for (std::string_view p : parts) ctx.update(p);
    return ctx.finish();
}

/// SHA-256 of a few short parts through OpenSSL's low-level SHA256_*
/// functions: the Merkle tree hashes 33- and 65-byte messages, one or two
/// per entry, where EVP's per-digest dispatch costs as much as the hashing.
/// Deprecated in OpenSSL 3 but kept, and the same SHA-256 code (SHA-NI).
inline sha256_bytes sha256_short(std::initializer_list<std::string_view> parts) noexcept {
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
    SHA256_CTX c;
    SHA256_Init(&c);
    for (std::string_view p : parts) SHA256_Update(&c, p.data(), p.size());
    sha256_bytes out{};
    SHA256_Final(out.data(), &c);
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
    return out;
}

/// HMAC-SHA256 over OpenSSL 3's EVP_MAC interface. Like evp_sha256, the MAC
/// is fetched once per process; the digest is set once per context, so a
/// call costs one EVP_MAC_init with the key and the hashing itself.
class evp_hmac_sha256 {
public:
    /// Creates a context bound to SHA-256, ready for start().
    evp_hmac_sha256() : ctx_(EVP_MAC_CTX_new(algorithm())) {
        if (ctx_ == nullptr) throw std::runtime_error("aitrail: EVP_MAC_CTX_new failed (out of memory)");
        char digest_name[] = "SHA256";
        const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                                     OSSL_PARAM_construct_end()};
        if (EVP_MAC_CTX_set_params(ctx_, params) != 1) {
            EVP_MAC_CTX_free(ctx_);
            throw std::runtime_error("aitrail: HMAC context rejected digest SHA256 (EVP_MAC_CTX_set_params failed)");
        }
    }
    evp_hmac_sha256(const evp_hmac_sha256&) = delete;
    evp_hmac_sha256& operator=(const evp_hmac_sha256&) = delete;
    ~evp_hmac_sha256() { EVP_MAC_CTX_free(ctx_); }

    /// Starts a new MAC under `key` (any length, empty included).
    void start(std::string_view key) {
        // An empty key still needs a non-null pointer: a null one means
        // "reuse the previous key", which a fresh context does not have.
        static const unsigned char no_key = 0;
        const auto* bytes = key.empty() ? &no_key : reinterpret_cast<const unsigned char*>(key.data());
        if (EVP_MAC_init(ctx_, bytes, key.size(), nullptr) != 1)
            throw std::runtime_error("aitrail: EVP_MAC_init(HMAC-SHA256) failed");
    }
    /// Feeds bytes.
    void update(std::string_view bytes) {
        if (!bytes.empty() && EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) != 1)
            throw std::runtime_error("aitrail: EVP_MAC_update failed");
    }
    /// Finishes the MAC; call start() before reusing the object.
    sha256_bytes finish() {
        sha256_bytes out{};
        std::size_t len = 0;
        if (EVP_MAC_final(ctx_, out.data(), &len, out.size()) != 1 || len != out.size())
            throw std::runtime_error("aitrail: EVP_MAC_final failed");
        return out;
    }

private:
    static EVP_MAC* algorithm() {
        // Never freed, as evp_sha256::algorithm(): it lives as long as the process.
        static EVP_MAC* mac = [] {
            EVP_MAC* fetched = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
            if (fetched == nullptr) throw std::runtime_error("aitrail: OpenSSL has no HMAC (EVP_MAC_fetch failed)");
            return fetched;
        }();
        return mac;
    }

    EVP_MAC_CTX* ctx_;
};

/// HMAC-SHA256 under `key` of the concatenation of `parts`, reusing one
/// context per thread.
inline sha256_bytes hmac_sha256_of(std::string_view key, std::initializer_list<std::string_view> parts) {
    thread_local evp_hmac_sha256 ctx;
    ctx.start(key);
    for (std::string_view p : parts) ctx.update(p);
    return ctx.finish();
}

/// An Ed25519 public key (RFC 8032 encoding).
using ed25519_public_key = std::array<unsigned char, 32>;
/// An Ed25519 private key in its 32-byte RFC 8032 form (5.1.5: 32 random octets).
using ed25519_private_key = std::array<unsigned char, 32>;
/// An Ed25519 signature.
using ed25519_signature = std::array<unsigned char, 64>;

/// Owns an EVP_PKEY and frees it when done.
struct evp_pkey_free {
    /// Frees the key.
    void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
/// Owns an EVP_MD_CTX and frees it when done.
struct evp_md_ctx_free {
    /// Frees the context.
    void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
/// An owned EVP_PKEY.
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_free>;
/// An owned EVP_MD_CTX.
using evp_md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, evp_md_ctx_free>;

/// `n` bytes from OpenSSL's CSPRNG; throws if it cannot provide them.
inline std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (n != 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("aitrail: RAND_bytes failed to provide random bytes for a key");
    return out;
}

/// The Ed25519 private key object for a 32-byte private key.
inline evp_pkey_ptr ed25519_private_pkey(const ed25519_private_key& priv) {
    evp_pkey_ptr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, priv.data(), priv.size()));
    if (!key) throw std::runtime_error("aitrail: EVP_PKEY_new_raw_private_key(Ed25519) failed");
    return key;
}

/// The public key of an Ed25519 private key.
inline ed25519_public_key ed25519_public_from_private(const ed25519_private_key& priv) {
    const evp_pkey_ptr key = ed25519_private_pkey(priv);
    ed25519_public_key pub{};
    std::size_t len = pub.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) != 1 || len != pub.size())
        throw std::runtime_error("aitrail: EVP_PKEY_get_raw_public_key(Ed25519) failed");
    return pub;
}

/// The Ed25519 signature (RFC 8032, pure: no pre-hash) of `message`.
/// Deterministic: the same key and message always give the same signature.
inline ed25519_signature ed25519_sign(const ed25519_private_key& priv, std::string_view message) {
    const evp_pkey_ptr key = ed25519_private_pkey(priv);
    const evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (!ctx) throw std::runtime_error("aitrail: EVP_MD_CTX_new failed (out of memory)");
    // Ed25519 hashes internally, so no digest is named.
    if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
        throw std::runtime_error("aitrail: EVP_DigestSignInit(Ed25519) failed");
    ed25519_signature sig{};
    std::size_t len = sig.size();
    if (EVP_DigestSign(ctx.get(), sig.data(), &len, reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) != 1 ||
        len != sig.size())
        throw std::runtime_error("aitrail: EVP_DigestSign(Ed25519) failed");
    return sig;
}

/// True if `sig` is a valid Ed25519 signature of `message` by `pub`. A
/// public key OpenSSL cannot decode verifies nothing.
inline bool ed25519_verify(const ed25519_public_key& pub, std::string_view message, const ed25519_signature& sig) {
    const evp_pkey_ptr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub.data(), pub.size()));
    if (!key) return false;
    const evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (!ctx) throw std::runtime_error("aitrail: EVP_MD_CTX_new failed (out of memory)");
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
    return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(message.data()),
                            message.size()) == 1;
}

/// A fresh random Ed25519 private key.
inline ed25519_private_key ed25519_generate() {
    const std::string bytes = random_bytes(32);
    ed25519_private_key priv{};
    for (std::size_t i = 0; i < priv.size(); ++i) priv[i] = static_cast<unsigned char>(bytes[i]);
    return priv;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
