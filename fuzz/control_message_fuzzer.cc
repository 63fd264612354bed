// Every visitor and counselor control message (protocol.md 11): any text is a message or one of
// the protocol's error codes, never a crash or a hang. The first byte chooses the endpoint.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_org.h"
#include "server/helpline/control_error.h"
#include "server/helpline/control_messages.h"

using namespace haven;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::string chat(32, 'a'), token(64, '0');
  fuzz::WriteSeedsIfAsked({
      "v" R"({"type":"join","profile":{"language":"bg","age_band":"13-17","in_danger":"yes"}})",
      "v" R"({"type":"join","profile":{"language":"","age_band":"","in_danger":""},"solution":[77,276,350]})",
      "v" R"({"type":"resume","chat_id":")" + chat + R"(","resume_token":")" + token + R"("})",
      "v" R"({"type":"leave"})",
      "c" R"({"type":"auth","ticket":")" + token + R"("})",
      "c" R"({"type":"duty","state":"away"})",
      "c" R"({"type":"take_next"})",
      "c" R"({"type":"answer_offer","chat_id":")" + chat + R"(","accept":true})",
      "c" R"({"type":"transfer","chat_id":")" + chat + R"(","to":"c-2","note":")" + std::string(300, 'f') + R"("})",
      "c" R"({"type":"answer_transfer","chat_id":")" + chat + R"(","accept":false})",
      "c" R"({"type":"end","chat_id":")" + chat + R"("})",
      "c" R"({"type":"release","chat_id":")" + chat + R"("})",
      "c" R"({"type":"wrap_up","chat_id":")" + chat +
          R"(","categories":["child_witness"],"age_band":"","outcome":"support_given","referral":false})",
      "c" R"({"type":"colleagues"})",
      "c" R"({"type":"watch"})",
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto check = [](auto parsed) {
    if (!parsed && helpline::ControlErrorSentence(parsed.error()).empty()) fuzz::Finding("an error without a sentence");
  };
  if (data[0] == 'v') {
    check(helpline::ParseVisitorMessage(text));
  } else {
    check(helpline::ParseCounselorMessage(text));
  }
  return 0;
}
