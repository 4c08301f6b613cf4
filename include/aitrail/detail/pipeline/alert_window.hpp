#pragma once
/// @file alert_window.hpp
/// The bounded memory behind the alert rules: a sliding window cut into a
/// fixed number of time slices whose running total is kept as records enter
/// and slices expire (O(1) amortized per record, memory fixed when the rule
/// is built), a log-bucket latency histogram, and the number formatting the
/// alert messages share.

#include <aitrail/config.hpp>
#include <aitrail/detail/time_format.hpp>

#include <algorithm>  // max
#include <array>      // array
#include <bit>        // bit_width
#include <cstddef>    // size_t
#include <cstdint>    // int64_t, uint32_t, uint64_t
#include <string>     // string, to_string
#include <vector>     // vector

namespace aitrail {
inline namespace v1 {
namespace detail {

/// floor(a / b) for b > 0, also for a < 0 (timestamps before 1970).
constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/// A window of `count` consecutive slices, each `width_us` long, ending at
/// the slice of the newest time seen. A record belongs to slice
/// floor(ts / width); it counts while its slice is one of the last `count`,
/// so the window is exact to within one slice. `Slice` is a small aggregate
/// with `+=`/`-=` (the running total is every live slice added up).
///
/// Time only moves forward: a record older than the newest one (the writer
/// sees records in completion order, not start order) still lands in its own
/// slice while that slice is live, and is ignored once it has expired.
template <class Slice>
class time_slices {
public:
    /// A window of `count` slices of `width_us` microseconds (both > 0).
    time_slices(std::int64_t width_us, std::size_t count) : width_us_(width_us), slices_(count) {}

    /// Moves the window's end up to `t` (expiring slices that fall out) and
    /// returns the slice `t` belongs to, or nullptr when `t` is older than
    /// the window.
    Slice* slot(timestamp t) {
        const std::int64_t i = floor_div(t.time_since_epoch().count(), width_us_);
        const auto n = static_cast<std::int64_t>(slices_.size());
        if (!started_ || i > newest_) advance(i);
        if (i <= newest_ - n) return nullptr;
        return &slices_[position(i)];
    }

    /// Applies `f` to `slot` (from slot()) and to the running total.
    template <class F>
    void apply(Slice& slot, F&& f) {
        f(slot);
        f(total_);
    }

    /// Everything in the window now.
    const Slice& total() const noexcept { return total_; }

private:
    // Expires every slice between the old end and `i`; a jump of a whole
    // window or more clears everything at once, so the cost per call is at
    // most `count` slices and each slice is cleared once per pass of time.
    void advance(std::int64_t i) {
        const auto n = static_cast<std::int64_t>(slices_.size());
        if (!started_ || i - newest_ >= n) {
            for (auto& s : slices_) s = Slice{};
            total_ = Slice{};
        } else {
            for (std::int64_t j = newest_ + 1; j <= i; ++j) {
                auto& s = slices_[position(j)];
                total_ -= s;
                s = Slice{};
            }
        }
        newest_ = i;
        started_ = true;
    }

    // Where slice index `i` lives in the ring.
    std::size_t position(std::int64_t i) const noexcept {
        const auto n = static_cast<std::int64_t>(slices_.size());
        return static_cast<std::size_t>(i - floor_div(i, n) * n);
    }

    std::int64_t width_us_;
    std::vector<Slice> slices_;
    Slice total_{};
    std::int64_t newest_ = 0;  // index of the newest slice (valid once started_)
    bool started_ = false;
};

/// Microseconds in each slice of a `window_us` window cut into `count`
/// slices (at least 1 µs).
constexpr std::int64_t slice_width(std::int64_t window_us, std::int64_t count) noexcept {
    return std::max<std::int64_t>(1, window_us / count);
}

/// How many slices of `width_us` cover `window_us`.
constexpr std::size_t slice_count(std::int64_t window_us, std::int64_t width_us) noexcept {
    return static_cast<std::size_t>((window_us + width_us - 1) / width_us);
}

/// Latencies in log buckets: exact below 8 µs, then 8 buckets per power of
/// two, so a bucket is at most 1/8 of its lower edge wide. Reading a
/// percentile as its bucket's upper edge therefore overstates it by less
/// than 12.5%, and never understates it. The last bucket is open-ended
/// (15·2^36 µs, about 11.9 days, and up) and reads as its lower edge.
struct latency_histogram {
    static constexpr int sub_bits = 3;                             ///< 2^3 buckets per power of two
    static constexpr int max_exponent = 39;                        ///< last power of two with its own buckets
    static constexpr std::size_t buckets = 8 * (max_exponent - 1);  ///< 8 exact + 8 per power 2^3..2^39

    std::array<std::uint32_t, buckets> counts{};  ///< calls per bucket (4G per slice is far beyond any rate)

    /// The bucket of `us` (negative counts as 0).
    static constexpr std::size_t bucket_of(std::int64_t us) noexcept {
        if (us < 8) return static_cast<std::size_t>(us < 0 ? 0 : us);
        const auto v = static_cast<std::uint64_t>(us);
        const int e = static_cast<int>(std::bit_width(v)) - 1;  // 2^e <= v < 2^(e+1)
        if (e > max_exponent) return buckets - 1;
        const auto sub = static_cast<std::size_t>((v >> (e - sub_bits)) & 7u);
        return static_cast<std::size_t>(8 * (e - 2)) + sub;
    }

    /// The largest latency in bucket `b` (the last bucket: its lower edge).
    static constexpr std::int64_t upper_edge(std::size_t b) noexcept {
        if (b < 8) return static_cast<std::int64_t>(b);
        const int e = static_cast<int>(b / 8) + 2;
        const auto sub = static_cast<std::int64_t>(b % 8);
        if (b == buckets - 1) return (8 + sub) << (e - sub_bits);
        return ((8 + sub + 1) << (e - sub_bits)) - 1;
    }

    /// The nearest-rank `per_cent` percentile of `n` calls counted here, as
    /// its bucket's upper edge (0 for n == 0).
    std::int64_t percentile(std::int64_t n, std::int64_t per_cent) const noexcept {
        if (n <= 0) return 0;
        const std::int64_t rank = (per_cent * n + 99) / 100;  // ceil(p·n / 100)
        std::int64_t seen = 0;
        for (std::size_t b = 0; b < buckets; ++b) {
            seen += counts[b];
            if (seen >= rank) return upper_edge(b);
        }
        return upper_edge(buckets - 1);
    }

    /// Adds another histogram's counts.
    latency_histogram& operator+=(const latency_histogram& o) noexcept {
        for (std::size_t b = 0; b < buckets; ++b) counts[b] += o.counts[b];
        return *this;
    }
    /// Removes counts added before.
    latency_histogram& operator-=(const latency_histogram& o) noexcept {
        for (std::size_t b = 0; b < buckets; ++b) counts[b] -= o.counts[b];
        return *this;
    }
};

/// A duration for a message: "5 min", "1 h", "30 s" or "250 us".
inline std::string describe_us(std::int64_t us) {
    if (us != 0 && us % 3'600'000'000 == 0) return std::to_string(us / 3'600'000'000) + " h";
    if (us != 0 && us % 60'000'000 == 0) return std::to_string(us / 60'000'000) + " min";
    if (us != 0 && us % 1'000'000 == 0) return std::to_string(us / 1'000'000) + " s";
    if (us != 0 && us % 1'000 == 0) return std::to_string(us / 1'000) + " ms";
    return std::to_string(us) + " us";
}

/// A measured latency for a message: "850 us", "65.5 ms", "2.25 s".
inline std::string format_latency(std::int64_t us) {
    if (us < 1'000) return std::to_string(us) + " us";
    if (us < 1'000'000) return std::to_string(us / 1'000) + "." + std::to_string(us % 1'000 / 100) + " ms";
    const auto hundredths = us % 1'000'000 / 10'000;
    return std::to_string(us / 1'000'000) + "." + (hundredths < 10 ? "0" : "") + std::to_string(hundredths) + " s";
}

/// "1 call", "2 calls": counts in messages read as English.
inline std::string count_text(std::int64_t n, const char* noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

/// Nano-USD as exact dollars: "$12.50", "$0.000123456", "-$1.00".
inline std::string format_usd(std::int64_t nanos) {
    // Work on the magnitude as unsigned so INT64_MIN has one too.
    const bool negative = nanos < 0;
    const std::uint64_t m = negative ? 0 - static_cast<std::uint64_t>(nanos) : static_cast<std::uint64_t>(nanos);
    std::string frac = std::to_string(m % 1'000'000'000);
    frac.insert(0, 9 - frac.size(), '0');
    while (frac.size() > 2 && frac.back() == '0') frac.pop_back();
    return (negative ? "-$" : "$") + std::to_string(m / 1'000'000'000) + "." + frac;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
