#include "server/helpline/chat_relay.h"

#include <gtest/gtest.h>

#include "server/helpline/rate_limiter.h"

namespace haven::helpline {
namespace {

ChatRelay::Frame Frame(std::size_t size, char fill = 'x') { return std::make_shared<const std::string>(size, fill); }

std::vector<std::pair<std::uint16_t, std::size_t>> Held(const ChatRelay& relay, RelayDirection direction) {
  std::vector<std::pair<std::uint16_t, std::size_t>> out;
  relay.ForEach(direction, [&](std::uint16_t leg, const ChatRelay::Frame& frame) { out.emplace_back(leg, frame->size()); });
  return out;
}

TEST(ChatRelay, HoldsUntilAcknowledgedAndOncePerSeq) {
  ChatRelay relay({10, 10000});
  relay.Hold(RelayDirection::kToVisitor, 0, 1, Frame(10));
  relay.Hold(RelayDirection::kToVisitor, 0, 2, Frame(20));
  relay.Hold(RelayDirection::kToVisitor, 0, 2, Frame(20));  // retransmitted
  relay.Hold(RelayDirection::kToVisitor, 0, 3, Frame(30));
  EXPECT_EQ(relay.frames(RelayDirection::kToVisitor), 3u);
  EXPECT_EQ(relay.bytes(RelayDirection::kToVisitor), 60u);
  relay.Acknowledge(RelayDirection::kToVisitor, 0, 2);
  EXPECT_EQ(Held(relay, RelayDirection::kToVisitor), (std::vector<std::pair<std::uint16_t, std::size_t>>{{0, 30}}));
  EXPECT_EQ(relay.frames(RelayDirection::kToCounselor), 0u);
}

TEST(ChatRelay, BoundedByFramesAndBytesDroppingTheOldest) {
  ChatRelay relay({3, 100});
  for (std::uint32_t seq = 1; seq <= 5; ++seq) relay.Hold(RelayDirection::kToCounselor, 0, seq, Frame(10, 'a' + seq));
  EXPECT_EQ(relay.frames(RelayDirection::kToCounselor), 3u);
  relay.Hold(RelayDirection::kToCounselor, 0, 6, Frame(90));
  EXPECT_LE(relay.bytes(RelayDirection::kToCounselor), 100u);
  EXPECT_EQ(Held(relay, RelayDirection::kToCounselor).back(), (std::pair<std::uint16_t, std::size_t>{0, 90}));
}

TEST(ChatRelay, DropsOldLegsAndClears) {
  ChatRelay relay({10, 10000});
  relay.Hold(RelayDirection::kToVisitor, 0, 1, Frame(1));
  relay.Hold(RelayDirection::kToVisitor, 1, 1, Frame(2));
  relay.Hold(RelayDirection::kToCounselor, 0, 1, Frame(3));
  relay.DropLegsBefore(1);
  EXPECT_EQ(Held(relay, RelayDirection::kToVisitor), (std::vector<std::pair<std::uint16_t, std::size_t>>{{1, 2}}));
  EXPECT_EQ(relay.frames(RelayDirection::kToCounselor), 0u);
  relay.Clear();
  EXPECT_EQ(relay.bytes(RelayDirection::kToVisitor), 0u);
}

TEST(RateLimiter, BucketRefillsAtItsRate) {
  core::Instant start{std::chrono::seconds(1000)};
  TokenBucket bucket(2, 4);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(bucket.TryTake(start)) << i;
  EXPECT_FALSE(bucket.TryTake(start));
  EXPECT_TRUE(bucket.TryTake(start + std::chrono::milliseconds(500)));
  EXPECT_FALSE(bucket.TryTake(start + std::chrono::milliseconds(500)));
}

TEST(RateLimiter, KeyedLimiterSeparatesKeysAndForgetsIdleOnes) {
  core::Instant start{std::chrono::seconds(1000)};
  KeyedRateLimiter limiter(1, 2);
  KeyedRateLimiter::Key a{}, b{};
  b[0] = 1;
  EXPECT_TRUE(limiter.TryTake(a, start));
  EXPECT_TRUE(limiter.TryTake(a, start));
  EXPECT_FALSE(limiter.TryTake(a, start));
  EXPECT_TRUE(limiter.TryTake(b, start));
  limiter.Prune(start + std::chrono::seconds(10));
  EXPECT_EQ(limiter.size(), 0u);
}

}  // namespace
}  // namespace haven::helpline
