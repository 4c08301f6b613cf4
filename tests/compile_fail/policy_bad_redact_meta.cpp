// expect: aitrail: Policy::redact_meta must meet aitrail::meta_field_list
// redact_meta names meta fields (meta_fields<...>), not a single string.
#include <aitrail/capture/auditor.hpp>
#include <aitrail/storage/memory_storage.hpp>

struct my_policy : aitrail::default_policy {
    using redact_meta = const char*;
};

int main() { aitrail::auditor<my_policy> audit{aitrail::memory_storage{}}; }
