// Autobahn group 6: UTF-8 in text messages. 6.5 to 6.23 are Markus Kuhn's UTF-8 decoder test
// sequences as Autobahn lists them (case6_x_x.py, createUtf8TestSequences), in its order, so
// that the numbers match.
#include <string>
#include <utility>

#include "tests/conformance/case_groups.h"

namespace haven::conformance {
namespace {

using std::chrono::milliseconds;

// Autobahn's valid sample: "κόσμε" (Greek "cosmos").
const std::string kKosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";

// How long a server may take to notice the breach before the rest of the message follows
// (Autobahn waits 1 s), and how long nothing must happen after a valid first part. These wait
// for the absence of an event, which no signal can announce; a fail-fast server costs neither.
constexpr milliseconds kFailFastWindow{1000};
constexpr milliseconds kQuietWindow{200};

struct Sequence {
  bool valid;
  std::string bytes;
};
struct Category {
  std::string name;
  std::vector<Sequence> sequences;
};

std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (int value : values) out.push_back(static_cast<char>(value));
  return out;
}

std::vector<Category> KuhnSequences() {
  std::vector<Category> categories;
  categories.push_back({"some valid UTF-8 sequences",
                        {{true, "hello\x24world"},
                         {true, "hello\xC2\xA2world"},
                         {true,
                          "hello\xE2\x82\xAC"
                          "world"},
                         {true, "hello\xF0\xA4\xAD\xA2world"},
                         {true, kKosme}}});
  Category prefixes{"all prefixes of a valid UTF-8 string with multi-byte code points", {}};
  for (std::size_t i = 1; i <= kKosme.size(); ++i) {
    prefixes.sequences.push_back({IsValidUtf8(kKosme.substr(0, i)), kKosme.substr(0, i)});
  }
  categories.push_back(prefixes);
  categories.push_back(
      {"first possible sequence of a certain length",
       {{true, std::string(1, '\0')}, {true, "\xc2\x80"}, {true, "\xe0\xa0\x80"}, {true, "\xf0\x90\x80\x80"}}});
  categories.push_back({"first possible sequence of length 5/6 (invalid code points)",
                        {{false, "\xf8\x88\x80\x80\x80"}, {false, "\xfc\x84\x80\x80\x80\x80"}}});
  categories.push_back({"last possible sequence of a certain length",
                        {{true, "\x7f"}, {true, "\xdf\xbf"}, {true, "\xef\xbf\xbf"}, {true, "\xf4\x8f\xbf\xbf"}}});
  categories.push_back(
      {"last possible sequence of length 4/5/6 (invalid code points)",
       {{false, "\xf7\xbf\xbf\xbf"}, {false, "\xfb\xbf\xbf\xbf\xbf"}, {false, "\xfd\xbf\xbf\xbf\xbf\xbf"}}});
  categories.push_back({"other boundary conditions",
                        {{true, "\xed\x9f\xbf"},
                         {true, "\xee\x80\x80"},
                         {true, "\xef\xbf\xbd"},
                         {true, "\xf4\x8f\xbf\xbf"},
                         {false, "\xf4\x90\x80\x80"}}});
  Category continuations{"unexpected continuation bytes",
                         {{false, "\x80"},
                          {false, "\xbf"},
                          {false, "\x80\xbf"},
                          {false, "\x80\xbf\x80"},
                          {false, "\x80\xbf\x80\xbf"},
                          {false, "\x80\xbf\x80\xbf\x80"},
                          {false, "\x80\xbf\x80\xbf\x80\xbf"}}};
  std::string all_continuations;
  for (int c = 0x80; c < 0xbf; ++c) all_continuations.push_back(static_cast<char>(c));
  continuations.sequences.push_back({false, all_continuations});
  categories.push_back(continuations);
  Category lonely{"lonely start characters", {}};
  const std::pair<int, int> kStartRanges[] = {{0xc0, 0xdf}, {0xe0, 0xef}, {0xf0, 0xf7}, {0xf8, 0xfb}, {0xfc, 0xfd}};
  for (auto [first, last] : kStartRanges) {
    std::string s;
    for (int c = first; c < last; ++c) s += Bytes({c, 0x20});
    lonely.sequences.push_back({false, s});
  }
  categories.push_back(lonely);
  const std::string kIncomplete[] = {"\xc0", "\xe0\x80", "\xf0\x80\x80", "\xf8\x80\x80\x80", "\xfc\x80\x80\x80\x80",
                                     "\xdf", "\xef\xbf", "\xf7\xbf\xbf", "\xfb\xbf\xbf\xbf", "\xfd\xbf\xbf\xbf\xbf"};
  Category missing{"sequences with the last continuation byte missing", {}};
  std::string concatenated;
  for (const std::string& s : kIncomplete) {
    missing.sequences.push_back({false, s});
    concatenated += s;
  }
  categories.push_back(missing);
  categories.push_back({"concatenation of incomplete sequences", {{false, concatenated}}});
  categories.push_back({"impossible bytes", {{false, "\xfe"}, {false, "\xff"}, {false, "\xfe\xfe\xff\xff"}}});
  categories.push_back({"overlong ASCII characters",
                        {{false, "\xc0\xaf"},
                         {false, "\xe0\x80\xaf"},
                         {false, "\xf0\x80\x80\xaf"},
                         {false, "\xf8\x80\x80\x80\xaf"},
                         {false, "\xfc\x80\x80\x80\x80\xaf"}}});
  categories.push_back({"maximum overlong sequences",
                        {{false, "\xc1\xbf"},
                         {false, "\xe0\x9f\xbf"},
                         {false, "\xf0\x8f\xbf\xbf"},
                         {false, "\xf8\x87\xbf\xbf\xbf"},
                         {false, "\xfc\x83\xbf\xbf\xbf\xbf"}}});
  categories.push_back({"overlong NUL",
                        {{false, "\xc0\x80"},
                         {false, "\xe0\x80\x80"},
                         {false, "\xf0\x80\x80\x80"},
                         {false, "\xf8\x80\x80\x80\x80"},
                         {false, "\xfc\x80\x80\x80\x80\x80"}}});
  categories.push_back({"single UTF-16 surrogates",
                        {{false, "\xed\xa0\x80"},
                         {false, "\xed\xad\xbf"},
                         {false, "\xed\xae\x80"},
                         {false, "\xed\xaf\xbf"},
                         {false, "\xed\xb0\x80"},
                         {false, "\xed\xbe\x80"},
                         {false, "\xed\xbf\xbf"}}});
  categories.push_back({"paired UTF-16 surrogates",
                        {{false, "\xed\xa0\x80\xed\xb0\x80"},
                         {false, "\xed\xa0\x80\xed\xbf\xbf"},
                         {false, "\xed\xad\xbf\xed\xb0\x80"},
                         {false, "\xed\xad\xbf\xed\xbf\xbf"},
                         {false, "\xed\xae\x80\xed\xb0\x80"},
                         {false, "\xed\xae\x80\xed\xbf\xbf"},
                         {false, "\xed\xaf\xbf\xed\xb0\x80"},
                         {false, "\xed\xaf\xbf\xed\xbf\xbf"}}});
  Category noncharacters{"non-character code points (valid UTF-8)", {{true, "\xef\xbf\xbe"}, {true, "\xef\xbf\xbf"}}};
  for (int lead : {0xf0, 0xf1, 0xf2, 0xf3, 0xf4}) {
    for (int second : {0x8f, 0x9f, 0xaf, 0xbf}) {
      if (lead == 0xf4 && second != 0x8f) continue;  // above U+10FFFF
      for (int last : {0xbe, 0xbf}) {
        if (lead == 0xf0 && second == 0x8f) continue;  // overlong
        noncharacters.sequences.push_back({true, Bytes({lead, second, 0xbf, last})});
      }
    }
  }
  categories.push_back(noncharacters);
  categories.push_back({"Unicode specials (e.g. the replacement character)",
                        {{true, "\xef\xbf\xb9"},
                         {true, "\xef\xbf\xba"},
                         {true, "\xef\xbf\xbb"},
                         {true, "\xef\xbf\xbc"},
                         {true, "\xef\xbf\xbd"},
                         {true, "\xef\xbf\xbe"},
                         {true, "\xef\xbf\xbf"}}});
  return categories;
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < 16; ++i) {
    auto byte = static_cast<unsigned char>(bytes[i]);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xF];
  }
  return bytes.size() > 16 ? out + "..." : out;
}

// A text message as Autobahn's sendMessage(fragmentSize = n) sends it.
std::vector<Frame> Fragments(std::string_view text, std::size_t size) {
  std::vector<Frame> frames;
  for (std::size_t at = 0; at < text.size() || frames.empty(); at += size) {
    frames.push_back(Frame{frames.empty() ? opcode::kText : opcode::kContinuation, std::string(text.substr(at, size)),
                           at + size >= text.size()});
  }
  return frames;
}

// 6.4.x: a text message whose second of three parts makes it invalid. The server should fail
// the connection on that part (OK); failing only once the message is complete is NON-STRICT.
// `in_frames`: the parts are fragments (a ping after the first shows it was read); otherwise
// they are chops of a single frame.
CaseResult FailFast(const Target& target, std::string id, std::string description, const std::string (&parts)[3],
                    bool in_frames) {
  auto opened = Connect(target);
  if (!opened)
    return {std::move(id), std::move(description), Grade::kFailed, "opening handshake: " + opened.error(), {}};
  RawWebSocket& ws = **opened;
  std::string whole = EncodeClientFrame(Frame{opcode::kText, parts[0] + parts[1] + parts[2]});
  std::size_t header = whole.size() - (parts[0].size() + parts[1].size() + parts[2].size());
  if (in_frames) {
    ws.Send({Frame{opcode::kText, parts[0], false}, Frame{opcode::kPing, "first part read"}});
    ws.ReadUntil([&] { return !ws.events().empty(); }, target.event_wait);
  } else {
    ws.Write(std::string_view(whole).substr(0, header + parts[0].size()));
    ws.ReadUntil([] { return false; }, kQuietWindow);
  }
  bool early = ws.server_close() || ws.ended();
  if (in_frames) {
    ws.Send(Frame{opcode::kContinuation, parts[1], false});
  } else {
    ws.Write(std::string_view(whole).substr(header + parts[0].size(), parts[1].size()));
  }
  bool fast = ws.ReadUntil([&] { return ws.server_close() != nullptr; }, kFailFastWindow);
  if (!fast && !ws.ended()) {
    if (in_frames) {
      ws.Send(Frame{opcode::kContinuation, parts[2]});
    } else {
      ws.Write(std::string_view(whole).substr(header + parts[0].size() + parts[1].size()));
    }
  }
  std::vector<Event> before;
  if (in_frames) before.push_back(Pong("first part read"));
  CaseResult result = Conclude(target, ws, std::move(id), std::move(description), FailsWith(1007, before));
  if (early && result.grade != Grade::kFailed) {
    result.grade = Grade::kFailed;
    result.reason = "the connection was failed on the first part, which is valid";
  } else if (!fast && result.grade == Grade::kOk) {
    result.grade = Grade::kNonStrict;
    result.reason = "failed only once the rest of the message came, not on the invalid part";
  }
  return result;
}

}  // namespace

std::vector<CaseResult> RunUtf8Cases(const Target& target) {
  std::vector<CaseResult> results;
  auto run = [&](std::string id, std::string description, std::vector<Frame> frames, const Expectation& expect) {
    results.push_back(RunCase(
        target, std::move(id), std::move(description), [&](RawWebSocket& ws) { ws.Send(frames); }, expect));
  };
  run("6.1.1", "text message of 0 B", {Frame{opcode::kText, ""}}, Echoes({TextMessage("")}));
  run("6.1.2", "text message in 3 fragments of 0 B",
      {Frame{opcode::kText, "", false}, Frame{opcode::kContinuation, "", false}, Frame{opcode::kContinuation, ""}},
      Echoes({TextMessage("")}));
  run("6.1.3", "text message in 3 fragments, the first and last empty",
      {Frame{opcode::kText, "", false}, Frame{opcode::kContinuation, "middle frame payload", false},
       Frame{opcode::kContinuation, ""}},
      Echoes({TextMessage("middle frame payload")}));

  const std::string kMixed =
      "Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!";  // Hello-µ@ßöäüàá-UTF-8!!
  run("6.2.1", "valid UTF-8 text message in one fragment", {Frame{opcode::kText, kMixed}},
      Echoes({TextMessage(kMixed)}));
  std::size_t boundary = std::string("Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4").size();
  run("6.2.2", "valid UTF-8 text message in 2 fragments split on a code point boundary",
      {Frame{opcode::kText, kMixed.substr(0, boundary), false}, Frame{opcode::kContinuation, kMixed.substr(boundary)}},
      Echoes({TextMessage(kMixed)}));
  run("6.2.3", "valid UTF-8 text message in fragments of 1 B (split inside code points)", Fragments(kMixed, 1),
      Echoes({TextMessage(kMixed)}));
  run("6.2.4", "valid UTF-8 text message (\"kosme\") in fragments of 1 B", Fragments(kKosme, 1),
      Echoes({TextMessage(kKosme)}));

  const std::string kInvalid = kKosme + "\xed\xa0\x80" + "edited";  // a surrogate in the middle
  run("6.3.1", "invalid UTF-8 text message in one fragment", {Frame{opcode::kText, kInvalid}}, FailsWith(1007));
  run("6.3.2", "invalid UTF-8 text message in fragments of 1 B", Fragments(kInvalid, 1), FailsWith(1007));

  const std::string kAbove = "\xf4\x90\x80\x80";  // U+110000, above the Unicode range
  const std::string kParts[3] = {kKosme, kAbove, "edited"};
  const std::string whole = kKosme + kAbove + "edited";
  const std::string kPartsAtByte[3] = {whole.substr(0, 12), whole.substr(12, 1), whole.substr(13)};
  results.push_back(
      FailFast(target, "6.4.1", "text message in 3 fragments, the 2nd holding U+110000: fail fast", kParts, true));
  results.push_back(FailFast(target, "6.4.2",
                             "as 6.4.1, the 2nd fragment only the byte that makes it invalid: fail fast", kPartsAtByte,
                             true));
  results.push_back(FailFast(target, "6.4.3", "as 6.4.1 in 3 chops of one frame: fail fast", kParts, false));
  results.push_back(FailFast(target, "6.4.4", "as 6.4.2 in 3 chops of one frame: fail fast", kPartsAtByte, false));

  int category_number = 5;
  for (const Category& category : KuhnSequences()) {
    int number = 1;
    for (const Sequence& sequence : category.sequences) {
      std::string id = "6." + std::to_string(category_number) + "." + std::to_string(number++);
      std::string description = category.name + ": " + (sequence.valid ? "valid " : "invalid ") + Hex(sequence.bytes);
      run(id, description, {Frame{opcode::kText, sequence.bytes}},
          sequence.valid ? Echoes({TextMessage(sequence.bytes)}) : FailsWith(1007));
    }
    ++category_number;
  }
  return results;
}

}  // namespace haven::conformance
