#pragma once
/// @file http_probe.hpp
/// A deliberately plain HTTP/1.1 client over a POSIX socket, for tests that
/// must see the wire as it is: every chunk, every read, a body cut short.
/// Not a client to copy: no TLS, no redirects, loopback only.

#include <arpa/inet.h>   // htons, inet_pton
#include <netinet/in.h>  // sockaddr_in
#include <sys/socket.h>  // socket, connect, send, recv, setsockopt
#include <sys/time.h>    // timeval
#include <unistd.h>      // close

#include <cctype>     // tolower
#include <cstddef>    // size_t
#include <map>        // map
#include <stdexcept>  // runtime_error
#include <string>     // string
#include <vector>     // vector

namespace aitrail_test {

/// One response as it came over the wire.
struct http_reply {
    int status = 0;                             ///< from the status line
    std::map<std::string, std::string> headers; ///< lowercase names
    std::string body;                           ///< de-chunked
    std::vector<std::string> chunks;            ///< chunk payloads, for chunked bodies
    std::size_t body_reads = 0;                 ///< recv calls that delivered body bytes
    bool complete = false;                      ///< the framing said the body was whole
    bool peer_closed = false;                   ///< the server closed the connection

    /// A header's value, or empty.
    std::string header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

/// One server-sent event.
struct sse_event {
    std::string name;  ///< the `event:` line, empty if none
    std::string data;  ///< the `data:` lines, joined by '\n'
};

/// The events of an SSE body (blank-line separated; comments and other
/// fields ignored). A trailing event without its blank line is included.
inline std::vector<sse_event> sse_events(const std::string& body) {
    std::vector<sse_event> events;
    sse_event current;
    bool any = false;
    std::size_t start = 0;
    while (start <= body.size()) {
        std::size_t end = body.find('\n', start);
        if (end == std::string::npos) end = body.size();
        const std::string line = body.substr(start, end - start);
        if (line.empty()) {
            if (any) events.push_back(current);
            current = {};
            any = false;
        } else if (line.rfind("event:", 0) == 0) {
            current.name = line.substr(line.size() > 6 && line[6] == ' ' ? 7 : 6);
            any = true;
        } else if (line.rfind("data:", 0) == 0) {
            if (!current.data.empty()) current.data += '\n';
            current.data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
            any = true;
        }
        start = end + 1;
    }
    if (any) events.push_back(current);
    return events;
}

/// A request to 127.0.0.1 with a JSON body.
inline std::string json_post(const std::string& path, const std::string& body, const std::string& extra_headers = "",
                             bool keep_alive = true) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n" + extra_headers + (keep_alive ? "" : "Connection: close\r\n") +
           "\r\n" + body;
}

/// A GET request to 127.0.0.1.
inline std::string plain_get(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"; }

/// One TCP connection to 127.0.0.1:port; receives time out after 60 s.
class http_probe {
public:
    /// Connects; throws on failure.
    explicit http_probe(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket failed");
        timeval timeout{60, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<unsigned short>(port));
        ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
        if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd_);
            throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
        }
    }
    http_probe(const http_probe&) = delete;
    http_probe& operator=(const http_probe&) = delete;
    /// Closes the connection.
    ~http_probe() { ::close(fd_); }

    /// Sends all of `bytes`.
    void send(const std::string& bytes) {
        for (std::size_t sent = 0; sent < bytes.size();) {
            const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) throw std::runtime_error("send failed");
            sent += static_cast<std::size_t>(n);
        }
    }

    /// Sends a request and reads its response.
    http_reply exchange(const std::string& request) {
        send(request);
        return read_reply();
    }

    /// Reads one response; a body the server cut short comes back with
    /// `complete == false` rather than as an exception.
    http_reply read_reply() {
        http_reply r;
        std::size_t end = 0;
        while ((end = buffer_.find("\r\n\r\n")) == std::string::npos)
            if (!fill(r, false)) throw std::runtime_error("connection closed before a response head");
        parse_head(r, buffer_.substr(0, end));
        buffer_.erase(0, end + 4);
        if (r.header("transfer-encoding") == "chunked") {
            read_chunks(r);
        } else if (!r.header("content-length").empty()) {
            const std::size_t length = std::stoul(r.header("content-length"));
            while (buffer_.size() < length && fill(r, true)) {
            }
            r.complete = buffer_.size() >= length;
            r.body = buffer_.substr(0, length);
            buffer_.erase(0, r.body.size());
        } else {
            while (fill(r, true)) {
            }
            r.body.swap(buffer_);
            r.complete = true;
        }
        if (r.header("connection") == "close" && !r.peer_closed) {
            http_reply rest;
            r.peer_closed = !fill(rest, false);
        }
        return r;
    }

private:
    /// Receives more bytes into the buffer; false at end of stream or error.
    bool fill(http_reply& r, bool body) {
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            r.peer_closed = true;
            return false;
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
        if (body) ++r.body_reads;
        return true;
    }

    /// Decodes a chunked body until the last chunk or the end of the stream.
    void read_chunks(http_reply& r) {
        for (;;) {
            std::size_t eol = 0;
            while ((eol = buffer_.find("\r\n")) == std::string::npos)
                if (!fill(r, true)) return;
            const std::size_t size = std::stoul(buffer_.substr(0, eol), nullptr, 16);
            while (buffer_.size() < eol + 2 + size + 2)
                if (!fill(r, true)) return;
            if (size == 0) {
                buffer_.erase(0, eol + 4);  // no trailers from the emulator
                r.complete = true;
                return;
            }
            r.chunks.push_back(buffer_.substr(eol + 2, size));
            r.body += r.chunks.back();
            buffer_.erase(0, eol + 2 + size + 2);
        }
    }

    /// Status line and headers.
    static void parse_head(http_reply& r, const std::string& head) {
        std::size_t start = head.find("\r\n");
        const std::string status_line = head.substr(0, start);
        r.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
        while (start != std::string::npos && start < head.size()) {
            const std::size_t from = start + 2;
            const std::size_t next = head.find("\r\n", from);
            const std::string line = head.substr(from, next == std::string::npos ? std::string::npos : next - from);
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                std::string value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ') value.erase(0, 1);
                r.headers[name] = value;
            }
            start = next;
        }
    }

    int fd_ = -1;         ///< the connection
    std::string buffer_;  ///< received, not yet consumed
};

}  // namespace aitrail_test
