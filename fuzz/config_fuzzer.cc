// The TOML config (server/config): any text gives a Config or an error that names its field (or
// the file) and says what is wrong in one sentence; a Config that parses goes through the
// cross-field checks without a crash.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "fuzz/fuzz_org.h"
#include "server/config/config_loader.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::ifstream example(HAVEN_EXAMPLE_CONFIG);
  std::stringstream text;
  text << example.rdbuf();
  haven::fuzz::WriteSeedsIfAsked({text.str(), "[server]\nport = 8080\n[helpline]\npuzzle_bits = 14\n"});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto config = haven::ParseConfig(text);
  if (!config) {
    if (config.error().message.empty()) haven::fuzz::Finding("an error without a sentence");
    return 0;
  }
  auto valid = haven::ValidateConfig(*config);
  if (!valid && valid.error().message.empty()) haven::fuzz::Finding("a rule broken without a sentence");
  return 0;
}
