#pragma once
/// @file provider_json.hpp
/// What the provider adapters share: reading provider JSON without ever
/// throwing (a payload of the wrong shape is recorded, not a crash), the
/// error of a failed HTTP response, and the usage mappings of
/// docs/pricing.md section 2.

#include <aitrail/config.hpp>
#include <aitrail/capture/providers/call_outcome.hpp>
#include <aitrail/detail/fixed_string.hpp>
#include <aitrail/detail/jcs_string.hpp>
#include <aitrail/record/audit_record.hpp>

#include <nlohmann/json.hpp>

#include <cstddef>      // size_t
#include <cstdint>      // int64_t, uint32_t, uint64_t
#include <exception>    // exception
#include <map>          // map
#include <optional>     // optional
#include <string>       // string, to_string
#include <string_view>  // string_view
#include <utility>      // move

namespace aitrail {
inline namespace v1 {
namespace detail {

/// Member `key` of `j` when `j` is an object holding it with a non-null
/// value; nullptr otherwise (providers send null for "not applicable").
/// Keys are C strings: nlohmann_json 3.10 cannot look up a string_view.
inline const nlohmann::json* member(const nlohmann::json& j, const char* key) noexcept {
    if (!j.is_object()) return nullptr;
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return nullptr;
    return &*it;
}

/// Member `key` of `j` when it is an object; nullptr otherwise.
inline const nlohmann::json* object_member(const nlohmann::json& j, const char* key) noexcept {
    const auto* m = member(j, key);
    return m && m->is_object() ? m : nullptr;
}

/// Member `key` of `j` when it is an array; nullptr otherwise.
inline const nlohmann::json* array_member(const nlohmann::json& j, const char* key) noexcept {
    const auto* m = member(j, key);
    return m && m->is_array() ? m : nullptr;
}

/// Member `key` of `j` when it is a string; nullptr otherwise.
inline const std::string* string_member(const nlohmann::json& j, const char* key) noexcept {
    const auto* m = member(j, key);
    return m && m->is_string() ? m->get_ptr<const std::string*>() : nullptr;
}

/// Member `key` of `j` as a string, "" when absent or not a string.
inline std::string string_or_empty(const nlohmann::json& j, const char* key) {
    const auto* s = string_member(j, key);
    return s ? *s : std::string{};
}

/// `j` as a token count: an integer, or a float holding an exact integer
/// (some compatible servers write 14.0); nullopt for anything else.
inline std::optional<std::int64_t> as_count(const nlohmann::json& j) noexcept {
    if (j.is_number_integer() && !j.is_number_unsigned()) return j.get<std::int64_t>();
    if (j.is_number_unsigned()) {
        const auto v = j.get<std::uint64_t>();
        if (v <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v);
        return std::nullopt;
    }
    if (j.is_number_float()) {
        const double d = j.get<double>();
        constexpr double limit = 9007199254740992.0;  // 2^53: beyond it a double is no exact count
        if (d >= -limit && d <= limit && static_cast<double>(static_cast<std::int64_t>(d)) == d)
            return static_cast<std::int64_t>(d);
    }
    return std::nullopt;
}

/// Member `key` of `j` as a token count (see as_count).
inline std::optional<std::int64_t> count_member(const nlohmann::json& j, const char* key) noexcept {
    const auto* m = member(j, key);
    return m ? as_count(*m) : std::nullopt;
}

/// Member `key` of object member `outer` of `j` as a token count.
inline std::optional<std::int64_t> nested_count(const nlohmann::json& j, const char* outer,
                                                const char* key) noexcept {
    const auto* o = object_member(j, outer);
    return o ? count_member(*o, key) : std::nullopt;
}

/// At most the first `max_bytes` bytes of `text`, cut on a character
/// boundary, with every invalid UTF-8 sequence replaced by U+FFFD: a body
/// quoted in a record must be valid UTF-8 to have a canonical form.
inline std::string utf8_head(std::string_view text, std::size_t max_bytes = 200) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        std::uint32_t cp = 0;
        const char* problem = nullptr;
        const std::size_t len = decode_utf8(text, i, cp, problem);
        const std::size_t step = len == 0 ? 1 : len;
        if (i + step > max_bytes) break;
        if (len == 0) out += "\xEF\xBF\xBD";
        else out.append(text.substr(i, len));
        i += step;
    }
    return out;
}

/// A body that is not JSON (or not the JSON expected) from the provider.
inline error_info malformed(std::string message) { return {"malformed_response", std::move(message)}; }

/// Parses `text` without throwing. On failure returns false and describes
/// the problem with its byte offset; the text itself is not quoted (it may
/// be large, binary or hold secrets).
inline bool parse_json(std::string_view text, nlohmann::json& out, std::string& problem) {
    try {
        out = nlohmann::json::parse(text.begin(), text.end());
        return true;
    } catch (const nlohmann::json::parse_error& e) {
        std::string what = e.what();
        // nlohmann's message ends by quoting the bytes it read ("; last read: ...").
        if (const auto cut = what.find("; last read"); cut != std::string::npos) what.resize(cut);
        if (const auto tag = what.find("] "); what.rfind("[json.exception", 0) == 0 && tag != std::string::npos)
            what.erase(0, tag + 2);
        problem = "not valid JSON at byte " + std::to_string(e.byte) + " (" + utf8_head(what, 160) + ")";
    } catch (const std::exception& e) {
        problem = "not valid JSON (" + utf8_head(e.what(), 160) + ")";
    }
    out = nullptr;
    return false;
}

/// The provider's error from an `error` object: type from `type`, else
/// `code`; message from `message`. `fallback_type` when it names neither.
inline error_info error_from_object(const nlohmann::json& error, std::string fallback_type) {
    error_info e;
    e.type = string_or_empty(error, "type");
    if (e.type.empty()) {
        if (const auto* code = member(error, "code")) {
            if (code->is_string()) e.type = code->get<std::string>();
            else if (code->is_number_integer()) e.type = std::to_string(code->get<std::int64_t>());
        }
    }
    if (e.type.empty()) e.type = std::move(fallback_type);
    e.message = string_or_empty(error, "message");
    return e;
}

/// The error of a response with a non-2xx status: the provider's error
/// object when the body has one ({"error": {...}}, Anthropic's and
/// OpenAI's shape), else type "http_<status>" with the start of the body.
/// Sets `out.output` to the body (parsed, or as a string).
inline void read_http_error(int status, std::string_view body, call_outcome& out) {
    nlohmann::json parsed;
    std::string problem;
    const std::string fallback = "http_" + std::to_string(status);
    if (parse_json(body, parsed, problem)) {
        out.output = parsed;
        if (const auto* error = object_member(parsed, "error")) {
            out.error = error_from_object(*error, fallback);
            if (out.error->message.empty()) out.error->message = utf8_head(body);
            return;
        }
        if (const auto* text = string_member(parsed, "error")) {  // {"error": "Bad gateway"} from proxies
            out.error = error_info{fallback, utf8_head(*text)};
            return;
        }
    } else {
        out.output = utf8_head(body, body.size());
    }
    out.error = error_info{fallback, utf8_head(body)};
}

/// Parses a 2xx body. Returns false (with `out.error` malformed_response and
/// the text as `out.output`) when it is not a JSON object.
inline bool read_success_body(std::string_view body, nlohmann::json& parsed, call_outcome& out) {
    std::string problem;
    if (!parse_json(body, parsed, problem)) {
        out.error = malformed("response body is " + problem);
        out.output = utf8_head(body, body.size());
        return false;
    }
    if (!parsed.is_object()) {
        out.error = malformed("response body is JSON but not an object");
        out.output = std::move(parsed);
        return false;
    }
    return true;
}

/// A whole response as every adapter reads it: a non-2xx status through
/// read_http_error, a 2xx body parsed as a JSON object (or recorded as
/// malformed), then `read(object, out)` for the provider's own members, and
/// the object kept as `out.output`. Never throws on the provider's data: what
/// `read` throws becomes a malformed_response error.
template <class Read>
call_outcome read_whole_response(int status, std::string_view body, Read&& read) {
    call_outcome out;
    out.http_status = status;
    try {
        if (status < 200 || status > 299) {
            read_http_error(status, body, out);
            return out;
        }
        nlohmann::json object;
        if (!read_success_body(body, object, out)) return out;
        read(static_cast<const nlohmann::json&>(object), out);
        out.output = std::move(object);
    } catch (const std::exception& e) {
        out.error = malformed(std::string("response body could not be read: ") + e.what());
    }
    return out;
}

/// The model and stream flag of a request body (any JSON).
inline request_facts read_request_facts(const nlohmann::json& body) {
    request_facts f;
    f.model = string_or_empty(body, "model");
    const auto* stream = member(body, "stream");
    f.stream = stream && stream->is_boolean() && stream->get<bool>();
    return f;
}

/// The type of a stream event: its JSON "type" member, or else the SSE
/// event name (APIs that type their events name them both ways).
inline std::string event_type(const nlohmann::json& event_json, std::string_view event_name) {
    std::string type = string_or_empty(event_json, "type");
    if (type.empty()) type = event_name;
    return type;
}

/// What every adapter of a JSON-over-HTTP API has in common: its identity in
/// records and the reading of a request body (model and stream flag are
/// named alike by every API). The adapter adds the reading of responses.
template <fixed_string Provider, fixed_string Action, fixed_string Path>
struct json_api_adapter {
    /// The provider's name in records.
    static constexpr std::string_view provider = Provider.view();
    /// The record's action.
    static constexpr std::string_view action = Action.view();
    /// The request path (after any prefix of a gateway).
    static constexpr std::string_view path = Path.view();

    /// The model and stream flag of a request body.
    static request_facts read_request(const nlohmann::json& body) { return read_request_facts(body); }
};

/// Element `index` of the array `holder[key]` (made an array if it is not
/// one), padding with nulls up to it; nullptr for a negative index or one
/// far beyond the end, which no provider sends and which must not make
/// the reader allocate without bound.
inline nlohmann::json* array_slot(nlohmann::json& holder, const char* key, std::int64_t index) {
    constexpr std::int64_t max_padding = 1024;
    if (!holder.is_object() || index < 0) return nullptr;
    auto& arr = holder[key];
    if (!arr.is_array()) arr = nlohmann::json::array();
    const auto size = static_cast<std::int64_t>(arr.size());
    if (index >= size + max_padding) return nullptr;
    while (static_cast<std::int64_t>(arr.size()) <= index) arr.push_back(nullptr);
    return &arr[static_cast<std::size_t>(index)];
}

/// Appends `piece` to the string member `key` of `j` (an object), starting
/// from "" when the member is absent or not a string.
inline void append_text(nlohmann::json& j, const char* key, const std::string& piece) {
    if (!j.is_object()) return;
    auto& text = j[key];
    if (!text.is_string()) text = std::string{};
    text.get_ref<std::string&>() += piece;
}

/// `a + b`, or nullopt when it overflows.
inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
    return sum;
}

/// Anthropic's usage counts as reported, member by member. Streams report
/// them in pieces (message_start, then message_delta), and a member present
/// in a later piece replaces the earlier value.
struct anthropic_counts {
    std::optional<std::int64_t> input_tokens;          ///< uncached input
    std::optional<std::int64_t> cache_read;            ///< cache_read_input_tokens
    std::optional<std::int64_t> cache_creation;        ///< cache_creation_input_tokens
    std::optional<std::int64_t> output_tokens;         ///< output_tokens (thinking included)
    std::map<std::string, std::int64_t> server_tools;  ///< usage.server_tool_use
    bool any = false;                                  ///< some count was reported

    /// Takes the members `usage` reports, keeping the others.
    void merge(const nlohmann::json& usage) {
        auto take = [&](std::optional<std::int64_t>& into, const char* key) {
            if (auto v = count_member(usage, key)) {
                into = v;
                any = true;
            }
        };
        take(input_tokens, "input_tokens");
        take(cache_read, "cache_read_input_tokens");
        take(cache_creation, "cache_creation_input_tokens");
        take(output_tokens, "output_tokens");
        if (const auto* tools = object_member(usage, "server_tool_use")) {
            for (const auto& [name, value] : tools->items())
                if (auto v = as_count(value)) {
                    server_tools[name] = *v;
                    any = true;
                }
        }
    }

    /// The counts in aitrail's classes (docs/pricing.md section 2): input is
    /// the uncached input plus both cache counts, and exists only when the
    /// uncached part was reported; an unreported cache count adds nothing.
    token_usage usage() const {
        token_usage u;
        if (input_tokens) {
            std::optional<std::int64_t> sum = *input_tokens;
            if (sum && cache_read) sum = checked_add(*sum, *cache_read);
            if (sum && cache_creation) sum = checked_add(*sum, *cache_creation);
            u.input = sum;
        }
        u.cache_read = cache_read;
        u.cache_write = cache_creation;
        u.output = output_tokens;
        return u;
    }
};

/// OpenAI Chat Completions `usage` in aitrail's classes.
inline token_usage openai_chat_usage(const nlohmann::json& usage) {
    token_usage u;
    u.input = count_member(usage, "prompt_tokens");
    u.cache_read = nested_count(usage, "prompt_tokens_details", "cached_tokens");
    u.output = count_member(usage, "completion_tokens");
    u.reasoning = nested_count(usage, "completion_tokens_details", "reasoning_tokens");
    return u;
}

/// OpenAI Responses `usage` in aitrail's classes.
inline token_usage openai_responses_usage(const nlohmann::json& usage) {
    token_usage u;
    u.input = count_member(usage, "input_tokens");
    u.cache_read = nested_count(usage, "input_tokens_details", "cached_tokens");
    u.cache_write = nested_count(usage, "input_tokens_details", "cache_write_tokens");
    u.output = count_member(usage, "output_tokens");
    u.reasoning = nested_count(usage, "output_tokens_details", "reasoning_tokens");
    return u;
}

/// What a stream reader did with one event's data, for the error it keeps.
struct stream_errors {
    std::optional<error_info> provider;   ///< the first error the provider sent
    std::optional<error_info> malformed;  ///< the first event that could not be read

    /// Records an event whose data is not JSON (reading goes on).
    void bad_event(std::string_view event, std::size_t index, const std::string& problem) {
        if (malformed) return;
        malformed = detail::malformed("stream event '" + utf8_head(event, 64) + "' (#" + std::to_string(index) +
                                      ") data is " + problem);
    }
    /// Parses event number `index` and hands its JSON to `take(json&) -> bool`;
    /// data that is not JSON, or that `take` cannot read, is recorded and
    /// yields false. Never throws on the provider's data.
    template <class Take>
    bool read_event(std::string_view event, std::string_view data, std::size_t index, Take&& take) {
        try {
            nlohmann::json j;
            std::string problem;
            if (!parse_json(data, j, problem)) {
                bad_event(event, index, problem);
                return false;
            }
            return take(j);
        } catch (const std::exception& e) {
            bad_event(event, index, std::string("unreadable (") + e.what() + ")");
            return false;
        }
    }
    /// Records the provider's error (the first one wins).
    void provider_error(error_info e) {
        if (!provider) provider = std::move(e);
    }
    /// The error to report: the provider's own, else the malformed event.
    std::optional<error_info> result() const { return provider ? provider : malformed; }
};

/// usage_source of a stream: provider when the stream ended properly with
/// final counts, partial when it did not but some counts arrived, else missing.
constexpr usage_source stream_usage_source(bool ended_properly, bool final_counts, bool any_counts) noexcept {
    if (ended_properly && final_counts) return usage_source::provider;
    return any_counts ? usage_source::partial : usage_source::missing;
}

}  // namespace detail
}  // namespace v1
}  // namespace aitrail
