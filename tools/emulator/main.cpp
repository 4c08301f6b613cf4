// aitrail-emulator — a stand-in for api.anthropic.com and api.openai.com on
// loopback, for tests, examples and benchmarks. Not part of the library.
//
//   aitrail-emulator --listen 127.0.0.1:0 [--tls CERT.pem KEY.pem] [--latency-ms N]
//                    [--exit-on-stdin-eof]
//
// Prints "listening <host>:<port>\n" on stdout once it accepts connections,
// then serves HTTP/1.1 (keep-alive, one thread per connection) until SIGTERM
// or SIGINT, and exits 0. --latency-ms delays every API response head;
// --exit-on-stdin-eof stops it when stdin closes, so a test process that
// dies without cleaning up does not leave it running.
//
// Endpoints (any prefix before /v1 is accepted, the query string ignored):
//   POST .../v1/messages          Anthropic Messages
//   POST .../v1/chat/completions  OpenAI Chat Completions
//   POST .../v1/responses         OpenAI Responses
//   GET  /_emulator/last_request  {method, target, headers{lowercase: value}, body} of the last API request
//   GET  /_emulator/stats         {"requests": N}, API requests received (the /_emulator ones not counted)
//   anything else                 404 with a provider-shaped error
//
// Answers are deterministic: the text is "Echo: " + the last user message's
// text (first 200 code points; array parts joined by '\n'). Usage: input
// tokens = whitespace-separated words in every message's text plus the system
// prompt (Anthropic `system`, Responses `instructions`); output tokens =
// words in the answer; cached, cache-creation and reasoning tokens 0. Streams
// split the answer into deltas of about three words.
//
// Faults, from the `x-emulator-fault` header and/or a model name containing
// "fault-<spec>" (the rest of the name; e.g. "gpt-emu-fault-once-429"),
// several separated by commas:
//   400..599     that status with a provider-shaped error body (429 adds
//                retry-after: 0; 500 is api_error/server_error, 529 Anthropic's
//                overloaded_error)
//   malformed    200 with the JSON body cut in half; streams get one event
//                whose data is not JSON after the first delta, then go on
//   slow, slowN  wait N ms (500) before the head and between stream events
//   cutoff       streams stop after the first text delta and the connection
//                drops without the last chunk; whole bodies announce their
//                full Content-Length, send half and drop
//   once-<spec>  <spec> for the first request carrying exactly this spec in
//                this run; later ones succeed (tests of client retries)

#include "session.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <openssl/crypto.h>  // OPENSSL_thread_stop

#include <csignal>   // signal, SIGPIPE, raise
#include <cstdio>    // fprintf, printf, fflush
#include <cstdlib>   // _Exit, exit
#include <stdexcept> // invalid_argument
#include <system_error>  // system_error
#include <memory>    // unique_ptr
#include <optional>  // optional
#include <string>    // string, stoul
#include <thread>    // thread

#include <unistd.h>  // read

namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using namespace aitrail_emulator;

/// The command line.
struct options {
    std::string host = "127.0.0.1";   ///< address to bind
    unsigned short port = 0;          ///< 0: any free port
    std::string cert;                 ///< PEM certificate chain; empty: plain HTTP
    std::string key;                  ///< PEM private key
    settings config;                  ///< what sessions need
    bool exit_on_stdin_eof = false;   ///< stop when the parent closes our stdin
};

/// Printed for --help and after a command-line error.
constexpr const char* usage_text =
    "usage: aitrail-emulator --listen HOST:PORT [--tls CERT.pem KEY.pem] [--latency-ms N] [--exit-on-stdin-eof]\n";

/// Parses the command line; nullopt (after a message) when it is wrong.
std::optional<options> parse_options(int argc, char** argv) {
    options o;
    bool listen = false;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            const auto value = [&]() -> std::string {
                if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
                return argv[++i];
            };
            if (arg == "--listen") {
                const std::string where = value();
                const auto colon = where.rfind(':');
                if (colon == std::string::npos) throw std::invalid_argument("--listen wants HOST:PORT");
                o.host = where.substr(0, colon);
                if (o.host.size() > 1 && o.host.front() == '[' && o.host.back() == ']')
                    o.host = o.host.substr(1, o.host.size() - 2);  // [::1]:8080
                const unsigned long port = std::stoul(where.substr(colon + 1));
                if (port > 65535) throw std::invalid_argument("port out of range");
                o.port = static_cast<unsigned short>(port);
                listen = true;
            } else if (arg == "--tls") {
                o.cert = value();
                o.key = value();
            } else if (arg == "--latency-ms") {
                o.config.latency = std::chrono::milliseconds(std::stoul(value()));
            } else if (arg == "--exit-on-stdin-eof") {
                o.exit_on_stdin_eof = true;
            } else if (arg == "-h" || arg == "--help") {
                std::printf("%s", usage_text);
                std::exit(0);
            } else {
                throw std::invalid_argument("unknown option " + arg);
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail-emulator: %s\n%s", e.what(), usage_text);
        return std::nullopt;
    }
    if (!listen) {
        std::fprintf(stderr, "aitrail-emulator: --listen is required\n%s", usage_text);
        return std::nullopt;
    }
    return o;
}

/// Serves one accepted connection to its end, then closes it.
void serve_connection(tcp::socket& socket, server_state& state, const settings& config, ssl::context* tls) {
    boost::system::error_code ec;
    const int fd = socket.native_handle();
    state.attach(fd);
    // Each event is its own write; without this Nagle would merge them.
    socket.set_option(tcp::no_delay(true), ec);
    ending how = ending::abort;
    if (tls != nullptr) {
        ssl::stream<tcp::socket&> secure(socket, *tls);
        secure.handshake(ssl::stream_base::server, ec);
        if (!ec) {
            how = session<ssl::stream<tcp::socket&>>(secure, state, config).run();
            // One close_notify without waiting for the peer's: clients often just close.
            if (how != ending::abort) ::SSL_shutdown(secure.native_handle());
        }
    } else {
        how = session<tcp::socket>(socket, state, config).run();
    }
    socket.shutdown(how == ending::abort ? tcp::socket::shutdown_both : tcp::socket::shutdown_send, ec);
    state.detach(fd);
    socket.close(ec);
}

/// Accepts connections until the acceptor is closed, one thread each.
class listener {
public:
    /// Starts nothing yet; see start().
    listener(net::io_context& io, tcp::acceptor& acceptor, server_state& state, const settings& config, ssl::context* tls)
        : acceptor_(acceptor), state_(state), config_(config), tls_(tls), retry_(io) {}

    /// Queues the first accept.
    void start() {
        acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
            if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
            if (ec) {
                // Out of descriptors, usually: try again shortly rather than spin.
                retry_.expires_after(std::chrono::milliseconds(50));
                retry_.async_wait([this](boost::system::error_code) { start(); });
                return;
            }
            spawn(std::move(socket));
            start();
        });
    }

private:
    /// Hands a connection to a thread of its own.
    void spawn(tcp::socket socket) {
        if (!state_.admit()) return;
        auto owned = std::make_unique<tcp::socket>(std::move(socket));
        try {
            std::thread([this, s = owned.get()] {
                {
                    const std::unique_ptr<tcp::socket> conn(s);
                    serve_connection(*conn, state_, config_, tls_);
                }
                // OpenSSL's per-thread state (its error queue) is otherwise freed
                // by a thread-exit handler, which may run after main has returned:
                // LeakSanitizer would then report it. Free it before saying done.
                if (tls_ != nullptr) ::OPENSSL_thread_stop();
                // Last: main may destroy the io_context once every connection is finished.
                state_.finished();
            }).detach();
            static_cast<void>(owned.release());
        } catch (const std::system_error&) {
            state_.finished();  // no thread to spare: the socket closes with `owned`
        }
    }

    tcp::acceptor& acceptor_;    ///< the listening socket
    server_state& state_;        ///< shared with connections
    const settings& config_;     ///< from the command line
    ssl::context* tls_;          ///< null for plain HTTP
    net::steady_timer retry_;    ///< backs off after a failed accept
};

/// Raises SIGTERM when stdin reaches end of file.
void watch_stdin() {
    std::thread([] {
        char byte = 0;
        while (::read(STDIN_FILENO, &byte, 1) > 0) {
        }
        std::raise(SIGTERM);
    }).detach();
}

}  // namespace

int main(int argc, char** argv) {
    const std::optional<options> opts = parse_options(argc, argv);
    if (!opts) return 2;
    std::signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not kill us

    try {
        std::optional<ssl::context> tls;
        if (!opts->cert.empty()) {
            tls.emplace(ssl::context::tls_server);
            tls->use_certificate_chain_file(opts->cert);
            tls->use_private_key_file(opts->key, ssl::context::pem);
        }

        net::io_context io{1};
        net::signal_set signals(io, SIGTERM, SIGINT);
        const tcp::endpoint endpoint(net::ip::make_address(opts->host), opts->port);
        tcp::acceptor acceptor(io);
        acceptor.open(endpoint.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.bind(endpoint);
        acceptor.listen(net::socket_base::max_listen_connections);

        server_state state;
        listener accepting(io, acceptor, state, opts->config, tls ? &*tls : nullptr);
        signals.async_wait([&](boost::system::error_code, int) {
            boost::system::error_code ignored;
            acceptor.close(ignored);
            state.stop();
            io.stop();
        });
        accepting.start();
        if (opts->exit_on_stdin_eof) watch_stdin();

        const tcp::endpoint bound = acceptor.local_endpoint();
        std::printf("listening %s:%u\n", bound.address().to_string().c_str(), static_cast<unsigned>(bound.port()));
        std::fflush(stdout);
        io.run();

        // stop() interrupted every connection; give their threads a moment to
        // unwind. Should one hang anyway, leave without tearing down what it uses.
        if (!state.wait_idle(std::chrono::seconds(5))) std::_Exit(0);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "aitrail-emulator: %s\n", e.what());
        return 1;
    }
}
