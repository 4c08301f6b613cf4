#pragma once
// Feeding a provider's SSE body to an adapter's stream_reader the way a
// transport does: through the SSE parser, in chunks the network chose.

#include <aitrail/capture/providers/call_outcome.hpp>
#include <aitrail/detail/capture/sse.hpp>

#include <cstddef>      // size_t
#include <random>       // mt19937, uniform_int_distribution
#include <string>       // string
#include <string_view>  // string_view
#include <utility>      // move
#include <vector>       // vector

namespace aitrail_test {

/// What a stream_reader made of a body.
struct stream_run {
    aitrail::call_outcome outcome;
    int first_content = 0;           // on_event() calls that returned true
    std::size_t first_content_at = 0;  // 1-based index of the event that did (0: none)
    std::size_t events = 0;          // events the parser dispatched
    bool pending = false;            // the parser's finish(): an event was cut
};

/// Feeds `body` in chunks of 1..max_chunk bytes drawn from `seed` (0: in
/// one piece), then finishes the reader with `complete`.
template <class Adapter>
stream_run run_stream(std::string_view body, unsigned seed = 0, bool complete = true, std::size_t max_chunk = 17) {
    typename Adapter::stream_reader reader;
    aitrail::detail::sse_parser parser;
    stream_run run;
    auto on_event = [&](std::string_view event, std::string_view data) {
        ++run.events;
        if (reader.on_event(event, data)) {
            ++run.first_content;
            if (run.first_content_at == 0) run.first_content_at = run.events;
        }
    };
    if (seed == 0) {
        parser.feed(body, on_event);
    } else {
        std::mt19937 rng(seed);
        std::uniform_int_distribution<std::size_t> size(1, max_chunk);
        for (std::size_t at = 0; at < body.size();) {
            const std::size_t n = size(rng);
            parser.feed(body.substr(at, n), on_event);
            at += n;
        }
    }
    run.pending = parser.finish();
    run.outcome = std::move(reader).finish(complete);
    return run;
}

/// `text` with a few bytes replaced by bytes that matter to SSE, JSON or
/// UTF-8 (line ends, quotes, braces, a stray continuation byte...).
inline std::string mutate(std::string text, unsigned seed) {
    static constexpr char nasty[] = {'\n', '\r', '"', '{', '}', '[', ']', ':', ',', '\\', '0', '-', '\x80', '\xFF', '\xC3', 'x'};
    std::mt19937 rng(seed);
    if (text.empty()) return text;
    std::uniform_int_distribution<std::size_t> where(0, text.size() - 1), which(0, sizeof nasty - 1), how_many(1, 4);
    for (std::size_t n = how_many(rng); n > 0; --n) text[where(rng)] = nasty[which(rng)];
    return text;
}

/// Byte offsets just after each blank line of an SSE body written with
/// "\n\n" between events: the places a stream can be cut between events.
inline std::vector<std::size_t> event_boundaries(std::string_view body) {
    std::vector<std::size_t> out{0};
    for (std::size_t at = body.find("\n\n"); at != std::string_view::npos; at = body.find("\n\n", at + 2))
        out.push_back(at + 2);
    return out;
}

}  // namespace aitrail_test
