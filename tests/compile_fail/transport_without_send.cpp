// expect: aitrail: Transport requires send\(const aitrail::model_request&\) returning aitrail::model_response
// A transport whose send() returns something else is refused with the
// signature it needs.
#include <aitrail/aitrail.hpp>

struct wrong_send {
    int send(const aitrail::model_request&) { return 0; }
    void stream(const aitrail::model_request&, aitrail::stream_handler&) {}
};

int main() {
    wrong_send t;
    aitrail::auditor audit{aitrail::memory_storage{}};
    aitrail::audited_client client{t, audit, aitrail::provider_api::anthropic_messages};
}
