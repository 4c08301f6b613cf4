#pragma once
/// @file scripted_transport.hpp
/// A transport that answers with a canned response, delivered in chunks of
/// a chosen size, optionally cut off after some bytes or failing before any
/// answer: the provider side of a call, without a network.

#include <aitrail/capture/transport.hpp>

#include <algorithm>  // min
#include <cstddef>    // size_t
#include <optional>   // optional
#include <string>     // string
#include <vector>     // vector

namespace aitrail_test {

/// Answers every request with `response`; remembers the requests.
struct scripted_transport {
    aitrail::model_response response;                      ///< what every call gets
    std::size_t chunk_size = 7;                            ///< body bytes per on_chunk()
    std::optional<std::size_t> cut_after;                  ///< stream(): fail after this many body bytes
    std::optional<aitrail::transport_failure> fail_first;  ///< fail before any answer
    std::vector<aitrail::model_request> requests;          ///< what was sent, in order

    aitrail::model_response send(const aitrail::model_request& r) {
        requests.push_back(r);
        if (fail_first) throw aitrail::transport_error(*fail_first, "scripted failure");
        return response;
    }

    void stream(const aitrail::model_request& r, aitrail::stream_handler& h) {
        requests.push_back(r);
        if (fail_first) throw aitrail::transport_error(*fail_first, "scripted failure");
        aitrail::model_response head = response;
        head.body.clear();
        h.on_head(head);
        const std::string& body = response.body;
        const std::size_t end = cut_after ? std::min(*cut_after, body.size()) : body.size();
        for (std::size_t at = 0; at < end; at += chunk_size)
            h.on_chunk(std::string_view(body).substr(at, std::min(chunk_size, end - at)));
        if (cut_after) throw aitrail::transport_error(aitrail::transport_failure::cut_off, "scripted cut-off", true);
    }
};

/// An SSE response with status 200.
inline aitrail::model_response sse_response(std::string body) {
    return {200, {{"content-type", "text/event-stream"}}, std::move(body)};
}

/// A JSON response with `status`.
inline aitrail::model_response json_response(int status, std::string body) {
    return {status, {{"content-type", "application/json"}}, std::move(body)};
}

}  // namespace aitrail_test
