#include <aitrail/capture/prediction.hpp>

#include <doctest/doctest.h>

#include "support/stored_entries.hpp"
#include "support/temp_dir.hpp"

#include <aitrail/capture/auditor.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/memory_storage.hpp>

#include <chrono>     // milliseconds
#include <cstdint>    // int64_t
#include <fstream>    // ofstream
#include <stdexcept>  // runtime_error, invalid_argument
#include <string>     // string
#include <thread>     // sleep_for

namespace prediction_tests {

namespace {

using aitrail::memory_storage;
using json = nlohmann::json;
using audit_t = aitrail::auditor<aitrail::synchronous_policy>;

using aitrail_test::last_entry;

aitrail::writer_options strict_options() {
    aitrail::writer_options o;
    o.on_error = [](const std::string& message) { FAIL_CHECK("unexpected writer error: ", message); };
    return o;
}

/// True if `j` holds a floating-point number anywhere.
bool has_float(const json& j) {
    if (j.is_number_float()) return true;
    if (j.is_structured())
        for (const auto& v : j) if (has_float(v)) return true;
    return false;
}

const std::string digest_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

const aitrail::prediction_model fraud_model{"fraud_detector", "v3.2.1", digest_abc, "toy-logistic 1.0"};

}  // namespace

TEST_SUITE_BEGIN("prediction");

TEST_CASE("prediction: the record of a seed 003 prediction") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    std::string id;
    {
        auto p = audit.predict({.user = "analyst_jane", .model = fraud_model, .meta = {{"endpoint", "/predict"}}});
        id = p.id();
        p.features({{"transaction_amount", 1250.00}, {"merchant_category", "electronics"}});
        p.predicted("legitimate", {.confidence = 0.94, .score = 0.12, .threshold = 0.5});
    }
    const json e = last_entry(storage);
    const json& rec = e["rec"];
    CHECK(rec["id"] == id);
    CHECK(rec["kind"] == "ml.prediction");
    CHECK(rec["action"] == "predict");
    CHECK(rec["user"] == "analyst_jane");
    CHECK(rec["model"] == json{{"name", "fraud_detector"}, {"version", "v3.2.1"}, {"provider", "local"}});
    CHECK(rec["status"] == "ok");
    CHECK(rec["latency_us"].get<std::int64_t>() >= 0);
    CHECK(rec["meta"] == json{{"endpoint", "/predict"},
                              {"artifact_sha256", digest_abc},
                              {"framework", "toy-logistic 1.0"},
                              {"prediction", "legitimate"},
                              {"threshold", "0.5"}});
    CHECK(e["content"]["input"] == json{{"transaction_amount", 1250.0}, {"merchant_category", "electronics"}});
    CHECK(e["content"]["output"] ==
          json{{"prediction", "legitimate"}, {"confidence", 0.94}, {"score", 0.12}, {"threshold", 0.5}});
    CHECK(rec["digests"].contains("input"));
    CHECK(rec["digests"].contains("output"));
    CHECK(aitrail::verify(storage).ok());
}

TEST_CASE("prediction: floats stay in content, never in rec") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto p = audit.predict({.model = {"price_model", "2"}});
        p.features({{"sqm", 72.5}});
        p.predicted(312000.75, {.confidence = 0.7, .score = 0.333, .threshold = 0.1});
    }
    const json e = last_entry(storage);
    CHECK_FALSE(has_float(e["rec"]));
    CHECK(has_float(e["content"]));
    // A regressor's value is no label: it is not counted in meta.
    CHECK_FALSE(e["rec"]["meta"].contains("prediction"));
    CHECK(e["rec"]["meta"]["threshold"] == "0.1");
    CHECK(e["content"]["output"]["prediction"] == 312000.75);
}

TEST_CASE("prediction: integer and bool labels go to meta, structured ones do not") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    { audit.predict({.model = {"digits", "1"}}).predicted(7); }
    CHECK(last_entry(storage)["rec"]["meta"]["prediction"] == 7);
    { audit.predict({.model = {"spam", "1"}}).predicted(true); }
    CHECK(last_entry(storage)["rec"]["meta"]["prediction"] == true);
    { audit.predict({.model = {"ranker", "1"}}).predicted(json::array({"doc3", "doc1"})); }
    const json e = last_entry(storage);
    CHECK_FALSE(e["rec"].contains("meta"));
    CHECK(e["content"]["output"] == json{{"prediction", {"doc3", "doc1"}}});
}

TEST_CASE("prediction: action, provider and tags can be given") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto p = audit.predict({.user = "batch-job",
                                .model = {.name = "churn", .version = "v9", .provider = "sagemaker"},
                                .action = "predict_batch",
                                .tags = {"nightly"}});
        p.tag("eu").meta("rows", 2);
    }
    const json rec = last_entry(storage)["rec"];
    CHECK(rec["action"] == "predict_batch");
    CHECK(rec["model"] == json{{"name", "churn"}, {"version", "v9"}, {"provider", "sagemaker"}});
    CHECK(rec["tags"] == json::array({"nightly", "eu"}));
    CHECK(rec["meta"] == json{{"rows", 2}});
    CHECK_FALSE(last_entry(storage).contains("content"));
}

TEST_CASE("prediction: a model that throws leaves an error record with latency") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    SUBCASE("through run()") {
        {
            auto p = audit.predict({.model = fraud_model});
            p.features({{"amount", -1}});
            CHECK_THROWS_AS(p.run([] { return std::stod("not a number"); }), std::invalid_argument);
        }
        const json rec = last_entry(storage)["rec"];
        CHECK(rec["status"] == "error");
        CHECK(rec["error"]["type"] == "std::invalid_argument");
        CHECK(rec["latency_us"].get<std::int64_t>() >= 0);
        CHECK(last_entry(storage)["content"]["input"] == json{{"amount", -1}});
    }
    SUBCASE("unwinding without run()") {
        try {
            auto p = audit.predict({.model = fraud_model});
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            throw std::runtime_error("weights not loaded");
        } catch (const std::runtime_error&) {
        }
        const json rec = last_entry(storage)["rec"];
        CHECK(rec["status"] == "error");
        CHECK(rec["error"]["type"] == "exception");
        CHECK(rec["latency_us"].get<std::int64_t>() >= 2000);
        CHECK(rec["meta"]["artifact_sha256"] == digest_abc);
    }
    SUBCASE("fail() keeps the type") {
        {
            auto p = audit.predict({.model = fraud_model});
            p.fail(std::invalid_argument("amount missing"));
        }
        CHECK(last_entry(storage)["rec"]["error"] ==
              json{{"type", "std::invalid_argument"}, {"message", "amount missing"}});
    }
}

TEST_CASE("prediction: run() passes the scope and returns the result") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto p = audit.predict({.model = fraud_model});
        const double risk = p.run([](aitrail::prediction_scope& s) {
            s.mark("inside");
            return 0.25;
        });
        CHECK(risk == 0.25);
        CHECK(p.run([] { return 3; }) == 3);
    }
    const json rec = last_entry(storage)["rec"];
    CHECK(rec["status"] == "ok");
    CHECK(rec["events"][0]["name"] == "inside");
}

TEST_CASE("prediction: timeline marks") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto p = audit.predict({.model = fraud_model});
        p.mark("received");
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        p.mark("validated").mark("scored");
    }
    const json rec = last_entry(storage)["rec"];
    const json& events = rec["events"];
    REQUIRE(events.size() == 3);
    CHECK(events[0]["name"] == "received");
    CHECK(events[1]["name"] == "validated");
    CHECK(events[2]["name"] == "scored");
    CHECK(events[1]["t_us"].get<std::int64_t>() >= events[0]["t_us"].get<std::int64_t>() + 2000);
    CHECK(rec["latency_us"].get<std::int64_t>() >= events[2]["t_us"].get<std::int64_t>());
}

TEST_CASE("prediction: finish() early writes once") {
    memory_storage storage;
    audit_t audit{storage, strict_options()};
    {
        auto p = audit.predict({.model = fraud_model});
        p.finish();
        p.finish();
        CHECK(storage.lines().size() == 2);
    }
    CHECK(storage.lines().size() == 2);
}

TEST_CASE("prediction: artifact_sha256 of a file") {
    aitrail_test::temp_dir dir("predict");
    const auto write = [&](const std::string& name, const std::string& bytes) {
        std::ofstream(dir.path() / name, std::ios::binary) << bytes;
        return dir.path() / name;
    };
    CHECK(aitrail::artifact_sha256(write("abc.bin", "abc")) == digest_abc);
    CHECK(aitrail::artifact_sha256(write("empty.bin", "")) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // Larger than one read block: the blocks must chain into one digest.
    const std::string big((std::size_t{1} << 20) * 2 + 7, 'a');
    CHECK(aitrail::artifact_sha256(write("big.bin", big)) ==
          aitrail::detail::to_hex(aitrail::detail::sha256_of({big})));
}

TEST_CASE("prediction: artifact_sha256 of a missing file names it and the reason") {
    aitrail_test::temp_dir dir("predict");
    const auto missing = dir.path() / "no-such-model.onnx";
    CHECK_THROWS_AS(aitrail::artifact_sha256(missing), std::runtime_error);
    try {
        (void)aitrail::artifact_sha256(missing);
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        CHECK(what.find(missing.string()) != std::string::npos);
        CHECK(what.find("No such file or directory") != std::string::npos);
    }
    // A directory opens but cannot be read.
    CHECK_THROWS_WITH_AS(aitrail::artifact_sha256(dir.path()), doctest::Contains("Is a directory"), std::runtime_error);
}

TEST_SUITE_END();

}  // namespace prediction_tests
