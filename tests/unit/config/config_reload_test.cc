#include "server/config/config_reload.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

TEST(ConfigReload, OriginsAndLogLevelNeedNoRestart) {
  Config running;
  Config reread = running;
  reread.websocket.allowed_origins = {"https://chat.example.org"};
  reread.widget.partner_origins = {"https://partner.example.org"};
  reread.log.level = "debug";
  EXPECT_TRUE(FieldsNeedingRestart(running, reread).empty());
}

TEST(ConfigReload, NewCertificateFilesNeedNoRestartButSwitchingTlsDoes) {
  Config running;
  running.tls.certificate_file = "/etc/haven/tls/cert.pem";
  running.tls.private_key_file = "/etc/haven/tls/key.pem";
  Config renewed = running;
  renewed.tls.certificate_file = "/etc/haven/tls/cert-2027.pem";
  renewed.tls.private_key_file = "/etc/haven/tls/key-2027.pem";
  EXPECT_TRUE(FieldsNeedingRestart(running, renewed).empty());
  Config plain = running;
  plain.tls = {};
  EXPECT_EQ(FieldsNeedingRestart(running, plain), (std::vector<std::string>{"tls"}));
}

TEST(ConfigReload, EveryOtherChangeIsNamed) {
  Config running;
  Config reread = running;
  reread.server.port = 9000;
  reread.websocket.idle_timeout = std::chrono::milliseconds(1000);
  reread.log.file = "/var/log/haven/other.log";
  reread.helpline.max_queue_length = 3;
  reread.storage.conversation_retention_days = 30;
  EXPECT_EQ(FieldsNeedingRestart(running, reread),
            (std::vector<std::string>{"server", "websocket", "log.file", "storage", "helpline"}));
}

}  // namespace
}  // namespace haven
