#pragma once
/// @file openssl.hpp
/// The one place aitrail touches OpenSSL. Everything else asks for digests
/// through these functions, so that swapping the crypto library, or auditing
/// which primitives we use, means reading one short file.

#include <aitrail/config.hpp>

#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include <array>        // array
#include <cstddef>      // size_t
#include <stdexcept>    // runtime_error
#include <string_view>  // string_view

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

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
