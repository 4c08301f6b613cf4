#pragma once
/// @file sealer.hpp
/// Turns records into chained, canonical trail lines (format v1, see
/// docs/format.md). One sealer per trail, used from one thread at a time:
/// the order it seals in is the order of the trail.

#include <aitrail/config.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/jcs_string.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/integrity/record_jcs.hpp>
#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/record/audit_record.hpp>

#include <algorithm>  // sort
#include <charconv>   // to_chars
#include <string>     // string
#include <utility>    // move
#include <vector>     // vector

namespace aitrail {
inline namespace v1 {

/// Appends the canonical form of a content object to `out` and sets
/// `digests[key]` = SHA-256 hex of each member value's canonical bytes,
/// hashing the very bytes written so the two can never disagree.
inline void write_content_canonical(std::string& out, const nlohmann::json& content,
                                    std::map<std::string, std::string>& digests) {
    if (!content.is_object()) throw jcs_error("content must be a JSON object (key -> body)", "");
    const auto& obj = content.get_ref<const nlohmann::json::object_t&>();
    std::vector<const nlohmann::json::object_t::value_type*> members;
    members.reserve(obj.size());
    bool resort = false;
    for (const auto& m : obj) {
        members.push_back(&m);
        resort = resort || detail::needs_utf16_sort(m.first);
    }
    if (resort)
        std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return detail::utf16_less(a->first, b->first); });
    out.push_back('{');
    bool first = true;
    for (auto* m : members) {
        if (!first) out.push_back(',');
        first = false;
        detail::in_member(detail::escape_pointer_token(m->first), [&] {
            detail::write_jcs_string(out, m->first);
            out.push_back(':');
            const std::size_t start = out.size();
            write_canonical(out, m->second);
            const auto d = detail::sha256_of({std::string_view(out).substr(start)});
            digests[m->first] = detail::to_hex(d);
        });
    }
    out.push_back('}');
}

/// Seals records into a hash chain with hasher `H`.
template <hasher H>
class sealer {
public:
    /// Continues the chain at `head` (a default head starts a new trail).
    explicit sealer(chain_head head = {}, H h = H{}) : head_(std::move(head)), hasher_(std::move(h)) {}

    /// Seals `e` as the next entry: fills `e.rec.digests` from `e.content`,
    /// writes the canonical line and advances the head. On jcs_error (a
    /// value with no canonical form) nothing advances and nothing is sealed.
    sealed_entry seal(pending_entry& e) {
        sealed_entry out;
        seal_into(e, out);
        return out;
    }

    /// seal(), writing into `out` and reusing its line's buffer: a writer
    /// that keeps its batch's entries allocates nothing per record once warm.
    void seal_into(pending_entry& e, sealed_entry& out) {
        std::string& line = out.line;
        line.clear();
        out.hash.clear();
        line.reserve(512 + e.content.size() * 512);
        if (!e.content.is_null() && !e.content.is_object())
            throw jcs_error("content must be a JSON object (key -> body), not " + std::string(e.content.type_name()), "/content");
        const bool has_content = e.content.is_object() && !e.content.empty();
        // Layout: {"content":C,"hash":"H","prev":...}. Content digests must
        // be in rec before rec is written, so content goes first.
        line += "{";
        if (has_content) {
            line += "\"content\":";
            detail::in_member("content", [&] { write_content_canonical(line, e.content, e.rec.digests); });
            line += ",";
        }
        line += "\"hash\":\"";
        const std::size_t hash_at = line.size();
        line.append(64, '0');
        line += "\",";
        const std::size_t hashed_from = line.size();  // '"prev":...' to the end is hashed after a '{'
        line += "\"prev\":\"";
        line += head_.prev_hash;
        line += "\",\"rec\":";
        detail::in_member("rec", [&] { write_record_canonical(line, e.rec); });
        line += ",\"seq\":";
        char buf[24];
        line.append(buf, std::to_chars(buf, buf + sizeof buf, head_.next_seq).ptr);
        line += ",\"v\":1}";

        const digest h = hasher_({"{", std::string_view(line).substr(hashed_from)});
        out.hash.reserve(64);
        detail::append_hex(out.hash, h.data(), h.size());
        line.replace(hash_at, 64, out.hash);

        out.seq = head_.next_seq;
        out.ts = e.rec.ts;
        out.rec = &e.rec;
        head_.next_seq += 1;
        head_.prev_hash = out.hash;
    }

    /// Where the chain stands after the last sealed entry.
    const chain_head& head() const noexcept { return head_; }
    /// The hasher in use.
    const H& chain_hasher() const noexcept { return hasher_; }

private:
    chain_head head_;
    H hasher_;
};

}  // namespace v1
}  // namespace aitrail
