#pragma once
/// @file audit_scope.hpp
/// The RAII guard around one audited call. It starts the clock when created
/// and, when it ends — normally, through finish(), or by an exception
/// unwinding through it — records latency and outcome and hands the record
/// to its auditor. A call is never left unrecorded because it threw.

#include <aitrail/config.hpp>
#include <aitrail/capture/record_sink.hpp>
#include <aitrail/detail/time_format.hpp>
#include <aitrail/detail/uuid.hpp>
#include <aitrail/record/audit_record.hpp>

#include <nlohmann/json.hpp>

#include <chrono>       // steady_clock
#include <cstdlib>      // free
#include <exception>    // uncaught_exceptions, exception
#include <functional>   // invoke
#include <memory>       // unique_ptr
#include <string>       // string
#include <string_view>  // string_view
#include <type_traits>  // is_invocable_v
#include <typeinfo>     // typeid
#include <utility>      // move
#include <vector>       // vector

// The Itanium C++ ABI (GCC, Clang) demangles type names; elsewhere (MSVC)
// type_info::name() is readable already.
#if __has_include(<cxxabi.h>)
#include <cxxabi.h>  // __cxa_demangle
#define AITRAIL_HAS_CXXABI 1
#endif

namespace aitrail {
inline namespace v1 {

/// What is known when a call starts. Designated initializers keep call sites
/// short: `audit.scope({.kind = "ml.prediction", .user = u, .model = {"m", "v1"}})`.
struct scope_options {
    std::string kind{kinds::llm_call};  ///< see aitrail::kinds
    std::string action;                 ///< e.g. "messages.create", "predict"
    std::string user;                   ///< who initiated the call
    model_ref model;                    ///< which model
    std::vector<std::string> tags;      ///< labels
    nlohmann::json meta = nlohmann::json::object();  ///< free-form metadata
};

namespace detail {

/// Readable name of an exception's dynamic type.
inline std::string type_name(const std::type_info& t) {
#ifdef AITRAIL_HAS_CXXABI
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(t.name(), nullptr, nullptr, &status), std::free);
    return status == 0 && name ? std::string(name.get()) : std::string(t.name());
#else
    return std::string(t.name());
#endif
}

}  // namespace detail

/// Guards one audited call. Not copyable or movable: it lives in the scope
/// of the call it records.
class audit_scope {
public:
    /// Starts recording a call (use auditor::scope()).
    audit_scope(record_sink& sink, scope_options o)
        : sink_(&sink), start_(std::chrono::steady_clock::now()), exceptions_(std::uncaught_exceptions()) {
        auto& r = entry_.rec;
        r.ts = detail::now_utc();
        r.id = detail::make_uuid_v7(r.ts);
        r.kind = std::move(o.kind);
        r.action = std::move(o.action);
        r.user = std::move(o.user);
        r.model = std::move(o.model);
        r.tags = std::move(o.tags);
        r.meta = o.meta.is_object() ? std::move(o.meta) : nlohmann::json::object();
    }
    audit_scope(const audit_scope&) = delete;
    audit_scope& operator=(const audit_scope&) = delete;

    /// Records the call if finish() was not called. If an exception is
    /// unwinding through the scope and no outcome was set, the record gets
    /// status error (the exception's type is not observable here; use run()
    /// or fail() to record it).
    ~audit_scope() {
        if (!sink_) return;
        if (std::uncaught_exceptions() > exceptions_ && !status_set_) {
            entry_.rec.status = record_status::error;
            entry_.rec.error = error_info{"exception",
                                          "an exception propagated through the audited call (use scope.run() or "
                                          "scope.fail() to record its type and message)"};
        }
        finish();
    }

    /// The record's id (UUIDv7): return it to callers for correlation.
    const std::string& id() const noexcept { return entry_.rec.id; }

    /// Sets the input body (request, prompt, features); moved, not copied.
    audit_scope& input(nlohmann::json body) { return body_(content_keys::input, std::move(body)); }
    /// Sets the output body (response, prediction).
    audit_scope& output(nlohmann::json body) { return body_(content_keys::output, std::move(body)); }
    /// Sets the system prompt.
    audit_scope& system(nlohmann::json body) { return body_(content_keys::system, std::move(body)); }
    /// Sets another content body under `key`.
    audit_scope& content(std::string key, nlohmann::json body) { return body_(key, std::move(body)); }

    /// Sets the token counts.
    audit_scope& usage(const token_usage& u) {
        entry_.rec.usage = u;
        return *this;
    }
    /// Adds a tag.
    audit_scope& tag(std::string t) {
        entry_.rec.tags.push_back(std::move(t));
        return *this;
    }
    /// Sets a metadata field.
    audit_scope& meta(const std::string& key, nlohmann::json value) {
        entry_.rec.meta[key] = std::move(value);
        return *this;
    }
    /// Marks a point on the call's timeline ("authorized", "first_token"...).
    audit_scope& mark(std::string name) {
        entry_.rec.events.push_back({std::move(name), elapsed_us()});
        return *this;
    }
    /// Sets the model's stop / finish reason.
    audit_scope& stop_reason(std::string reason) {
        entry_.rec.stop_reason = std::move(reason);
        return *this;
    }
    /// Sets the model (when it is known only after the call, e.g. a router).
    audit_scope& model(model_ref m) {
        entry_.rec.model = std::move(m);
        return *this;
    }
    /// Sets the cost.
    audit_scope& cost(cost_info c) {
        entry_.rec.cost = std::move(c);
        return *this;
    }
    /// Sets the outcome explicitly (it then survives an exception unwinding).
    audit_scope& status(record_status s) {
        entry_.rec.status = s;
        status_set_ = true;
        return *this;
    }
    /// Records that the call was refused before reaching the model.
    audit_scope& block(std::string reason) {
        status(record_status::blocked);
        entry_.rec.error = error_info{"blocked", std::move(reason)};
        return *this;
    }
    /// Records a failure with its exception's dynamic type and message.
    audit_scope& fail(const std::exception& e) { return fail(detail::type_name(typeid(e)), e.what()); }
    /// Records a failure with an explicit type and message.
    audit_scope& fail(std::string type, std::string message) {
        status(record_status::error);
        entry_.rec.error = error_info{std::move(type), std::move(message)};
        return *this;
    }

    /// Runs `f` (with this scope if it takes one); if it throws, records the
    /// exception's type and message, then rethrows. Returns what f returns.
    template <class F>
    decltype(auto) run(F&& f) {
        try {
            if constexpr (std::is_invocable_v<F, audit_scope&>) return std::invoke(std::forward<F>(f), *this);
            else return std::invoke(std::forward<F>(f));
        } catch (const std::exception& e) {
            fail(e);
            throw;
        } catch (...) {
            fail("unknown", "a non-standard exception was thrown");
            throw;
        }
    }

    /// The record so far, for fields without a setter.
    audit_record& record() noexcept { return entry_.rec; }

    /// Ends the call now: stamps latency and hands the record over. Later
    /// calls, and the destructor, do nothing.
    void finish() noexcept {
        if (!sink_) return;
        entry_.rec.latency_us = elapsed_us();
        std::exchange(sink_, nullptr)->submit(std::move(entry_));
    }

private:
    audit_scope& body_(std::string_view key, nlohmann::json body) {
        entry_.content[std::string(key)] = std::move(body);
        return *this;
    }
    std::int64_t elapsed_us() const noexcept {
        return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start_).count();
    }

    record_sink* sink_;
    std::chrono::steady_clock::time_point start_;
    int exceptions_;
    bool status_set_ = false;
    pending_entry entry_;
};

}  // namespace v1
}  // namespace aitrail
