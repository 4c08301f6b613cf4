#pragma once
/// @file aitrail.hpp
/// The umbrella header: everything a program needs to audit its AI calls
/// into a verifiable trail. Include this one header.

#include <aitrail/config.hpp>
#include <aitrail/fwd.hpp>

#include <aitrail/record/audit_record.hpp>
#include <aitrail/record/json.hpp>

#include <aitrail/integrity/hasher.hpp>
#include <aitrail/integrity/jcs.hpp>
#include <aitrail/integrity/sealer.hpp>

#include <aitrail/policy/default_policy.hpp>

#include <aitrail/storage/any_storage.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/jsonl_storage.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <aitrail/pipeline/sync_writer.hpp>

#include <aitrail/capture/audit_scope.hpp>
#include <aitrail/capture/auditor.hpp>

#include <aitrail/read/verify.hpp>
