#pragma once
/// @file auditor.hpp
/// The front door: an auditor owns the trail's writer and hands out scopes.
/// @code
/// aitrail::auditor audit{aitrail::jsonl_storage{"audit/"}};
/// auto scope = audit.scope({.kind = "ml.prediction", .user = "analyst_jane",
///                           .model = {"fraud_detector", "v3.2.1"}});
/// @endcode

#include <aitrail/config.hpp>
#include <aitrail/capture/audit_scope.hpp>
#include <aitrail/capture/prediction.hpp>
#include <aitrail/capture/record_sink.hpp>
#include <aitrail/pipeline/async_writer.hpp>
#include <aitrail/pipeline/sync_writer.hpp>
#include <aitrail/pipeline/writer_metrics.hpp>
#include <aitrail/pipeline/writer_options.hpp>
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/policy/policy.hpp>
#include <aitrail/storage/any_storage.hpp>

#include <type_traits>  // conditional_t
#include <utility>      // move

namespace aitrail {
inline namespace v1 {

/// Audits calls into one trail, with the compile-time `Policy`.
template <class Policy = default_policy>
class auditor final : private record_sink {
    static_assert(detail::policy_requirements<Policy>::value);

public:
    /// The policy this auditor was built with.
    using policy_type = Policy;

    /// Writes to `storage` (any type meeting aitrail::storage; taken by value).
    template <class S>
    explicit auditor(S storage, writer_options options = {})
        // Braces sequence the arguments: the repair note is read before the
        // storage is moved into its type-erased holder.
        : auditor{torn_bytes_of(storage), any_storage(std::move(storage)), std::move(options)} {
        static_assert(!Policy::checkpoint::enabled || checkpointed_storage<S>,
                      "aitrail: Policy::checkpoint signs checkpoints of the trail's Merkle tree, so the storage must keep "
                      "the tree and its checkpoints (aitrail::checkpointed_storage: jsonl_storage, memory_storage, "
                      "sqlite_storage, postgres_storage); "
                      "use aitrail::checkpoint_policies::none with this storage and sign with 'aitrail checkpoint'");
    }

    auditor(const auditor&) = delete;
    auditor& operator=(const auditor&) = delete;

    /// Starts auditing one call; the returned guard records it when it ends.
    [[nodiscard]] audit_scope scope(scope_options options = {}) { return audit_scope(*this, std::move(options)); }

    /// Starts auditing one prediction of a classic ML model (kind "ml.prediction").
    [[nodiscard]] prediction_scope predict(prediction_options options) {
        return prediction_scope(*this, std::move(options));
    }

    /// Records a call that was captured without a scope.
    void record(pending_entry e) noexcept { submit(std::move(e)); }

    /// Stores everything recorded so far and makes it durable. Returns false
    /// (after reporting through on_error) if the storage refused.
    bool flush() noexcept { return writer_.flush(); }

    /// The writer's counters.
    writer_metrics metrics() const { return writer_.metrics(); }

    /// The id of the trail, when this auditor opened it.
    const std::string& trail_id() const noexcept { return writer_.trail_id(); }

    /// The storage, if it is an `S`.
    template <class S>
    S* storage() noexcept {
        return writer_.storage().template get<S>();
    }

private:
    void submit(pending_entry&& e) noexcept override { writer_.submit(std::move(e)); }

    auditor(std::uint64_t torn_bytes, any_storage storage, writer_options options)
        : writer_(std::move(storage), std::move(options), torn_bytes) {}

    // Storages that repair a torn tail on open (jsonl_storage) say how much
    // they cut; the trail.resume record states it.
    template <class S>
    static std::uint64_t torn_bytes_of(const S& s) {
        if constexpr (requires { s.recovery().torn_bytes; }) return s.recovery().torn_bytes;
        else return 0;
    }

    using writer_type = std::conditional_t<Policy::asynchronous, async_writer<Policy>, sync_writer<Policy>>;
    writer_type writer_;
};

}  // namespace v1
}  // namespace aitrail
