#include "storage/session_store.h"

#include <thread>

#include "tests/unit/storage/stores_fixture.h"

namespace haven::storage {
namespace {

using SessionStoreTest = testing::StoresTest;

Bytes Token(std::uint8_t fill) { return Bytes(32, fill); }

TEST_F(SessionStoreTest, ASessionLastsTwelveHours) {
  ASSERT_TRUE(stores_.sessions().PutSession(Token(1), "maria"));
  auto session = stores_.sessions().GetSession(Token(1));
  ASSERT_TRUE(session && *session);
  EXPECT_EQ((*session)->handle, "maria");
  EXPECT_EQ((*session)->expires_at, testing::kStart + 43200);
  clock_.Advance(43199);
  EXPECT_TRUE(stores_.sessions().GetSession(Token(1))->has_value());
  clock_.Advance(1);
  EXPECT_FALSE(stores_.sessions().GetSession(Token(1))->has_value());
}

TEST_F(SessionStoreTest, DeleteEndsASession) {
  ASSERT_TRUE(stores_.sessions().PutSession(Token(1), "maria"));
  ASSERT_TRUE(stores_.sessions().DeleteSession(Token(1)));
  EXPECT_FALSE(stores_.sessions().GetSession(Token(1))->has_value());
}

TEST_F(SessionStoreTest, ATicketAdmitsOnceAndExpiresInAMinute) {
  ASSERT_TRUE(stores_.sessions().PutTicket(Token(2), "maria"));
  auto first = stores_.sessions().ConsumeTicket(Token(2));
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(**first, "maria");
  EXPECT_FALSE(stores_.sessions().ConsumeTicket(Token(2))->has_value());

  ASSERT_TRUE(stores_.sessions().PutTicket(Token(3), "maria"));
  clock_.Advance(60);
  EXPECT_FALSE(stores_.sessions().ConsumeTicket(Token(3))->has_value());
}

TEST_F(SessionStoreTest, ConcurrentConsumersGetATicketExactlyOnce) {
  ASSERT_TRUE(stores_.sessions().PutTicket(Token(4), "maria"));
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto handle = stores_.sessions().ConsumeTicket(Token(4));
      if (handle && *handle) ++admitted;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 1);
}

TEST_F(SessionStoreTest, SessionsAndTicketsAreSeparateNamespaces) {
  ASSERT_TRUE(stores_.sessions().PutSession(Token(5), "maria"));
  EXPECT_FALSE(stores_.sessions().ConsumeTicket(Token(5))->has_value());
}

TEST_F(SessionStoreTest, DeleteAllForHandleEndsOnlyThatCounselor) {
  ASSERT_TRUE(stores_.sessions().PutSession(Token(1), "maria"));
  ASSERT_TRUE(stores_.sessions().PutSession(Token(2), "maria"));
  ASSERT_TRUE(stores_.sessions().PutTicket(Token(3), "maria"));
  ASSERT_TRUE(stores_.sessions().PutSession(Token(4), "ivan"));
  auto deleted = stores_.sessions().DeleteAllForHandle("maria");
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 3u);
  EXPECT_FALSE(stores_.sessions().GetSession(Token(1))->has_value());
  EXPECT_FALSE(stores_.sessions().GetSession(Token(2))->has_value());
  EXPECT_FALSE(stores_.sessions().ConsumeTicket(Token(3))->has_value());
  EXPECT_TRUE(stores_.sessions().GetSession(Token(4))->has_value());
}

TEST_F(SessionStoreTest, TokensAreNeverStored) {
  Bytes token(32, 'T');
  ASSERT_TRUE(stores_.sessions().PutSession(token, "maria"));
  ASSERT_TRUE(store_.ForEach(Family::kSessions, KeyRange::All(), [](ByteView key, ByteView value) {
    std::string bytes = std::string(crypto::AsText(key)) + std::string(crypto::AsText(value));
    EXPECT_EQ(bytes.find(std::string(16, 'T')), std::string::npos);
    return true;
  }));
}

TEST_F(SessionStoreTest, ShortTokensAreRefused) {
  EXPECT_EQ(stores_.sessions().PutSession(Bytes(8, 1), "maria").error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SessionStoreTest, DutyIsKeptPerCounselorReplacedAndExpires) {
  ASSERT_TRUE(stores_.sessions().PutDuty("maria", DutyRecord::kAvailable));
  ASSERT_TRUE(stores_.sessions().PutDuty("ivan", DutyRecord::kAway));
  ASSERT_TRUE(stores_.sessions().PutDuty("maria", DutyRecord::kAway));  // replaces, one per counselor
  auto kept = stores_.sessions().ListDuty();
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->size(), 2u);
  for (const auto& entry : *kept) EXPECT_EQ(entry.state, DutyRecord::kAway) << entry.handle;

  ASSERT_TRUE(stores_.sessions().DeleteDuty("ivan"));
  ASSERT_EQ(stores_.sessions().ListDuty()->size(), 1u);
  EXPECT_EQ(stores_.sessions().ListDuty()->front().handle, "maria");
  clock_.Advance(43200);
  EXPECT_TRUE(stores_.sessions().ListDuty()->empty()) << "no older than a console session";
}

TEST_F(SessionStoreTest, LoggingOutEverywhereLeavesDutyToTheHelpline) {
  ASSERT_TRUE(stores_.sessions().PutDuty("maria", DutyRecord::kAvailable));
  ASSERT_TRUE(stores_.sessions().PutSession(Token(1), "maria"));
  ASSERT_TRUE(stores_.sessions().DeleteAllForHandle("maria"));
  EXPECT_EQ(stores_.sessions().ListDuty()->size(), 1u) << "the helpline takes her off duty and deletes it";
}

}  // namespace
}  // namespace haven::storage
