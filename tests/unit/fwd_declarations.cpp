// aitrail/fwd.hpp, as users who forward-declare rely on it: it compiles on its
// own without nlohmann/json or OpenSSL, a header can name every type it
// declares by reference, and each declaration agrees with the definition that
// follows (a `struct` declared as `class`, or a template's parameters changed,
// fails to compile here). Compiled apart from the unity batches, so that
// nothing included before it can hide a missing include.
#include <aitrail/fwd.hpp>

#ifdef NLOHMANN_JSON_VERSION_MAJOR
#error "aitrail/fwd.hpp pulled in nlohmann/json"
#endif
#ifdef OPENSSL_VERSION_NUMBER
#error "aitrail/fwd.hpp pulled in OpenSSL"
#endif

namespace fwd_declarations_tests {

// What a user's header does with the forward declarations: name the types in
// signatures, without their definitions.
struct user_interface {
    void record(const aitrail::audit_record&);
    void pending(aitrail::pending_entry&);
    void sealed(const aitrail::sealed_entry&);
    void head(const aitrail::chain_head&);
    void line(const aitrail::stored_line&);
    void scope(aitrail::audit_scope&);
    void memory(aitrail::memory_storage&);
    void jsonl(aitrail::jsonl_storage&);
    void any(aitrail::any_storage&);
    void report(const aitrail::verify_report&);
    void audit(aitrail::auditor<aitrail::default_policy>&);
};

}  // namespace fwd_declarations_tests

#include <aitrail/aitrail.hpp>

#include <doctest/doctest.h>

#include <type_traits>

namespace fwd_declarations_tests {

// Defined now that the types are complete: the test takes its address.
void user_interface::record(const aitrail::audit_record&) {}

TEST_SUITE_BEGIN("fwd_declarations");

TEST_CASE("fwd: the forward declarations name the library's own types") {
    // Complete now: the declarations and the definitions are one set of types.
    static_assert(std::is_class_v<aitrail::audit_record> && sizeof(aitrail::audit_record) > 0);
    static_assert(std::is_class_v<aitrail::pending_entry> && sizeof(aitrail::pending_entry) > 0);
    static_assert(std::is_class_v<aitrail::sealed_entry> && sizeof(aitrail::sealed_entry) > 0);
    static_assert(std::is_class_v<aitrail::chain_head> && sizeof(aitrail::chain_head) > 0);
    static_assert(std::is_class_v<aitrail::stored_line> && sizeof(aitrail::stored_line) > 0);
    static_assert(sizeof(aitrail::audit_scope) > 0 && sizeof(aitrail::memory_storage) > 0);
    static_assert(sizeof(aitrail::jsonl_storage) > 0 && sizeof(aitrail::any_storage) > 0);
    static_assert(sizeof(aitrail::verify_report) > 0 && sizeof(aitrail::default_policy) > 0);
    static_assert(std::is_same_v<aitrail::auditor<>, aitrail::auditor<aitrail::default_policy>>);

    // A user's interface declared against fwd.hpp accepts the real objects.
    aitrail::audit_record record;
    record.action = "fwd";
    CHECK(record.action == "fwd");
    // (decltype: the member is declared only, so its address must not be taken.)
    static_assert(std::is_invocable_v<decltype(&user_interface::record), user_interface&, const aitrail::audit_record&>);
}

TEST_SUITE_END();

}  // namespace fwd_declarations_tests
