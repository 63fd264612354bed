#include "server/config/config_loader.h"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <fstream>
#include <sstream>

#include "server/config/config_schema.h"

namespace haven {
namespace {

ConfigError ErrorOf(std::string_view toml, const Environment& env = {}) {
  auto result = ParseConfig(toml, env);
  EXPECT_FALSE(result.has_value()) << "accepted: " << toml;
  return result.has_value() ? ConfigError{} : result.error();
}

TEST(ConfigLoader, EmptyTextGivesDefaults) {
  auto config = ParseConfig("");
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(*config, Config{});
  EXPECT_EQ(config->websocket.read_message_max_bytes, 8192u);
}

TEST(ConfigLoader, ReadsValuesOfEveryKind) {
  auto config = ParseConfig(R"(
    [server]
    port = 9000
    shutdown_deadline_ms = 2500
    [websocket]
    allowed_origins = ["https://help.example.org"]
    [testing]
    diagnostic_endpoints = true
    [log]
    level = "debug"
  )");
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->server.port, 9000);
  EXPECT_EQ(config->server.shutdown_deadline, std::chrono::milliseconds(2500));
  EXPECT_EQ(config->websocket.allowed_origins, std::vector<std::string>{"https://help.example.org"});
  EXPECT_TRUE(config->testing.diagnostic_endpoints);
  EXPECT_EQ(config->log.level, "debug");
}

TEST(ConfigLoader, UnknownKeyIsNamed) {
  auto error = ErrorOf("[server]\nprot = 80\n");
  EXPECT_EQ(error.field, "server.prot");
  EXPECT_EQ(error.message, "unknown key");
}

TEST(ConfigLoader, UnknownSectionIsNamed) { EXPECT_EQ(ErrorOf("[sever]\nport = 80\n").field, "sever"); }

TEST(ConfigLoader, TopLevelKeyIsRejected) { EXPECT_EQ(ErrorOf("port = 80\n").field, "port"); }

TEST(ConfigLoader, SyntaxErrorGivesPosition) {
  auto error = ErrorOf("[server\nport = 80\n");
  EXPECT_NE(error.message.find("line 1"), std::string::npos) << error.message;
}

// Every field rejects a value of the wrong type, with an error naming that field.
TEST(ConfigLoader, EveryFieldRejectsWrongType) {
  for (const ConfigField& field : ConfigSchema()) {
    bool is_string = field.kind == "string";
    std::string wrong = is_string ? "12" : "\"twelve\"";
    if (field.kind == "string list") wrong = "\"not a list\"";
    std::string toml = "[" + std::string(field.section) + "]\n" + std::string(field.key) + " = " + wrong + "\n";
    EXPECT_EQ(ErrorOf(toml).field, field.FullName()) << toml;
  }
}

// Every numeric field rejects values beyond its range on both sides.
TEST(ConfigLoader, EveryNumericFieldRejectsOutOfRange) {
  for (const ConfigField& field : ConfigSchema()) {
    if (field.kind != "integer" && field.kind != "milliseconds" && field.kind != "bytes") continue;
    for (const char* value : {"-1", "99999999999"}) {
      std::string toml = "[" + std::string(field.section) + "]\n" + std::string(field.key) + " = " + value + "\n";
      auto error = ErrorOf(toml);
      EXPECT_EQ(error.field, field.FullName()) << toml;
      EXPECT_NE(error.message.find("must be an integer from"), std::string::npos) << error.message;
    }
  }
}

TEST(ConfigLoader, RejectsBadOrigins) {
  for (const char* origin : {"localhost:8080", "https://a.org/path", "ftp://a.org", "https://", "https://a.org:"}) {
    auto error = ErrorOf(std::string("[websocket]\nallowed_origins = [\"") + origin + "\"]\n");
    EXPECT_EQ(error.field, "websocket.allowed_origins") << origin;
  }
  EXPECT_EQ(ErrorOf("[websocket]\nallowed_origins = []\n").field, "websocket.allowed_origins");
}

TEST(ConfigLoader, RejectsUnknownLogLevel) { EXPECT_EQ(ErrorOf("[log]\nlevel = \"loud\"\n").field, "log.level"); }

TEST(ConfigLoader, RejectsQueueSmallerThanOneMessage) {
  auto error = ErrorOf("[websocket]\nread_message_max_bytes = 65536\noutbound_queue_bytes = 4096\n");
  EXPECT_EQ(error.field, "websocket.outbound_queue_bytes");
}

TEST(ConfigLoader, TlsFilesComeAsAPair) {
  EXPECT_EQ(ErrorOf("[tls]\ncertificate_file = \"/etc/haven/tls/cert.pem\"\n").field, "tls.private_key_file");
  EXPECT_EQ(ErrorOf("[tls]\nprivate_key_file = \"/etc/haven/tls/key.pem\"\n").field, "tls.certificate_file");
  auto both = ParseConfig("[tls]\ncertificate_file = \"c.pem\"\nprivate_key_file = \"k.pem\"\n", {});
  ASSERT_TRUE(both.has_value());
  EXPECT_TRUE(both->tls.enabled());
  EXPECT_FALSE(Config{}.tls.enabled());
}

TEST(ConfigLoader, EnvironmentOverridesFile) {
  auto config = ParseConfig("[server]\nport = 9000\n", {{"HAVEN_SERVER_PORT", "9100"},
                                                        {"HAVEN_WEBSOCKET_ALLOWED_ORIGINS", "https://a.org,https://b.org"},
                                                        {"HAVEN_TESTING_DIAGNOSTIC_ENDPOINTS", "true"}});
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  EXPECT_EQ(config->server.port, 9100);
  EXPECT_EQ(config->websocket.allowed_origins, (std::vector<std::string>{"https://a.org", "https://b.org"}));
  EXPECT_TRUE(config->testing.diagnostic_endpoints);
}

TEST(ConfigLoader, BadEnvironmentValueNamesFieldAndVariable) {
  auto error = ErrorOf("", {{"HAVEN_SERVER_PORT", "eighty"}});
  EXPECT_EQ(error.field, "server.port");
  EXPECT_NE(error.message.find("HAVEN_SERVER_PORT"), std::string::npos);
}

TEST(ConfigLoader, UnknownEnvironmentOverrideOfKnownSectionIsRejected) {
  EXPECT_EQ(ErrorOf("", {{"HAVEN_SERVER_PROT", "1"}}).field, "HAVEN_SERVER_PROT");
  // Variables that are not shaped like a field are none of our business.
  EXPECT_TRUE(ParseConfig("", {{"HAVEN_HOME", "/x"}}).has_value());
}

TEST(ConfigLoader, MissingFileIsAnError) {
  auto result = LoadConfigFile("/nonexistent/haven.toml", {});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("cannot read"), std::string::npos);
}

// ops/haven.example.toml is the operator's reference: it must set every field, to its default.
TEST(ConfigExample, DocumentsEveryFieldWithItsDefault) {
  std::string path = std::string(HAVEN_SOURCE_DIR) + "/ops/haven.example.toml";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  toml::table table = toml::parse(text.str());
  for (const ConfigField& field : ConfigSchema()) {
    const toml::node* node = table.at_path(field.FullName()).node();
    EXPECT_NE(node, nullptr) << field.FullName() << " is missing from ops/haven.example.toml";
  }
  auto config = ParseConfig(text.str());
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  Config defaults;
  defaults.server.data_dir = config->server.data_dir;  // the one field without a default
  EXPECT_EQ(*config, defaults) << "ops/haven.example.toml must show the defaults";
}

}  // namespace
}  // namespace haven
