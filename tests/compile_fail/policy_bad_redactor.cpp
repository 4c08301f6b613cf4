// expect: aitrail: Redactor requires 'static void apply
// A redactor without apply() is rejected with what a redactor needs.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>
#include <string>

struct my_redactor {
    static void redact(std::string&) {}
};
struct my_policy : aitrail::default_policy {
    using redactor = my_redactor;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
