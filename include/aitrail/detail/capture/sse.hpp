#pragma once
/// @file sse.hpp
/// An incremental parser for Server-Sent Events (text/event-stream), the
/// format model providers stream their responses in. It is fed the body as
/// the network delivers it: a chunk may end anywhere, in the middle of a
/// line, between the CR and LF of a line end, or inside a UTF-8 character.
///
/// It follows the WHATWG HTML "event stream interpretation" rules:
/// - a line ends at LF, CRLF or a lone CR; a UTF-8 BOM opening the stream is skipped;
/// - a line starting with ':' is a comment;
/// - "name: value" sets field `name` (one space after the colon is dropped);
///   a line without a colon is a field with an empty value;
/// - fields `event`, `data`, `id`, `retry`; any other field is ignored;
/// - several `data` lines are joined with '\n';
/// - a blank line dispatches the event; one without any `data` line is
///   dropped; the event name defaults to "message".
///
/// One deliberate leniency: an `event` line that arrives while the current
/// event already has data dispatches that event first. Captured logs often
/// lose the blank lines between events, and a conforming parser would merge
/// such events into one. No conforming stream is read differently, since a
/// conforming producer never repeats `event` inside one event after `data`.
///
/// Memory is bounded: the bytes of one event (its name, its data and the
/// line being read) may not exceed `max_event_bytes`. Beyond that, feed()
/// throws std::length_error and the parser refuses further input: a body
/// that large without an event boundary is not an event stream this
/// library can audit, and silently cutting an event would corrupt it.

#include <aitrail/config.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // uint64_t
#include <optional>     // optional
#include <stdexcept>    // length_error
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <utility>      // move, forward

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Incremental SSE parser; see the file comment for the rules it follows.
class sse_parser {
public:
    /// Default bound on the bytes of one event: 16 MiB.
    static constexpr std::size_t default_max_event_bytes = std::size_t{16} << 20;

    /// A parser that accepts events of up to `max_event_bytes` bytes.
    explicit sse_parser(std::size_t max_event_bytes = default_max_event_bytes) noexcept
        : max_event_bytes_(max_event_bytes) {}

    /// Parses the next bytes of the stream, calling
    /// `on_event(std::string_view event, std::string_view data)` for each
    /// event completed by them (the views are valid during the call only).
    /// Throws std::length_error when an event outgrows the bound. If
    /// on_event throws, the rest of `bytes` is not parsed, but the parser
    /// stays consistent and takes the next chunk.
    template <class F>
    void feed(std::string_view bytes, F&& on_event) {
        if (failed_) throw std::length_error("aitrail: SSE parser used after an oversized event");
        std::size_t i = 0;
        if (after_cr_ && !bytes.empty()) {
            after_cr_ = false;
            if (bytes[0] == '\n') i = 1;  // the LF of a CRLF split across chunks
        }
        while (i < bytes.size()) {
            const std::size_t end = bytes.find_first_of("\r\n", i);
            if (end == std::string_view::npos) {
                line_.append(bytes.substr(i));
                check_size(line_.size() + data_.size() + event_.size());
                return;
            }
            const std::string_view piece = bytes.substr(i, end - i);
            if (line_.empty()) {
                take_line(piece, on_event);  // the common case: no copy
            } else {
                line_.append(piece);
                const std::string line = std::move(line_);  // line_ is clean even if on_event throws
                line_.clear();
                take_line(line, on_event);
            }
            i = end + 1;
            if (bytes[end] == '\r') {
                if (i == bytes.size()) after_cr_ = true;
                else if (bytes[i] == '\n') ++i;
            }
        }
    }

    /// Ends the stream. Returns true when an incomplete event was pending:
    /// bytes of an event (or a partial line) not followed by a blank line,
    /// which is what a cut-off stream leaves. That event is discarded, as
    /// the standard says; the parser is then ready for a new stream.
    bool finish() noexcept {
        const bool pending = dirty_ || !line_.empty();
        line_.clear();
        event_.clear();
        data_.clear();
        has_data_ = dirty_ = after_cr_ = false;
        first_line_ = true;
        return pending;
    }

    /// The last `id` field seen (the stream's last event id).
    const std::string& last_event_id() const noexcept { return last_id_; }
    /// The last valid `retry` field, in milliseconds.
    std::optional<std::uint64_t> retry() const noexcept { return retry_; }
    /// The bound on one event's bytes.
    std::size_t max_event_bytes() const noexcept { return max_event_bytes_; }

private:
    template <class F>
    void take_line(std::string_view line, F& on_event) {
        if (first_line_) {
            first_line_ = false;
            if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
        }
        if (line.empty()) {
            dispatch(on_event);
            return;
        }
        check_size(line.size() + data_.size() + event_.size());
        if (line[0] == ':') return;  // comment (often a keep-alive)
        dirty_ = true;
        const std::size_t colon = line.find(':');
        const std::string_view field = line.substr(0, colon);
        std::string_view value;
        if (colon != std::string_view::npos) {
            value = line.substr(colon + 1);
            if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
        }
        if (field == "event") {
            if (has_data_) {
                dispatch(on_event);
                dirty_ = true;
            }
            event_.assign(value);
        } else if (field == "data") {
            if (has_data_) data_ += '\n';
            data_.append(value);
            has_data_ = true;
        } else if (field == "id") {
            if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
        } else if (field == "retry") {
            set_retry(value);
        }
    }

    template <class F>
    void dispatch(F& on_event) {
        dirty_ = false;
        if (!has_data_) {
            event_.clear();
            return;
        }
        // Moved out first, so the parser is consistent even if on_event throws.
        const std::string event = std::move(event_);
        const std::string data = std::move(data_);
        event_.clear();
        data_.clear();
        has_data_ = false;
        on_event(event.empty() ? std::string_view{"message"} : std::string_view{event}, std::string_view{data});
    }

    void set_retry(std::string_view value) noexcept {
        if (value.empty() || value.size() > 18) return;  // 18 digits cannot overflow 64 bits
        std::uint64_t ms = 0;
        for (char c : value) {
            if (c < '0' || c > '9') return;
            ms = ms * 10 + static_cast<std::uint64_t>(c - '0');
        }
        retry_ = ms;
    }

    // `size`: the event's bytes so far, counting the line being read once.
    void check_size(std::size_t size) {
        if (size <= max_event_bytes_) return;
        failed_ = true;
        line_.clear();
        data_.clear();
        event_.clear();
        throw std::length_error("aitrail: SSE event larger than " + std::to_string(max_event_bytes_) +
                                " bytes (no blank line ended it); the stream is not parsed further");
    }

    std::size_t max_event_bytes_;
    std::string line_;     // a line whose end has not arrived yet
    std::string event_;    // the current event's name
    std::string data_;     // the current event's data lines, joined
    std::string last_id_;
    std::optional<std::uint64_t> retry_;
    bool has_data_ = false;    // a data line was seen (data_ may still be empty)
    bool dirty_ = false;       // a field line arrived since the last blank line
    bool after_cr_ = false;    // the previous chunk ended in CR: skip a leading LF
    bool first_line_ = true;   // the BOM may only open the stream
    bool failed_ = false;
};

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
