#pragma once
/// @file tlog_witness_client.hpp
/// A client of a c2sp.org/tlog-witness witness: `POST <prefix>/add-checkpoint`
/// with the old size, the consistency proof from it and the signed
/// checkpoint; 200 carries cosignature lines, 409 the size the witness
/// holds (the client then proves from that size and tries once more).
/// Needs Boost.Beast: link aitrail::http. Not part of aitrail.hpp.

#include <aitrail/config.hpp>
#include <aitrail/detail/pipeline/witness_http.hpp>
#include <aitrail/detail/note_text.hpp>
#include <aitrail/integrity/cosignature.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/pipeline/witness.hpp>

#include <chrono>       // milliseconds, seconds
#include <cstdint>      // uint64_t
#include <exception>    // exception
#include <map>          // map
#include <memory>       // shared_ptr, make_shared
#include <mutex>        // mutex, lock_guard
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// How a tlog_witness_client reaches its witness.
struct tlog_witness_client_options {
    /// The witness's submission prefix, e.g. https://witness.example or http://127.0.0.1:8788.
    std::string url;
    /// The witness's cosignature/v1 verifier keys: returned lines by these
    /// keys must verify, others are dropped (the spec says to ignore
    /// unknown keys). Empty: every signature line is returned unchecked.
    std::vector<note_verifier> witness_keys;
    /// Bound on each of connect, send and read.
    std::chrono::milliseconds timeout{std::chrono::seconds{10}};
    /// Extra CA certificates (PEM) to trust for https, besides the system's.
    std::string ca_file;
};

/// A witness reached over HTTP. It remembers, per origin, the size the
/// witness holds (learnt from its answers), so it sends the right old size
/// and proof; a stale idea costs one 409 and one retry.
class tlog_witness_client {
public:
    /// A client of the witness at `options.url`; throws std::invalid_argument for a bad URL.
    explicit tlog_witness_client(tlog_witness_client_options options)
        : options_(std::move(options)), url_(detail::parse_witness_url(options_.url)),
          state_(std::make_shared<state>()) {}

    /// The witness URL.
    std::string name() const { return options_.url; }

    /// The size this client believes the witness holds for `origin` (0 if unknown).
    std::uint64_t known_size(const std::string& origin) const {
        const std::lock_guard lock(state_->mutex);
        const auto it = state_->sizes.find(origin);
        return it == state_->sizes.end() ? 0 : it->second;
    }
    /// Sets what the client believes the witness holds for `origin`.
    void set_known_size(const std::string& origin, std::uint64_t size) {
        const std::lock_guard lock(state_->mutex);
        state_->sizes[origin] = size;
    }

    /// Publishes `r`; returns the verified cosignature lines or throws
    /// witness_error with the witness's status.
    witness_reply publish(const witness_request& r) {
        std::uint64_t old = known_size(r.cp.origin);
        if (old > r.cp.size) old = 0;  // nothing to prove from: the witness will answer 409 with its size
        for (int attempt = 0;; ++attempt) {
            std::vector<digest> proof;
            if (old != 0 && old != r.cp.size) {
                if (!r.consistency_proof) fail(r, "no consistency proof given", 0);
                proof = r.consistency_proof(old);
            }
            detail::witness_http_answer a;
            try {
                a = detail::witness_http_post(url_, url_.prefix + "/add-checkpoint",
                                              format_add_checkpoint_body(old, proof, r.note), "text/plain; charset=utf-8",
                                              options_.timeout, options_.ca_file);
            } catch (const std::exception& e) {
                fail(r, e.what(), 0);
            }
            if (a.status == 200) {
                set_known_size(r.cp.origin, r.cp.size);
                return reply_of(r, a.body);
            }
            if (a.status == 409 && a.content_type.starts_with("text/x.tlog.size")) {
                std::string_view text = a.body;
                if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
                const auto held = detail::parse_canonical_decimal(text);
                if (!held) fail(r, "409 with a size that is not a decimal number", 409);
                set_known_size(r.cp.origin, *held);
                if (attempt == 0 && *held != old && *held <= r.cp.size) {
                    old = *held;
                    continue;
                }
                fail(r, "409 conflict: the witness holds size " + std::to_string(*held), 409, *held);
            }
            std::string why = a.body.substr(0, 200);
            while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
            fail(r, std::to_string(a.status) + " " + (why.empty() ? "refused" : why), a.status);
        }
    }

private:
    struct state {
        std::mutex mutex;
        std::map<std::string, std::uint64_t> sizes;
    };

    [[noreturn]] void fail(const witness_request& r, const std::string& why, int status,
                           std::optional<std::uint64_t> held = std::nullopt) const {
        throw witness_error(name(), r.cp.size, why, status, held);
    }

    witness_reply reply_of(const witness_request& r, std::string_view body) const {
        witness_reply reply;
        std::vector<std::string> lines;
        try {
            lines = split_signature_lines(body);
        } catch (const note_error& e) {
            fail(r, std::string("200 with a malformed body: ") + e.what(), 200);
        }
        const std::size_t split = r.note.find("\n\n");
        const std::string_view checkpoint_body = std::string_view(r.note).substr(0, split + 1);
        for (std::string& line : lines) {
            if (options_.witness_keys.empty()) {
                reply.cosignatures.push_back(std::move(line));
                continue;
            }
            const std::string_view key_name = std::string_view(line).substr(
                detail::note_sig_prefix.size(), line.find(' ', detail::note_sig_prefix.size()) - detail::note_sig_prefix.size());
            std::string problem;
            bool ours = false;
            for (const note_verifier& k : options_.witness_keys) {
                if (k.name() != key_name) continue;
                ours = true;
                try {
                    (void)verify_cosignature(checkpoint_body, line, k);
                    reply.cosignatures.push_back(line);
                    problem.clear();
                    break;
                } catch (const note_error& e) {
                    problem = e.what();
                }
            }
            if (ours && !problem.empty()) fail(r, "200 with a cosignature that does not verify: " + problem, 200);
        }
        if (!options_.witness_keys.empty() && reply.cosignatures.empty())
            fail(r, "200 without a cosignature by the witness's key", 200);
        return reply;
    }

    tlog_witness_client_options options_;
    detail::witness_url url_;
    std::shared_ptr<state> state_;  // shared, so copies of a client agree on what the witness holds
};

}  // namespace v1
}  // namespace aitrail
