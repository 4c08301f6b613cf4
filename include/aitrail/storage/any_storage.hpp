#pragma once
/// @file any_storage.hpp
/// Holds any storage behind one virtual call per batch, so the auditor's
/// type names only the policy (`auditor<my_policy>`) while the storage is
/// chosen at run time. The requirements are checked where the user's type
/// enters, with one message per missing member.

#include <aitrail/config.hpp>
#include <aitrail/storage/checkpoint_history.hpp>
#include <aitrail/storage/concepts.hpp>
#include <aitrail/storage/storage_error.hpp>

#include <memory>   // unique_ptr
#include <optional> // optional
#include <string>   // string
#include <string_view> // string_view
#include <vector>   // vector
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
    /// True when the storage keeps the tree and its checkpoints
    /// (aitrail::checkpointed_storage); the members below need it.
    bool keeps_checkpoints() const { return impl_->keeps_checkpoints(); }
    /// The trail's Merkle tree.
    const merkle_tree& tree() const { return impl_->tree(); }
    /// The bytes of tile `t`, nullopt when not stored.
    std::optional<std::string> read_tile(const tile_id& t) const { return impl_->read_tile(t); }
    /// The latest checkpoint signed for the trail.
    std::optional<std::string> latest() const { return impl_->latest(); }
    /// Every checkpoint signed for the trail, oldest first.
    std::vector<std::string> all() const { return impl_->all(); }
    /// Stores a new checkpoint.
    void store(std::string_view note) { impl_->store(note); }
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
        virtual bool keeps_checkpoints() const = 0;
        virtual const merkle_tree& tree() const = 0;
        virtual std::optional<std::string> read_tile(const tile_id&) const = 0;
        virtual std::optional<std::string> latest() const = 0;
        virtual std::vector<std::string> all() const = 0;
        virtual void store(std::string_view) = 0;
    };
    template <class S>
    struct model final : concept_t {
        static_assert(detail::storage_requirements<S>::value);
        explicit model(S st) : s(std::move(st)) {}
        void append(std::span<const sealed_entry> b) override { s.append(b); }
        void flush() override { s.flush(); }
        chain_head head() const override { return s.head(); }
        bool keeps_checkpoints() const override { return checkpointed_storage<S>; }
        const merkle_tree& tree() const override {
            if constexpr (checkpointed_storage<S>) return s.tree();
            else throw storage_error("this storage keeps no Merkle tree");
        }
        std::optional<std::string> read_tile(const tile_id& t) const override {
            if constexpr (checkpointed_storage<S>) return s.read_tile(t);
            else return std::nullopt;
        }
        std::optional<std::string> latest() const override {
            if constexpr (checkpointed_storage<S>) return const_cast<S&>(s).checkpoints().latest();
            else return std::nullopt;
        }
        std::vector<std::string> all() const override {
            if constexpr (checkpointed_storage<S>) return const_cast<S&>(s).checkpoints().all();
            else return {};
        }
        void store(std::string_view note) override {
            if constexpr (checkpointed_storage<S>) s.checkpoints().store(note);
            else throw storage_error("this storage keeps no checkpoints");
        }
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
