#pragma once
/// @file fwd.hpp
/// Forward declarations, for headers that name aitrail types without
/// needing their definitions (and without pulling in nlohmann or OpenSSL).

#include <aitrail/config.hpp>

namespace aitrail {
inline namespace v1 {

struct audit_record;
struct pending_entry;
struct sealed_entry;
struct chain_head;
struct stored_line;
struct default_policy;
class audit_scope;
class memory_storage;
class jsonl_storage;
class any_storage;
struct verify_report;
template <class Policy>
class auditor;

}  // namespace v1
}  // namespace aitrail
