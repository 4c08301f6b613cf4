#pragma once
/// @file prediction.hpp
/// Auditing the predictions of classic ML models (classifiers, regressors,
/// rankers): which weights answered, on what features, with what label and
/// confidence. A prediction_scope is an audit_scope that fills the
/// "ml.prediction" record's fields the same way for every model, so reports
/// can count labels per model version without reading any content.
/// @code
/// const aitrail::prediction_model fraud_model{"fraud_detector", "v3.2.1",
///                                             aitrail::artifact_sha256("fraud_detector.onnx")};
/// auto p = audit.predict({.user = "analyst_jane", .model = fraud_model});
/// p.features(tx);
/// p.predicted("legitimate", {.confidence = 0.94, .score = 0.12, .threshold = 0.5});
/// @endcode

#include <aitrail/config.hpp>
#include <aitrail/capture/audit_scope.hpp>
#include <aitrail/capture/record_sink.hpp>
#include <aitrail/detail/hex.hpp>
#include <aitrail/detail/jcs_number.hpp>
#include <aitrail/detail/openssl.hpp>
#include <aitrail/detail/storage/posix.hpp>
#include <aitrail/record/audit_record.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>   // open, O_RDONLY
#include <unistd.h>  // read

#include <cerrno>       // errno, EINTR
#include <cmath>        // isfinite
#include <cstring>      // strerror
#include <filesystem>   // path
#include <functional>   // invoke
#include <memory>       // unique_ptr
#include <optional>     // optional
#include <stdexcept>    // runtime_error
#include <string>       // string
#include <string_view>  // string_view
#include <type_traits>  // is_invocable_v
#include <utility>      // move, forward
#include <vector>       // vector

namespace aitrail {
inline namespace v1 {

/// SHA-256 (lowercase hex) of a model's weights file. Reads in fixed-size
/// blocks, so multi-gigabyte artifacts cost 1 MiB of memory; compute it once
/// at load time, not per prediction. Throws std::runtime_error naming the
/// path and the system's reason when the file cannot be read.
inline std::string artifact_sha256(const std::filesystem::path& weights) {
    const auto fail = [&](const char* what) {
        throw std::runtime_error("aitrail: cannot " + std::string(what) + " model artifact '" + weights.string() +
                                 "': " + std::strerror(errno));
    };
    int fd;
    do fd = ::open(weights.c_str(), O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) fail("open");
    const detail::unique_fd file(fd);
    constexpr std::size_t block = std::size_t{1} << 20;
    const auto buffer = std::make_unique<char[]>(block);
    detail::evp_sha256 sha;
    for (;;) {
        const ::ssize_t n = ::read(file.get(), buffer.get(), block);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("read");
        }
        sha.update({buffer.get(), static_cast<std::size_t>(n)});
    }
    return detail::to_hex(sha.finish());
}

/// Which model predicts: the identity a prediction record carries.
struct prediction_model {
    std::string name;                 ///< e.g. "fraud_detector"
    std::string version;              ///< e.g. "v3.2.1"
    std::string artifact_sha256;      ///< digest of the weights (see artifact_sha256()); empty if unknown
    std::string framework;            ///< e.g. "onnxruntime 1.17", "xgboost 2.0"; empty if unknown
    std::string provider = "local";   ///< who serves it
};

/// What is known when a prediction starts.
struct prediction_options {
    std::string user;                                ///< who asked for the prediction
    prediction_model model;                          ///< which model answers
    std::string action = "predict";                  ///< e.g. "predict", "rank", "predict_batch"
    std::vector<std::string> tags;                   ///< labels
    nlohmann::json meta = nlohmann::json::object();  ///< further metadata (endpoint, client ip...)
};

/// The numbers that come with a prediction. They go to the output body,
/// where floats are fine; only the threshold is also put in meta, as text.
struct prediction_details {
    std::optional<double> confidence;  ///< the model's confidence in the prediction, 0..1
    std::optional<double> score;       ///< the raw score a decision was taken on (e.g. a risk score)
    std::optional<double> threshold;   ///< the decision threshold the score was compared with
};

/// Guards one audited prediction: an audit_scope of kind "ml.prediction"
/// with setters for features and prediction. Same lifetime and exception
/// semantics as audit_scope: a model that throws still leaves a record with
/// status error and latency.
class prediction_scope {
public:
    /// Starts recording a prediction (use auditor::predict()).
    prediction_scope(record_sink& sink, prediction_options o) : scope_(sink, to_scope_options(std::move(o))) {}

    /// The record's id (UUIDv7), for correlation.
    const std::string& id() const noexcept { return scope_.id(); }

    /// Sets the model's input (content "input").
    prediction_scope& features(nlohmann::json input) {
        scope_.input(std::move(input));
        return *this;
    }

    /// Sets the prediction: the output body {prediction, confidence, score,
    /// threshold} and, for a label (string, integer or bool), meta.prediction,
    /// so label distributions can be counted from the records alone.
    prediction_scope& predicted(nlohmann::json prediction, const prediction_details& d = {}) {
        if (prediction.is_string() || prediction.is_number_integer() || prediction.is_boolean())
            scope_.meta("prediction", prediction);
        nlohmann::json out = {{"prediction", std::move(prediction)}};
        if (d.confidence) out["confidence"] = *d.confidence;
        if (d.score) out["score"] = *d.score;
        if (d.threshold) {
            out["threshold"] = *d.threshold;
            // A float in meta would hash differently across languages; the
            // shortest round-trip text names the same double everywhere.
            if (std::isfinite(*d.threshold)) {
                char text[detail::es6_number_buffer_size];
                scope_.meta("threshold", std::string(text, detail::format_es6_number(*d.threshold, text)));
            }
        }
        scope_.output(std::move(out));
        return *this;
    }

    /// Marks a point on the prediction's timeline ("received", "scored"...).
    prediction_scope& mark(std::string name) {
        scope_.mark(std::move(name));
        return *this;
    }
    /// Sets a metadata field.
    prediction_scope& meta(const std::string& key, nlohmann::json value) {
        scope_.meta(key, std::move(value));
        return *this;
    }
    /// Adds a tag.
    prediction_scope& tag(std::string t) {
        scope_.tag(std::move(t));
        return *this;
    }
    /// Records a failure with its exception's dynamic type and message.
    prediction_scope& fail(const std::exception& e) {
        scope_.fail(e);
        return *this;
    }
    /// Records a failure with an explicit type and message.
    prediction_scope& fail(std::string type, std::string message) {
        scope_.fail(std::move(type), std::move(message));
        return *this;
    }
    /// Records that the prediction was refused before reaching the model.
    prediction_scope& block(std::string reason) {
        scope_.block(std::move(reason));
        return *this;
    }

    /// Runs `f` (with this scope if it takes one); records an exception's
    /// type and message, then rethrows. Returns what f returns.
    template <class F>
    decltype(auto) run(F&& f) {
        if constexpr (std::is_invocable_v<F, prediction_scope&>)
            return scope_.run([&]() -> decltype(auto) { return std::invoke(std::forward<F>(f), *this); });
        else return scope_.run(std::forward<F>(f));
    }

    /// The underlying audit_scope, for everything else (content, usage, record()).
    audit_scope& scope() noexcept { return scope_; }

    /// Ends the prediction now; later calls and the destructor do nothing.
    void finish() noexcept { scope_.finish(); }

private:
    static scope_options to_scope_options(prediction_options o) {
        scope_options s{.kind = std::string(kinds::ml_prediction),
                        .action = std::move(o.action),
                        .user = std::move(o.user),
                        .model = {std::move(o.model.name), std::move(o.model.version), std::move(o.model.provider)},
                        .tags = std::move(o.tags),
                        .meta = o.meta.is_object() ? std::move(o.meta) : nlohmann::json::object()};
        if (!o.model.artifact_sha256.empty()) s.meta["artifact_sha256"] = std::move(o.model.artifact_sha256);
        if (!o.model.framework.empty()) s.meta["framework"] = std::move(o.model.framework);
        return s;
    }

    audit_scope scope_;
};

}  // namespace v1
}  // namespace aitrail
