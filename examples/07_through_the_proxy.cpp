// An application that knows nothing of aitrail: a plain HTTP client calling
// the OpenAI API — only its base URL points at `aitrail proxy`, which
// records the call. Any language works the same way; the README runs it
// with a local stand-in for the provider:
//
//   build/tools/aitrail-emulator --listen 127.0.0.1:8080 &
//   build/tools/aitrail proxy --listen 127.0.0.1:8787 --upstream http://127.0.0.1:8080 --trail proxy-trail &
//   build/examples/07_through_the_proxy http://127.0.0.1:8787
//   build/tools/aitrail verify proxy-trail

#include <aitrail/capture/http_transport.hpp>  // here only as an HTTP client; nothing is audited in-process

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    const char* key = std::getenv("OPENAI_API_KEY");
    aitrail::http_transport http{{.base_url = argc > 1 ? argv[1] : "http://127.0.0.1:8787"}};
    const nlohmann::json request = {{"model", "gpt-4o-mini"},
                                    {"messages", {{{"role", "user"}, {"content", "Which model version answered?"}}}}};
    const auto response = http.send({
        .target = "/v1/chat/completions",
        .headers = {{"authorization", std::string("Bearer ") + (key ? key : "sk-local")},
                    {"x-aitrail-user", "analyst_jane"},  // who the call is for; the proxy strips it
                    {"x-aitrail-tags", "reporting"}},
        .body = request.dump(),
    });
    std::cout << response.status << " " << response.body << "\n";
    return response.status == 200 ? 0 : 1;
}
