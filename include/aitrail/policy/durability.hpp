#pragma once
/// @file durability.hpp
/// The durability policy: when stored entries are forced to stable storage
/// (fdatasync). Chosen in the policy struct from the catalogue
/// aitrail::durability_policies:
/// @code
/// struct my_policy : aitrail::default_policy {
///     using durability = aitrail::durability_policies::every_record;   // fsync each
/// };
/// @endcode
///
/// | policy         | after a process crash (kill -9)     | after a power loss                        |
/// |----------------|-------------------------------------|-------------------------------------------|
/// | `none`         | everything the writer appended      | what the OS had flushed; flush() syncs    |
/// | `batch`        | everything the writer appended      | every batch the writer finished; flush() returning means all before it |
/// | `every_record` | everything the writer appended      | every record the writer finished          |
///
/// Records still in the queue when the process dies are lost under every
/// policy (they were never written); flush() is how a caller knows its
/// records left the queue. The trail stays verifiable in every case: a torn
/// last line is cut when the trail is reopened.
///
/// `durability_policy`:
/// | Expression                | Type               | Semantics                                  |
/// |---------------------------|--------------------|--------------------------------------------|
/// | `D::name`                 | `std::string_view` | name used in metrics and docs              |
/// | `D::sync_each_batch`      | `bool`             | sync after every appended batch            |
/// | `D::one_record_per_batch` | `bool`             | append (and sync) each record on its own   |

#include <aitrail/config.hpp>

#include <concepts>     // convertible_to, same_as
#include <string_view>  // string_view
#include <type_traits>  // remove_cv_t

namespace aitrail {
inline namespace v1 {

/// Durability policies shipped with aitrail.
namespace durability_policies {

/// Leave it to the page cache; only flush() syncs.
struct none {
    /// Name used in metrics and docs.
    static constexpr std::string_view name = "none";
    /// Sync after every appended batch?
    static constexpr bool sync_each_batch = false;
    /// Append and sync each record on its own?
    static constexpr bool one_record_per_batch = false;
};

/// Group commit: one fdatasync per batch the writer appends (the default).
struct batch {
    /// Name used in metrics and docs.
    static constexpr std::string_view name = "batch";
    /// Sync after every appended batch?
    static constexpr bool sync_each_batch = true;
    /// Append and sync each record on its own?
    static constexpr bool one_record_per_batch = false;
};

/// One append and one fdatasync per record: slowest, smallest loss window.
struct every_record {
    /// Name used in metrics and docs.
    static constexpr std::string_view name = "every_record";
    /// Sync after every appended batch?
    static constexpr bool sync_each_batch = true;
    /// Append and sync each record on its own?
    static constexpr bool one_record_per_batch = true;
};

}  // namespace durability_policies

/// Deprecated: the former name of durability_policies (it collided with the
/// policy member `durability`). New code names durability_policies.
namespace durability = durability_policies;

/// Requirements on a durability policy (see the table at the top of this file).
template <class D>
concept durability_policy = requires {
    { D::name } -> std::convertible_to<std::string_view>;
} && std::same_as<std::remove_cv_t<decltype(D::sync_each_batch)>, bool> &&
                            std::same_as<std::remove_cv_t<decltype(D::one_record_per_batch)>, bool>;

}  // namespace v1
}  // namespace aitrail
