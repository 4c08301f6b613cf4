#pragma once
/// @file aitrail.hpp
/// The umbrella header: everything a program needs to audit its AI calls
/// into a verifiable trail. Include this one header.

#include <aitrail/config.hpp>
#include <aitrail/fwd.hpp>

#include <aitrail/record/audit_record.hpp>
#include <aitrail/record/json.hpp>
#include <aitrail/record/timestamp.hpp>

#include <aitrail/integrity/checkpoint.hpp>
#include <aitrail/integrity/cosignature.hpp>
#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/integrity/key_source.hpp>
#include <aitrail/integrity/merkle.hpp>
#include <aitrail/integrity/merkle_verify.hpp>
#include <aitrail/integrity/proof_hashes.hpp>
#include <aitrail/integrity/sealer.hpp>
#include <aitrail/integrity/signed_note.hpp>
#include <aitrail/integrity/tiles.hpp>
#include <aitrail/integrity/tlog_proof.hpp>

#include <aitrail/policy/backpressure.hpp>
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/policy/durability.hpp>
#include <aitrail/policy/fingerprint.hpp>
#include <aitrail/policy/meta_fields.hpp>
#include <aitrail/policy/policy.hpp>
#include <aitrail/policy/pricing.hpp>
#include <aitrail/policy/redactor.hpp>

#include <aitrail/storage/any_storage.hpp>
#include <aitrail/storage/checkpoint_history.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/jsonl_directory.hpp>
#include <aitrail/storage/jsonl_storage.hpp>
#include <aitrail/storage/jsonl_tiles.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <aitrail/pipeline/alert_rules.hpp>
#include <aitrail/pipeline/alerts.hpp>
#include <aitrail/pipeline/async_writer.hpp>
#include <aitrail/pipeline/checkpoint_signer.hpp>
#include <aitrail/pipeline/directory_witness.hpp>
#include <aitrail/pipeline/prepare.hpp>
#include <aitrail/pipeline/redact_json.hpp>
#include <aitrail/pipeline/sync_writer.hpp>
#include <aitrail/pipeline/witness.hpp>
#include <aitrail/pipeline/witness_publisher.hpp>
#include <aitrail/pipeline/writer_options.hpp>

#include <aitrail/capture/audit_scope.hpp>
#include <aitrail/capture/audited_client.hpp>
#include <aitrail/capture/auditor.hpp>
#include <aitrail/capture/prediction.hpp>

#include <aitrail/read/entry_proof.hpp>
#include <aitrail/read/filter_values.hpp>
#include <aitrail/read/find_entry.hpp>
#include <aitrail/read/query.hpp>
#include <aitrail/record/record_view.hpp>
#include <aitrail/read/replay.hpp>
#include <aitrail/read/replay_report.hpp>
#include <aitrail/read/reports.hpp>
#include <aitrail/read/result_table.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/read/verify_checkpoints.hpp>
#include <aitrail/read/verify_tiles.hpp>

#include <aitrail/manage/rebuild_tiles.hpp>
