#pragma once
/// @file writer_options.hpp
/// Runtime settings of an auditor's writer: a defaulted aggregate passed at
/// construction, so a program names only what it changes.
/// @code
/// aitrail::auditor audit{aitrail::jsonl_storage{"audit/"},
///                        {.trail_id = "checkout-eu-1", .shutdown_timeout = std::chrono::seconds(2)}};
/// @endcode
/// Compile-time choices (hasher, redactor, queue size...) are the policy's
/// (policy/default_policy.hpp, docs/policies.md).

#include <aitrail/config.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/pipeline/alert_rules.hpp>
#include <aitrail/pipeline/witness_publisher.hpp>
#include <aitrail/policy/pricing/price_table.hpp>

#include <chrono>      // milliseconds
#include <functional>  // function
#include <memory>      // shared_ptr
#include <optional>    // optional
#include <string>      // string

namespace aitrail {
inline namespace v1 {

/// Runtime settings of an auditor's writer (synchronous or asynchronous).
struct writer_options {
    /// Id of a new trail (written in trail.open); empty picks a UUIDv7.
    std::string trail_id;
    /// Receives every error the writer absorbs; default prints to stderr.
    std::function<void(const std::string&)> on_error;
    /// Longest pause between retries of a failing storage (the asynchronous
    /// writer backs off from 1 ms up to this).
    std::chrono::milliseconds max_retry_backoff{1000};
    /// At shutdown, how long to keep retrying a failing storage before
    /// reporting the entries it would not take.
    std::chrono::milliseconds shutdown_timeout{5000};
    /// Price table for `pricers::runtime` policies (not owned; must outlive
    /// the auditor).
    const pricers::price_table* prices = nullptr;
    /// Alert rules run on each record the writer seals (pipeline/alerts.hpp).
    alert_rules alerts;
    /// Receives each alert: when a rule fires and when it clears. Called by
    /// the writer one at a time; it must not record into this auditor.
    std::function<void(const alert&)> on_alert;
    /// The log key the writer signs checkpoints with when its policy's
    /// `checkpoint` names moments (policy/checkpoint.hpp); the key's name is
    /// the checkpoints' origin. Without it the writer signs nothing.
    std::optional<note_signer> checkpoint_key;
    /// The witnesses each checkpoint the writer signs is published to. They
    /// are called on a thread of the writer's own, so a slow, unreachable or
    /// refusing witness never holds up records: a checkpoint a witness did
    /// not take is offered again (the publisher's backoff paces it, and a
    /// newer checkpoint replaces it), each failure is reported through
    /// on_error and counted in writer_metrics. Cosignatures received are
    /// stored with the checkpoint while it is still the trail's latest. At
    /// shutdown the last checkpoint gets up to shutdown_timeout to get through.
    std::shared_ptr<witness_publisher> witnesses;
};

/// Deprecated: the former name of writer_options, kept so that code written
/// against it still compiles. New code names writer_options.
using auditor_options = writer_options;

}  // namespace v1
}  // namespace aitrail
