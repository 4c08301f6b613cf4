#pragma once
/// @file sealed_chain.hpp
/// The next entries of a chain, sealed, for the storage tests that feed
/// entries to append() directly (the tiles and tree tests).

#include <aitrail/integrity/sealed_entry.hpp>
#include <aitrail/integrity/sealer.hpp>
#include <aitrail/record/audit_record.hpp>

#include <chrono>   // sys_days, hours
#include <cstddef>  // size_t
#include <string>   // to_string
#include <vector>   // vector

namespace aitrail_test {

/// `n` entries sealed by `sealer` after its head: ids "rec-<seq>", one
/// fixed time, content {"input": seq}.
template <class Sealer>
std::vector<aitrail::sealed_entry> seal_next(Sealer& sealer, std::size_t n) {
    using namespace std::chrono;
    std::vector<aitrail::sealed_entry> out;
    for (std::size_t i = 0; i < n; ++i) {
        aitrail::pending_entry e;
        e.rec.id = "rec-" + std::to_string(sealer.head().next_seq);
        e.rec.ts = aitrail::timestamp{sys_days{year{2026} / 3 / 10}} + hours{9};
        e.content = {{"input", sealer.head().next_seq}};
        out.push_back(sealer.seal(e));
        out.back().rec = nullptr;
    }
    return out;
}

}  // namespace aitrail_test
