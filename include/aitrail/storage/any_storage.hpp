#pragma once
/// @file any_storage.hpp
/// Holds any storage behind one virtual call per batch, so the auditor's
/// type names only the policy (`auditor<my_policy>`) while the storage is
/// chosen at run time. The requirements are checked where the user's type
/// enters, with one message per missing member.

#include <aitrail/config.hpp>
#include <aitrail/storage/concepts.hpp>

#include <memory>   // unique_ptr
#include <span>     // span
#include <utility>  // move

namespace aitrail {
inline namespace v1 {

/// A type-erased storage.
class any_storage {
public:
    /// Takes ownership of `s`; `S` must meet aitrail::storage.
    template <class S>
    explicit any_storage(S s) : impl_(make<S>(std::move(s))) {}

    /// Appends a batch (all or none; throws on failure).
    void append(std::span<const sealed_entry> batch) { impl_->append(batch); }
    /// Makes appended entries durable.
    void flush() { impl_->flush(); }
    /// Where the stored chain ends.
    chain_head head() const { return impl_->head(); }
    /// The concrete storage, if it is an `S` (nullptr otherwise).
    template <class S>
    S* get() noexcept {
        auto* m = dynamic_cast<model<S>*>(impl_.get());
        return m ? &m->s : nullptr;
    }

private:
    struct concept_t {
        virtual ~concept_t() = default;
        virtual void append(std::span<const sealed_entry>) = 0;
        virtual void flush() = 0;
        virtual chain_head head() const = 0;
    };
    template <class S>
    struct model final : concept_t {
        static_assert(detail::storage_requirements<S>::value);
        explicit model(S st) : s(std::move(st)) {}
        void append(std::span<const sealed_entry> b) override { s.append(b); }
        void flush() override { s.flush(); }
        chain_head head() const override { return s.head(); }
        S s;
    };
    template <class S>
    static std::unique_ptr<concept_t> make(S s) {
        if constexpr (detail::storage_requirements<S>::value) return std::make_unique<model<S>>(std::move(s));
        else return nullptr;  // unreachable: the static_asserts above already failed
    }
    std::unique_ptr<concept_t> impl_;
};

}  // namespace v1
}  // namespace aitrail
