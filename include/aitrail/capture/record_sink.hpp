#pragma once
/// @file record_sink.hpp
/// Where a finished scope sends its record. An interface rather than a
/// template parameter so that audit_scope is one plain type, whatever the
/// auditor's policy: functions can take `audit_scope&` without templates.

#include <aitrail/config.hpp>
#include <aitrail/record/audit_record.hpp>

namespace aitrail {
inline namespace v1 {

/// Receives finished records. submit() must not throw.
class record_sink {
public:
    /// Takes ownership of a finished record.
    virtual void submit(pending_entry&& e) noexcept = 0;

protected:
    ~record_sink() = default;
};

}  // namespace v1
}  // namespace aitrail
