// Every public header, compiled with the warnings users commonly turn on and
// none of the exceptions our own targets allow themselves: a header-only
// library's warnings are its users' warnings.

#include <aitrail/aitrail.hpp>

#ifdef AITRAIL_HAS_HTTP
#include <aitrail/capture/http_transport.hpp>
#endif
#ifdef AITRAIL_HAS_SQLITE
#include <aitrail/storage/sqlite_storage.hpp>
#endif
#ifdef AITRAIL_HAS_POSTGRES
#include <aitrail/storage/postgres_storage.hpp>
#endif

int main() { return 0; }
