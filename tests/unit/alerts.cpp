// Alert rules: each rule fires at the record that crosses its limit, once,
// clears and re-arms, forgets what leaves its window, and runs inside both
// writers without a thread of its own or a way to break them.
#include <aitrail/pipeline/alerts.hpp>

#include <doctest/doctest.h>

#include <aitrail/capture/auditor.hpp>
#include <aitrail/read/verify.hpp>
#include <aitrail/storage/memory_storage.hpp>
#include <support/error_log.hpp>

#include <chrono>     // seconds, minutes, hours, days
#include <cstdint>    // int64_t
#include <mutex>      // mutex, lock_guard
#include <stdexcept>  // runtime_error, invalid_argument
#include <string>     // string
#include <thread>     // this_thread::get_id
#include <vector>     // vector

namespace alerts_tests {

namespace {

using namespace std::chrono_literals;
using aitrail::alert;
using aitrail::audit_record;

// A fixed origin, so every time in these tests is exact.
const aitrail::timestamp t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 22}};

audit_record call(const std::string& id, aitrail::timestamp ts, bool failed = false) {
    audit_record r;
    r.id = id;
    r.ts = ts;
    r.kind = "llm.call";
    r.model = {"claude-sonnet-4-5", "", "anthropic"};
    if (failed) {
        r.status = aitrail::record_status::error;
        r.error = aitrail::error_info{"overloaded_error", "529"};
    }
    return r;
}

audit_record timed(const std::string& id, aitrail::timestamp ts, std::int64_t latency_us) {
    auto r = call(id, ts);
    r.latency_us = latency_us;
    return r;
}

audit_record priced(const std::string& id, aitrail::timestamp ts, std::int64_t nanos) {
    auto r = call(id, ts);
    r.cost = aitrail::cost_info{nanos, "test-prices"};
    return r;
}

audit_record tokens(const std::string& id, aitrail::timestamp ts, std::int64_t input) {
    auto r = call(id, ts);
    r.usage.input = input;
    return r;
}

/// Feeds records to an evaluator and keeps every alert it raises.
struct recorder {
    aitrail::alert_evaluator rules;
    std::vector<alert> alerts;

    explicit recorder(const aitrail::alert_rules& r) : rules(r) {}
    /// Feeds `rec`; returns how many alerts it raised.
    std::size_t feed(const audit_record& rec) {
        const auto before = alerts.size();
        rules.observe(rec, [&](const alert& a) { alerts.push_back(a); });
        return alerts.size() - before;
    }
};

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_SUITE_BEGIN("alerts");

TEST_CASE("alerts: error_rate fires once, at the record that crosses the limit") {
    recorder r({aitrail::error_rate_rule{.window = 60s, .max_per_mille = 100, .min_calls = 10}});
    for (int i = 0; i < 9; ++i) CHECK(r.feed(call("ok" + std::to_string(i), t0 + std::chrono::seconds(i))) == 0);
    CHECK(r.feed(call("e1", t0 + 9s, true)) == 0);   // 1 of 10 = 100 per mille: at the limit, not above
    CHECK(r.feed(call("e2", t0 + 10s, true)) == 1);  // 2 of 11 = 181.8 per mille
    CHECK(r.feed(call("e3", t0 + 11s, true)) == 0);  // still firing: no storm
    CHECK(r.feed(call("e4", t0 + 12s, true)) == 0);
    REQUIRE(r.alerts.size() == 1);
    const alert& a = r.alerts.at(0);
    CHECK(a.rule == "error_rate");
    CHECK(a.record_id == "e2");
    CHECK(a.at == t0 + 10s);
    CHECK_FALSE(a.resolved);
    CHECK(a.value == 182);  // rounded up, so value > threshold exactly when firing
    CHECK(a.threshold == 100);
    CHECK(a.unit == "per_mille");
    CHECK(a.samples == 11);
    CHECK(a.message == "error rate 182 per mille (2 of 11 calls in the last 1 min), above 100 per mille");
    CHECK(r.rules.firing() == std::vector<std::string>{"error_rate"});
}

TEST_CASE("alerts: error_rate stays quiet below min_calls") {
    recorder r({aitrail::error_rate_rule{.name = "errors", .window = 60s, .max_per_mille = 100, .min_calls = 10}});
    for (int i = 0; i < 9; ++i) CHECK(r.feed(call("e" + std::to_string(i), t0 + 1s, true)) == 0);
    CHECK(r.alerts.empty());  // 9 of 9 failed, but 9 calls are too few to judge
    CHECK(r.feed(call("tenth", t0 + 2s)) == 1);
    REQUIRE(r.alerts.size() == 1);
    CHECK(r.alerts.at(0).rule == "errors");
    CHECK(r.alerts.at(0).record_id == "tenth");
    CHECK(r.alerts.at(0).value == 900);
}

TEST_CASE("alerts: error_rate clears and re-arms") {
    recorder r({aitrail::error_rate_rule{.window = 60s, .max_per_mille = 250, .min_calls = 4}});
    r.feed(call("a", t0));
    r.feed(call("b", t0, true));
    r.feed(call("c", t0));
    CHECK(r.feed(call("d", t0, true)) == 1);  // 2 of 4 = 500
    CHECK(r.feed(call("e", t0)) == 0);        // 2 of 5 = 400
    CHECK(r.feed(call("f", t0)) == 0);        // 2 of 6 = 333.3
    CHECK(r.feed(call("g", t0)) == 0);        // 2 of 7 = 285.7
    CHECK(r.feed(call("h", t0)) == 1);        // 2 of 8 = 250: at the limit, clear
    REQUIRE(r.alerts.size() == 2);
    CHECK(r.alerts.at(1).resolved);
    CHECK(r.alerts.at(1).record_id == "h");
    CHECK(r.alerts.at(1).value == 250);
    CHECK(contains(r.alerts.at(1).message, "error rate back to 250 per mille (2 of 8 calls"));
    CHECK(r.rules.firing().empty());
    CHECK(r.feed(call("i", t0, true)) == 1);  // 3 of 9 = 333.3: fires again
    CHECK_FALSE(r.alerts.at(2).resolved);
    CHECK(r.alerts.at(2).record_id == "i");
}

TEST_CASE("alerts: errors leave the window when it moves past them") {
    recorder r({aitrail::error_rate_rule{.window = 60s, .max_per_mille = 100, .min_calls = 10}});
    for (int i = 0; i < 10; ++i) r.feed(call("e" + std::to_string(i), t0, true));
    REQUIRE(r.alerts.size() == 1);
    CHECK(r.alerts.at(0).record_id == "e9");
    for (int i = 0; i < 10; ++i) r.feed(call("ok" + std::to_string(i), t0 + 30s));
    CHECK(r.feed(call("late", t0 + 59s)) == 0);   // the errors at t0 are 59 s old: still counted
    CHECK(r.feed(call("edge", t0 + 60s)) == 1);   // 60 s old: gone; 12 calls, 0 errors
    CHECK(r.alerts.at(1).resolved);
    CHECK(r.alerts.at(1).record_id == "edge");
    CHECK(r.alerts.at(1).samples == 12);
    CHECK(r.alerts.at(1).value == 0);
    // A record older than the window (written late) changes nothing.
    for (int i = 0; i < 5; ++i) CHECK(r.feed(call("stale" + std::to_string(i), t0, true)) == 0);
    CHECK(r.rules.firing().empty());
    // A jump of more than a window forgets everything at once.
    for (int i = 0; i < 9; ++i) CHECK(r.feed(call("next" + std::to_string(i), t0 + 1h, true)) == 0);
}

TEST_CASE("alerts: kind and model filters, and the writer's own records, are not counted") {
    recorder r({aitrail::error_rate_rule{.window = 60s, .max_per_mille = 0, .min_calls = 1, .kind = "llm.call",
                                         .model = "claude-sonnet-4-5"}});
    auto other_model = call("other-model", t0, true);
    other_model.model.name = "gpt-5";
    auto other_kind = call("other-kind", t0, true);
    other_kind.kind = "ml.prediction";
    auto trail = call("trail", t0, true);
    trail.kind = "trail.gap";
    CHECK(r.feed(other_model) == 0);
    CHECK(r.feed(other_kind) == 0);
    CHECK(r.feed(trail) == 0);
    CHECK(r.feed(call("ok", t0)) == 0);
    CHECK(r.feed(call("mine", t0, true)) == 1);
    CHECK(r.alerts.at(0).samples == 2);
}

TEST_CASE("alerts: latency_p95 fires when more than 5% of the window is slower than the limit") {
    recorder r({aitrail::latency_p95_rule{.window = 60s, .max_p95 = 100ms, .min_calls = 20}});
    for (int i = 0; i < 19; ++i) r.feed(timed("fast" + std::to_string(i), t0 + 1s, 10'000));
    CHECK(r.feed(timed("slow1", t0 + 2s, 500'000)) == 0);  // 1 of 20: the 19th of 20 sorted is fast
    CHECK(r.feed(timed("slow2", t0 + 3s, 500'000)) == 1);  // 2 of 21: the 20th of 21 sorted is slow
    REQUIRE(r.alerts.size() == 1);
    const alert& a = r.alerts.at(0);
    CHECK(a.record_id == "slow2");
    CHECK(a.unit == "us");
    CHECK(a.threshold == 100'000);
    CHECK(a.samples == 21);
    CHECK(a.value >= 500'000);  // the histogram errs upwards, by less than 1/8
    CHECK(a.value < 562'500);
    CHECK(contains(a.message, "2 of 21 calls slower than 100 ms in the last 1 min"));
    // 40 calls with 2 slow: the 38th of 40 sorted is fast again.
    int cleared_at = 0;
    for (int i = 22; i <= 45 && cleared_at == 0; ++i)
        if (r.feed(timed("f" + std::to_string(i), t0 + 4s, 10'000)) == 1) cleared_at = i;
    CHECK(cleared_at == 40);
    REQUIRE(r.alerts.size() == 2);
    CHECK(r.alerts.at(1).resolved);
    CHECK(r.alerts.at(1).value >= 10'000);
    CHECK(r.alerts.at(1).value < 11'250);
    // Calls without a latency are not samples.
    CHECK(r.feed(call("no-latency", t0 + 5s)) == 0);
}

TEST_CASE("alerts: latency_p95 stays quiet below min_calls") {
    recorder r({aitrail::latency_p95_rule{.window = 60s, .max_p95 = 100ms, .min_calls = 20}});
    for (int i = 0; i < 19; ++i) CHECK(r.feed(timed("slow" + std::to_string(i), t0, 5'000'000)) == 0);
    CHECK(r.feed(timed("twentieth", t0, 5'000'000)) == 1);
    CHECK(r.alerts.at(0).value >= 5'000'000);
    CHECK(r.alerts.at(0).value < 5'625'000);
}

TEST_CASE("alerts: the latency histogram's reading errs upwards by less than 1/8") {
    using h = aitrail::detail::latency_histogram;
    for (std::int64_t v : {0LL, 1LL, 7LL, 8LL, 15LL, 16LL, 17LL, 999LL, 1000LL, 123'456LL, 10'000'000LL,
                           (1LL << 39) + 12345}) {
        const auto edge = h::upper_edge(h::bucket_of(v));
        CHECK(edge >= v);
        CHECK((edge - v) * 8 < (v < 8 ? 1 : v));
    }
    CHECK(h::bucket_of(1LL << 50) == h::buckets - 1);
}

TEST_CASE("alerts: spend_per_hour fires over the rolling hour and clears as it rolls") {
    recorder r({aitrail::spend_per_hour_rule{.max_nanos_usd = 1'000'000'000}});  // $1
    CHECK(r.feed(priced("a", t0, 400'000'000)) == 0);
    CHECK(r.feed(priced("b", t0 + 10min, 400'000'000)) == 0);
    CHECK(r.feed(call("unpriced", t0 + 15min)) == 0);       // unknown cost adds nothing
    CHECK(r.feed(priced("c", t0 + 20min, 200'000'000)) == 0);  // exactly $1: not above
    CHECK(r.feed(priced("d", t0 + 30min, 1)) == 1);
    REQUIRE(r.alerts.size() == 1);
    CHECK(r.alerts.at(0).record_id == "d");
    CHECK(r.alerts.at(0).value == 1'000'000'001);
    CHECK(r.alerts.at(0).unit == "nanos_usd");
    CHECK(r.alerts.at(0).samples == 4);
    CHECK(r.alerts.at(0).message == "spend $1.000000001 in the last hour (4 priced calls), above $1.00");
    CHECK(r.feed(priced("e", t0 + 59min, 0)) == 0);  // a's minute is still in the hour
    CHECK(r.feed(priced("f", t0 + 60min, 0)) == 1);  // a's $0.40 has left it
    CHECK(r.alerts.at(1).resolved);
    CHECK(r.alerts.at(1).value == 600'000'001);
    CHECK(r.alerts.at(1).message == "spend back to $0.600000001 in the last hour (5 priced calls), at or below $1.00");
}

TEST_CASE("alerts: token_anomaly tests each call against mean + k sigma of the calls before it") {
    const aitrail::alert_rules rules{aitrail::token_anomaly_rule{.sigmas = 3, .min_samples = 100}};
    // 100 calls of 90 and 110 tokens: mean 100, sample sigma sqrt(10000/99) = 10.05,
    // so the limit is 130.15 tokens.
    const auto baseline = [](recorder& r) {
        for (int i = 0; i < 100; ++i)
            CHECK(r.feed(tokens("base" + std::to_string(i), t0 + std::chrono::minutes(i), i % 2 ? 90 : 110)) == 0);
    };
    recorder at_limit(rules);
    baseline(at_limit);
    CHECK(at_limit.feed(tokens("130", t0 + 2h, 130)) == 0);

    recorder above(rules);
    baseline(above);
    CHECK(above.feed(tokens("131", t0 + 2h, 131)) == 1);
    REQUIRE(above.alerts.size() == 1);
    const alert& a = above.alerts.at(0);
    CHECK(a.rule == "token_anomaly");
    CHECK(a.record_id == "131");
    CHECK(a.value == 131);
    CHECK(a.threshold == 130);
    CHECK(a.samples == 100);
    CHECK(a.unit == "tokens");
    CHECK(a.message == "input tokens 131 above mean 100 + 3 sigma (sigma 10) = 130 of 100 calls in the last 168 h");
    // The sample sigma (n - 1), as SQL's STDDEV: at 20 sigma the limit is
    // 301.005 tokens, where the population sigma (10) would give 300.
    const aitrail::alert_rules wide{aitrail::token_anomaly_rule{.sigmas = 20, .min_samples = 100}};
    recorder wide_at_limit(wide);
    baseline(wide_at_limit);
    CHECK(wide_at_limit.feed(tokens("301", t0 + 2h, 301)) == 0);
    recorder wide_above(wide);
    baseline(wide_above);
    CHECK(wide_above.feed(tokens("302", t0 + 2h, 302)) == 1);
    CHECK(wide_above.alerts.at(0).threshold == 301);
    // Still anomalous: no second alert; a normal call clears; the next anomaly fires again.
    CHECK(above.feed(tokens("huge", t0 + 2h, 5000)) == 0);
    CHECK(above.feed(tokens("small", t0 + 2h, 0)) == 1);
    CHECK(above.alerts.at(1).resolved);
    CHECK(above.feed(tokens("huge2", t0 + 2h, 50'000)) == 1);
    CHECK_FALSE(above.alerts.at(2).resolved);
}

TEST_CASE("alerts: token_anomaly needs min_samples within the trailing window") {
    recorder r({aitrail::token_anomaly_rule{.sigmas = 3, .trailing = std::chrono::days{7}, .min_samples = 100}});
    for (int i = 0; i < 99; ++i) {
        // Appended, not `"b" + std::to_string(i)`: GCC 12 at -O3 inlines that
        // operator+ (an insert at the front) into a memcpy whose bound it
        // cannot prove and warns, a false positive of its -Wstringop-overflow.
        std::string id = "b";
        id += std::to_string(i);
        r.feed(tokens(id, t0, 100 + i % 3));
    }
    CHECK(r.feed(tokens("too-early", t0, 100'000)) == 0);  // 99 calls before it
    CHECK(r.feed(tokens("now-anomalous", t0 + 1h, 100'000)) == 1);  // 100 before it (incl. too-early)
    r.feed(tokens("normal", t0 + 2h, 101));
    REQUIRE(r.alerts.size() == 2);
    CHECK(r.alerts.at(1).resolved);
    // 8 days later the baseline has expired: nothing to compare with.
    CHECK(r.feed(tokens("after-a-week", t0 + std::chrono::days{8}, 1'000'000)) == 0);
    auto no_usage = call("no-usage", t0 + std::chrono::days{8});
    CHECK(r.feed(no_usage) == 0);
}

TEST_CASE("alerts: rules that cannot work are refused when the writer is built") {
    CHECK_THROWS_AS(aitrail::alert_evaluator({aitrail::error_rate_rule{.window = 0s}}), std::invalid_argument);
    CHECK_THROWS_AS(aitrail::alert_evaluator({aitrail::latency_p95_rule{.max_p95 = -1ms}}), std::invalid_argument);
    CHECK_THROWS_AS(aitrail::alert_evaluator({aitrail::spend_per_hour_rule{.max_nanos_usd = -1}}),
                    std::invalid_argument);
    CHECK_THROWS_AS(aitrail::alert_evaluator({aitrail::token_anomaly_rule{.trailing = 0h}}), std::invalid_argument);
    CHECK_THROWS_WITH(aitrail::alert_evaluator({aitrail::token_anomaly_rule{.sigmas = -1}}),
                      "aitrail: token_anomaly_rule: sigmas must be a finite number >= 0");
    CHECK(aitrail::alert_evaluator{}.empty());
    // Through an auditor: refused before the trail is opened.
    aitrail::memory_storage storage;
    const auto build = [&] {
        aitrail::auditor<aitrail::synchronous_policy> audit{storage,
                                                            {.alerts = {aitrail::error_rate_rule{.window = 0s}}}};
    };
    CHECK_THROWS_WITH_AS(build(), "aitrail: error_rate_rule: window must be positive", std::invalid_argument);
    CHECK(storage.lines().empty());
}

TEST_CASE("alerts: an on_alert that throws is reported and the writer carries on") {
    aitrail::memory_storage storage;
    aitrail_test::error_log errors;
    int calls = 0;
    {
        aitrail::auditor<aitrail::synchronous_policy> audit{
            storage, {.on_error = errors.handler(),
                      .alerts = {aitrail::error_rate_rule{.window = 60s, .max_per_mille = 0, .min_calls = 1},
                                 aitrail::spend_per_hour_rule{.max_nanos_usd = 0}},
                      .on_alert = [&](const alert& a) {
                          ++calls;
                          throw std::runtime_error("pager unreachable: " + a.rule);
                      }}};
        auto failing = call("x", aitrail::detail::now_utc(), true);
        failing.cost = aitrail::cost_info{5, "test-prices"};
        audit.record({failing});
        audit.record({call("y", aitrail::detail::now_utc())});
        CHECK(audit.flush());
        CHECK(audit.metrics().written == 3);
        CHECK(audit.metrics().dropped == 0);
    }
    CHECK(calls == 2);  // both rules fired on "x", each reported on its own
    CHECK(errors.count_containing("on_alert threw for rule error_rate (record x): pager unreachable: error_rate") == 1);
    CHECK(errors.count_containing("on_alert threw for rule spend_per_hour (record x)") == 1);
    CHECK(errors.messages().size() == 2);
    CHECK(storage.lines().size() == 3);
    CHECK(aitrail::verify(storage).ok());
}

namespace {

/// Alerts received from whichever thread, with the thread that delivered them.
struct alert_log {
    std::mutex mutex;
    std::vector<alert> alerts;
    std::vector<std::thread::id> threads;
};

/// 20 calls through scopes; every 4th fails. With min_calls 10 and a 100 per
/// mille limit the rule fires at the 10th call (2 of 10 failed). Returns the
/// ids of the calls in order.
template <class Policy>
std::vector<std::string> audit_burst(aitrail::auditor<Policy>& audit) {
    std::vector<std::string> ids;
    for (int i = 0; i < 20; ++i) {
        auto scope = audit.scope({.action = "messages.create", .user = "alerts-test",
                                  .model = {"claude-sonnet-4-5", "", "anthropic"}});
        scope.usage({.input = 100, .output = 10});
        if (i % 4 == 3) scope.fail("overloaded_error", "529 overloaded");
        ids.push_back(scope.id());
    }
    return ids;
}

template <class Policy>
void check_end_to_end(bool on_callers_thread) {
    aitrail::memory_storage storage;
    aitrail_test::error_log errors;
    alert_log log;
    std::vector<std::string> ids;
    {
        aitrail::auditor<Policy> audit{
            storage, {.on_error = errors.handler(),
                      .alerts = {aitrail::error_rate_rule{.window = 1h, .max_per_mille = 100, .min_calls = 10}},
                      .on_alert = [&](const alert& a) {
                          std::lock_guard lock(log.mutex);
                          log.alerts.push_back(a);
                          log.threads.push_back(std::this_thread::get_id());
                      }}};
        ids = audit_burst(audit);
        REQUIRE(audit.flush());  // alerts are delivered before their record's batch is stored
        CHECK(audit.metrics().written == 21);
        // Copied out rather than checked under log.mutex: the synchronous
        // writer calls on_alert holding its own lock, so holding log.mutex
        // while calling into the auditor would invert the lock order.
        std::vector<alert> alerts;
        std::vector<std::thread::id> threads;
        {
            std::lock_guard lock(log.mutex);
            alerts = log.alerts;
            threads = log.threads;
        }
        REQUIRE(alerts.size() == 1);
        CHECK(alerts.at(0).record_id == ids[9]);
        CHECK(alerts.at(0).samples == 10);
        CHECK(alerts.at(0).value == 200);
        CHECK((threads.at(0) == std::this_thread::get_id()) == on_callers_thread);
    }
    CHECK(errors.messages().empty());
    const auto lines = storage.lines();
    CHECK(lines.size() == 21);  // trail.open + every call
    CHECK(aitrail::verify(storage).ok());
}

}  // namespace

TEST_CASE("alerts: the synchronous auditor runs the rules inside the write") {
    check_end_to_end<aitrail::synchronous_policy>(true);
}

TEST_CASE("alerts: the asynchronous auditor runs the rules on its writer thread") {
    check_end_to_end<aitrail::default_policy>(false);
}

TEST_CASE("alerts: rules see records after pricing") {
    aitrail::memory_storage storage;
    std::vector<alert> seen;
    {
        // Builtin prices: 1M input tokens of claude-sonnet-4-5 cost $3.
        aitrail::auditor<aitrail::synchronous_policy> audit{
            storage, {.alerts = {aitrail::spend_per_hour_rule{.max_nanos_usd = 2'000'000'000}},
                      .on_alert = [&](const alert& a) { seen.push_back(a); }}};
        auto scope = audit.scope({.model = {"claude-sonnet-4-5", "", "anthropic"}});
        scope.usage({.input = 1'000'000, .output = 0});
    }
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].value == 3'000'000'000);
    CHECK(seen[0].message == "spend $3.00 in the last hour (1 priced call), above $2.00");
}

TEST_SUITE_END();

}  // namespace alerts_tests
