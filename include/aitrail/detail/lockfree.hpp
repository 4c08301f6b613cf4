#pragma once
/// @file lockfree.hpp
/// The one place aitrail includes Boost.Lockfree: the bounded multi-producer
/// queue between callers and the writer thread.

#include <aitrail/config.hpp>

#include <boost/lockfree/policies.hpp>
#include <boost/lockfree/queue.hpp>

#include <cstddef>  // size_t

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Boost.Lockfree indexes its fixed node array with 16 bits.
inline constexpr std::size_t lockfree_max_capacity = 65534;

/// A bounded MPMC queue of trivially copyable `T`, its nodes allocated once
/// up front: push never allocates, so a full queue is a full queue (the
/// backpressure policy decides), never a hidden heap growth.
template <class T, std::size_t Capacity>
using bounded_mpmc_queue = boost::lockfree::queue<T, boost::lockfree::capacity<Capacity>>;

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
