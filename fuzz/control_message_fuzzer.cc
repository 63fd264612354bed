// Every visitor and counselor control message (protocol.md 11): any text is a message or one of
// the protocol's error codes, never a crash or a hang. The first byte chooses the endpoint.
//
// Structure-aware: half the mutations parse the message as JSON, change one thing inside it (a
// value replaced by one of the protocol's own words or an edge value, a key dropped or added, an
// array grown) and write it back, so they reach the field checks behind the JSON parser; the
// other half are libFuzzer's byte mutations, for the parser itself.
#include <boost/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "fuzz/fuzz_org.h"
#include "server/helpline/control_error.h"
#include "server/helpline/control_messages.h"

using namespace haven;

extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

namespace json = boost::json;

const char* const kKeys[] = {"type",     "chat_id", "resume_token", "ticket",     "state",   "accept",   "to",
                             "note",     "profile", "language",     "age_band",   "in_danger", "solution",
                             "categories", "outcome", "referral"};
const char* const kWords[] = {"join",        "resume",       "leave",     "auth",      "duty",          "take_next",
                              "answer_offer", "transfer",    "answer_transfer", "end", "release",       "wrap_up",
                              "colleagues",  "watch",        "available", "away",      "bg",            "en",
                              "13-17",       "18-25",        "yes",       "no",        "child_witness", "support_given",
                              "c-2",         "",             "\u0000",   "Здравей"};

json::value EdgeValue(std::minstd_rand& rng) {
  switch (rng() % 9) {
    case 0: return json::value(kWords[rng() % std::size(kWords)]);
    case 1: return json::value(std::string(32, "0123456789abcdef"[rng() % 16]));  // a chat id's shape
    case 2: return json::value(std::string(64, "0123456789abcdef"[rng() % 16]));  // a token's shape
    case 3: return json::value(std::string(rng() % 2 ? 4097 : 300, 'x'));
    case 4: {
      static const std::int64_t numbers[] = {0, -1, 1, 255, 256, 65535, 4294967295LL, 4294967296LL, INT64_MAX, INT64_MIN};
      return json::value(numbers[rng() % std::size(numbers)]);
    }
    case 5: return json::value(rng() % 2 == 0);
    case 6: return json::value(nullptr);
    case 7: return json::value(json::array{json::value(kWords[rng() % std::size(kWords)])});
    default: return json::value(rng() % 2 ? 1e308 : -0.5);
  }
}

void Collect(json::value& value, std::vector<json::value*>& all) {
  all.push_back(&value);
  if (value.is_object()) {
    for (auto& entry : value.as_object()) Collect(entry.value(), all);
  } else if (value.is_array()) {
    for (auto& element : value.as_array()) Collect(element, all);
  }
}

void MutateOne(json::value& root, std::minstd_rand& rng) {
  std::vector<json::value*> all;
  Collect(root, all);
  json::value& target = *all[rng() % all.size()];
  if (target.is_object() && rng() % 2 == 0) {
    json::object& object = target.as_object();
    if (!object.empty() && rng() % 2 == 0) {
      object.erase(std::next(object.begin(), static_cast<std::ptrdiff_t>(rng() % object.size())));
    } else {
      object[kKeys[rng() % std::size(kKeys)]] = EdgeValue(rng);
    }
  } else if (target.is_array() && rng() % 2 == 0) {
    json::array& array = target.as_array();
    std::size_t copies = 1 + rng() % 40;
    for (std::size_t i = 0; i < copies; ++i) array.push_back(array.empty() ? EdgeValue(rng) : array.back());
  } else if (&target != &root) {
    target = EdgeValue(rng);
  }
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size,
                                               unsigned int seed) {
  std::minstd_rand rng(seed);
  if (size >= 2 && rng() % 2 == 0) {
    boost::system::error_code ec;
    json::value message = json::parse(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), ec);
    if (!ec && message.is_object()) {
      MutateOne(message, rng);
      std::string text = std::string(1, static_cast<char>(data[0])) + json::serialize(message);
      if (text.size() <= max_size) {
        std::memcpy(data, text.data(), text.size());
        return text.size();
      }
    }
  }
  return LLVMFuzzerMutate(data, size, max_size);
}

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
