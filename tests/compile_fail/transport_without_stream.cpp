// expect: aitrail: Transport requires stream\(const aitrail::model_request&, aitrail::stream_handler&\)
// A transport that can only send whole responses cannot carry streamed
// calls; audited_client says which member is missing.
#include <aitrail/aitrail.hpp>

struct send_only {
    aitrail::model_response send(const aitrail::model_request&) { return {}; }
};

int main() {
    send_only t;
    aitrail::auditor audit{aitrail::memory_storage{}};
    aitrail::audited_client client{t, audit, aitrail::provider_api::openai_chat};
}
