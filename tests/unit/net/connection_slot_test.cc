#include "server/net/connections.h"

#include <gtest/gtest.h>

#include <vector>

namespace haven::net {
namespace {

TEST(ConnectionSlot, NeverExceedsTheLimitAndReturnsOnDestruction) {
  std::atomic<int> count{0};
  std::vector<ConnectionSlot> held;
  for (int i = 0; i < 3; ++i) {
    auto slot = ConnectionSlot::TryAcquire(count, 3);
    ASSERT_TRUE(slot);
    held.push_back(std::move(slot));
  }
  EXPECT_FALSE(ConnectionSlot::TryAcquire(count, 3));
  EXPECT_EQ(count.load(), 3);
  held.pop_back();
  EXPECT_EQ(count.load(), 2);
  EXPECT_TRUE(ConnectionSlot::TryAcquire(count, 3));  // acquired and released at once
  EXPECT_EQ(count.load(), 2);
}

TEST(ConnectionSlot, MovedSlotIsReleasedOnce) {
  std::atomic<int> count{0};
  {
    auto a = ConnectionSlot::TryAcquire(count, 5);
    ConnectionSlot b = std::move(a);
    ConnectionSlot c;
    c = std::move(b);
    EXPECT_EQ(count.load(), 1);
  }
  EXPECT_EQ(count.load(), 0);
}

class RecordingConnection : public Connection {
 public:
  RecordingConnection(ConnectionRegistry& registry, int& shutdowns) : registry_(registry), shutdowns_(shutdowns) {
    registry_.Add(this);
  }
  void Shutdown() override {
    ++shutdowns_;
    registry_.Remove(this);  // a connection may leave during shutdown
  }

 private:
  ConnectionRegistry& registry_;
  int& shutdowns_;
};

TEST(ConnectionRegistry, ShutdownAllReachesEveryConnectionEvenWhenTheyLeave) {
  ConnectionRegistry registry;
  int shutdowns = 0;
  std::vector<std::unique_ptr<RecordingConnection>> connections;
  for (int i = 0; i < 10; ++i) connections.push_back(std::make_unique<RecordingConnection>(registry, shutdowns));
  registry.ShutdownAll();
  EXPECT_EQ(shutdowns, 10);
  EXPECT_EQ(registry.size(), 0u);
}

}  // namespace
}  // namespace haven::net
