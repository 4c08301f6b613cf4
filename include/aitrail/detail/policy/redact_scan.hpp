#pragma once
/// @file redact_scan.hpp
/// The single pass behind redactors::pii<...>: one walk over the text that
/// stops only at bytes some enabled detector can anchor a match at (the
/// union of their triggers, known at compile time), asks just the detectors
/// listing that byte, and takes the best match there. After a match the
/// walk resumes at its end, and a detector that reads to the left of its
/// anchor (email from '@') may not cross that end, so no byte is redacted
/// twice and the work stays linear in the text.

#include <aitrail/config.hpp>
#include <aitrail/detail/policy/redact_bytes.hpp>
#include <aitrail/detail/policy/redact_skip.hpp>
#include <aitrail/policy/redact/match.hpp>
#include <aitrail/policy/redact/strategies.hpp>

#include <array>        // array
#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <optional>     // optional
#include <string>       // string
#include <string_view>  // string_view
#include <tuple>        // tuple, tuple_element_t
#include <utility>      // index_sequence

namespace aitrail {
inline namespace v1 {
namespace detail {

/// A list of types (the expanded arguments of pii<...>).
template <class... T>
struct redact_list {};

/// Concatenates redact_lists.
template <class... Lists>
struct redact_concat {
    using type = redact_list<>;
};
template <class... A>
struct redact_concat<redact_list<A...>> {
    using type = redact_list<A...>;
};
template <class... A, class... B, class... Rest>
struct redact_concat<redact_list<A...>, redact_list<B...>, Rest...> {
    using type = typename redact_concat<redact_list<A..., B...>, Rest...>::type;
};

/// One pii<...> argument as a list of with<Detector, Strategy>: a bare
/// detector gets `mask`, a detector_list (bare or in a with) is spread.
template <class T>
struct redact_expand {
    using type = redact_list<redactors::with<T, redactors::mask>>;
};
template <class D, class S>
struct redact_expand<redactors::with<D, S>> {
    using type = redact_list<redactors::with<D, S>>;
};
template <class... D>
struct redact_expand<redactors::detector_list<D...>> {
    using type = typename redact_concat<typename redact_expand<D>::type...>::type;
};
template <class... D, class S>
struct redact_expand<redactors::with<redactors::detector_list<D...>, S>> {
    using type = typename redact_concat<typename redact_expand<redactors::with<D, S>>::type...>::type;
};

/// Checks every entry of a pii<...>, one readable message per problem.
template <class List>
struct redact_entries_requirements;
template <class... E>
struct redact_entries_requirements<redact_list<E...>> {
    static constexpr bool detectors_ok = (detector_requirements<typename E::detector>::value && ...);
    static_assert(!detectors_ok || (redactors::strategy_for<typename E::strategy, typename E::detector> && ...),
                  "aitrail: the Strategy of redactors::with<Detector, Strategy> requires "
                  "'template <class D> static void write(std::string& out, std::string_view value)' "
                  "(use redactors::mask, redactors::keyed_token<KeySource> or redactors::drop)");
    static_assert(sizeof...(E) <= 64, "aitrail: redactors::pii<...> takes at most 64 detectors");
    static constexpr bool value = detectors_ok;
};

/// The scanner over the entries with<D, S>... of a pii<...>.
template <class List>
struct redact_scanner;

template <class... E>
struct redact_scanner<redact_list<E...>> {
    /// Number of entries.
    static constexpr std::size_t size = sizeof...(E);
    /// Detector of entry I.
    template <std::size_t I>
    using detector_at = typename std::tuple_element_t<I, std::tuple<E...>>::detector;
    /// Strategy of entry I.
    template <std::size_t I>
    using strategy_at = typename std::tuple_element_t<I, std::tuple<E...>>::strategy;
    /// Counts key of each entry.
    static constexpr std::array<std::string_view, size> names = {std::string_view(E::detector::name)...};

    /// Trigger bytes of a detector (none for a callable one).
    template <class D>
    static constexpr byte_set triggers_of() {
        if constexpr (redactors::scanning_detector<D>) return D::triggers;
        else return byte_set{};
    }
    /// Every byte at which some entry can anchor a match.
    static constexpr byte_set triggers = (byte_set{} | ... | triggers_of<typename E::detector>());
    /// For each byte, bit I set when entry I lists it.
    static constexpr std::array<std::uint64_t, 256> dispatch = [] {
        std::array<std::uint64_t, 256> d{};
        const byte_set sets[] = {triggers_of<typename E::detector>()..., byte_set{}};
        for (std::size_t i = 0; i < size; ++i)
            for (unsigned b = 0; b < 256; ++b)
                if (sets[i].contains(static_cast<char>(b))) d[b] |= std::uint64_t{1} << i;
        return d;
    }();

    /// A match of entry `index`.
    struct found {
        std::size_t index = size;  ///< entry; `size` when none
        redactors::match m{};         ///< where
    };

    /// Calls `on_match(index, match)` for each match, left to right, never
    /// overlapping.
    template <class OnMatch>
    static void scan(std::string_view s, OnMatch&& on_match) {
        std::array<std::optional<redactors::match>, size> pending{};  // callable detectors' next match
        refresh(s, 0, pending, std::make_index_sequence<size>{});
        std::size_t pos = 0;    // where the walk resumes
        std::size_t floor = 0;  // end of the last match: nothing before it is read again
        while (pos < s.size()) {
            std::size_t p = next_trigger<triggers>(s, pos);
            for (const auto& m : pending)
                if (m && m->begin < p) p = m->begin;
            if (p >= s.size()) break;
            found best;
            try_all(s, p, floor, pending, best, std::make_index_sequence<size>{});
            if (best.index == size) {
                pos = p + 1;
                continue;
            }
            on_match(best.index, best.m);
            pos = floor = best.m.end;
            refresh(s, pos, pending, std::make_index_sequence<size>{});
        }
    }

    /// Appends what entry `index`'s strategy writes for `value`.
    static void write(std::size_t index, std::string& out, std::string_view value) {
        write_entry(index, out, value, std::make_index_sequence<size>{});
    }

private:
    /// True if `m` starts first, or as early and ends later, than `best`.
    static constexpr bool better(const redactors::match& m, const found& best) noexcept {
        return best.index == size || m.begin < best.m.begin || (m.begin == best.m.begin && m.end > best.m.end);
    }

    /// Asks each entry anchored at byte s[p] (and each callable whose next
    /// match starts at p); `floor` is where the previous match ended.
    template <std::size_t... I>
    static void try_all(std::string_view s, std::size_t p, [[maybe_unused]] std::size_t floor,
                        [[maybe_unused]] const std::array<std::optional<redactors::match>, size>& pending,
                        [[maybe_unused]] found& best, std::index_sequence<I...>) {
        [[maybe_unused]] const std::uint64_t anchored = dispatch[static_cast<unsigned char>(s[p])];
        (try_one<I>(s, p, floor, pending, best, anchored), ...);
    }

    template <std::size_t I>
    static void try_one(std::string_view s, std::size_t p, std::size_t floor,
                        const std::array<std::optional<redactors::match>, size>& pending, found& best,
                        std::uint64_t anchored) {
        using D = detector_at<I>;
        if constexpr (redactors::scanning_detector<D>) {
            if (((anchored >> I) & 1u) == 0) return;
            const std::optional<redactors::match> m = D::match_at(s, p, floor);
            // A detector breaking its contract is ignored rather than trusted
            // with the bounds of the output.
            if (m && m->begin >= floor && m->begin < m->end && m->end <= s.size() && m->end > p && better(*m, best))
                best = {I, *m};
        } else {
            if (pending[I] && pending[I]->begin == p && better(*pending[I], best)) best = {I, *pending[I]};
        }
    }

    /// Re-asks each callable detector whose pending match starts before
    /// `from` (or that has none yet when `from` is 0).
    template <std::size_t... I>
    static void refresh([[maybe_unused]] std::string_view s, [[maybe_unused]] std::size_t from,
                        [[maybe_unused]] std::array<std::optional<redactors::match>, size>& pending,
                        std::index_sequence<I...>) {
        (refresh_one<I>(s, from, pending), ...);
    }

    template <std::size_t I>
    static void refresh_one(std::string_view s, std::size_t from, std::array<std::optional<redactors::match>, size>& pending) {
        using D = detector_at<I>;
        if constexpr (!redactors::scanning_detector<D>) {
            if (from != 0 && (!pending[I] || pending[I]->begin >= from)) return;
            std::optional<redactors::match> m = D::find(s, from);
            if (m && (m->begin < from || m->begin >= m->end || m->end > s.size())) m.reset();
            pending[I] = m;
        }
    }

    template <std::size_t... I>
    static void write_entry([[maybe_unused]] std::size_t index, [[maybe_unused]] std::string& out,
                            [[maybe_unused]] std::string_view value, std::index_sequence<I...>) {
        (void)((index == I ? (strategy_at<I>::template write<detector_at<I>>(out, value), true) : false) || ...);
    }
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
