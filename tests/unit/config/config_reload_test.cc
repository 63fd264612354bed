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
