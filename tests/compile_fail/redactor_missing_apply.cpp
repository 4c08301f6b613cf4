// expect: aitrail: Redactor requires 'static void apply\(std::string& text, std::map<std::string, std::int64_t>& counts\)'
// A policy naming a redactor without apply() is rejected with what a
// redactor needs and the shipped ones to use instead. The requirements are
// instantiated here directly, without an auditor (policy_bad_redactor.cpp
// goes through one).
#include <aitrail/policy/default_policy.hpp>
#include <aitrail/policy/redactor.hpp>

#include <string>

struct my_bad_redactor {
    static void redact(std::string&) {}
};
struct my_policy : aitrail::default_policy {
    using redactor = my_bad_redactor;
};

int main() { return aitrail::detail::redactor_requirements<my_policy::redactor>::value ? 0 : 1; }
