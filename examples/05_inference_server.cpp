// An HTTP inference server for a toy fraud model, every prediction audited by
// one line at the top of its handler (like a Python @audit_endpoint decorator).
//
//   ./05_inference_server [--port N] [--trail DIR] [--requests N]
//   curl -d '{"amount": 1250, "merchant_category": "electronics", "country": "FR"}' 127.0.0.1:PORT/predict
//   aitrail verify DIR
//
// --port 0 (the default) takes any free port; --requests N exits after N
// requests. SIGTERM or SIGINT stops the server after flushing the trail.

#include <aitrail/aitrail.hpp>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>   // max
#include <cmath>       // exp
#include <csignal>     // SIGINT, SIGTERM
#include <cstdint>     // uint64_t
#include <filesystem>  // path
#include <fstream>     // ofstream, ifstream
#include <functional>  // function
#include <iostream>    // cout
#include <stdexcept>   // invalid_argument
#include <string>      // string, stoi

namespace net = boost::asio;
namespace http = boost::beast::http;
using json = nlohmann::json;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

// The toy model: a logistic score over three features. Its weights are a file
// written at start, so the digest in every record names real bytes.
constexpr const char* weights_text = R"({"bias": -4.0, "per_1000_usd": 1.1, "foreign": 1.5,
  "merchant_category": {"electronics": 0.8, "gambling": 2.5, "grocery": -1.0}})";
constexpr double threshold = 0.5;

struct fraud_model {
    json w;
    double risk(const json& tx) const {
        const double z = w["bias"].get<double>() + w["per_1000_usd"].get<double>() * tx["amount"].get<double>() / 1000 +
                         (tx["country"] != "US" ? w["foreign"].get<double>() : 0.0) +
                         w["merchant_category"].value(tx["merchant_category"].get<std::string>(), 0.0);
        return 1 / (1 + std::exp(-z));
    }
};

void validate(const json& tx) {
    if (!tx.is_object() || !tx.contains("amount") || !tx["amount"].is_number() || tx["amount"] < 0)
        throw std::invalid_argument("amount: a non-negative number is required");
    for (const char* key : {"merchant_category", "country"})
        if (!tx.contains(key) || !tx[key].is_string()) throw std::invalid_argument(std::string(key) + ": a string is required");
}

response reply(const request& req, http::status status, const json& body) {
    response res{status, req.version()};
    res.set(http::field::content_type, "application/json");
    res.keep_alive(false);
    res.body() = body.dump() + "\n";
    res.prepare_payload();
    return res;
}

std::string option(int argc, char** argv, const std::string& name, const std::string& fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (argv[i] == name) return argv[i + 1];
    return fallback;
}

int main(int argc, char** argv) {
    const std::filesystem::path trail = option(argc, argv, "--trail", "inference-trail");
    const auto max_requests = std::stoull(option(argc, argv, "--requests", "0"));
    const auto weights = trail.parent_path() / "fraud_detector.weights";
    std::ofstream(weights) << weights_text;
    const fraud_model model{json::parse(std::ifstream(weights))};
    const aitrail::prediction_model model_id{"fraud_detector", "v3.2.1", aitrail::artifact_sha256(weights), "toy-logistic"};
    aitrail::auditor audit{aitrail::jsonl_storage{trail}};

    auto handle = [&](const request& req, const std::string& peer) {
        if (req.method() != http::verb::post || req.target() != "/predict")
            return reply(req, http::status::not_found, {{"error", "try POST /predict"}});
        const std::string user(req["X-User-ID"]);
        auto p = audit.predict({.user = user.empty() ? "anonymous" : user, .model = model_id,
                                .meta = {{"endpoint", "/predict"}, {"ip", peer}}});  // the audit: one line
        p.mark("received");
        try {
            const json tx = json::parse(req.body());
            p.features(tx);
            validate(tx);
            p.mark("validated");
            const double risk = model.risk(tx);
            p.mark("scored");
            const std::string label = risk >= threshold ? "fraud" : "legitimate";
            const double confidence = std::max(risk, 1 - risk);
            p.predicted(label, {.confidence = confidence, .score = risk, .threshold = threshold});
            return reply(req, http::status::ok,
                         {{"prediction", label}, {"confidence", confidence}, {"risk_score", risk}, {"request_id", p.id()}});
        } catch (const std::exception& e) {  // malformed JSON or missing features: the record says which
            p.fail(e);
            return reply(req, http::status::bad_request, {{"error", e.what()}, {"request_id", p.id()}});
        }
    };

    // One thread: accept, serve one request per connection, accept again.
    net::io_context ioc;
    net::ip::tcp::acceptor acceptor{
        ioc, {net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(option(argc, argv, "--port", "0")))}};
    net::signal_set signals{ioc, SIGINT, SIGTERM};
    signals.async_wait([&](boost::system::error_code, int) { ioc.stop(); });
    std::cout << "listening 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;

    std::uint64_t served = 0;
    std::function<void()> accept_next = [&] {
        acceptor.async_accept([&](boost::system::error_code ec, net::ip::tcp::socket socket) {
            if (!ec) {
                boost::beast::flat_buffer buffer;
                request req;
                http::read(socket, buffer, req, ec);
                if (!ec) http::write(socket, handle(req, socket.remote_endpoint(ec).address().to_string()), ec);
                if (!ec) ++served;
                socket.shutdown(net::ip::tcp::socket::shutdown_both, ec);
            }
            if (max_requests != 0 && served >= max_requests) ioc.stop();
            else accept_next();
        });
    };
    accept_next();
    ioc.run();
    audit.flush();
    std::cout << "served " << served << " requests; trail " << trail.string() << "\n";
}
