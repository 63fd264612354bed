#include "storage/conversation_store.h"

#include "tests/unit/storage/stores_fixture.h"

namespace haven::storage {
namespace {

using ConversationStoreTest = testing::StoresTest;

ConversationRecord Waiting(std::uint8_t id, std::uint64_t queued_at) {
  ConversationRecord record;
  record.chat_id = Bytes(16, id);
  record.state = ConversationState::kWaiting;
  record.queued_at = queued_at;
  record.lane = "urgent";
  record.language = "bg";
  record.resume_verifier = Bytes(32, 0x55);
  return record;
}

TEST_F(ConversationStoreTest, PutGetReplace) {
  auto record = Waiting(1, testing::kStart);
  ASSERT_TRUE(stores_.conversations().Put(record));
  EXPECT_EQ(**stores_.conversations().Get(record.chat_id), record);
  record.state = ConversationState::kActive;
  record.accepted_at = testing::kStart + 30;
  record.counselor_handle = "maria";
  ASSERT_TRUE(stores_.conversations().Put(record, Durability::kBuffered));
  EXPECT_EQ(**stores_.conversations().Get(record.chat_id), record);
  ASSERT_TRUE(stores_.conversations().Delete(record.chat_id));
  EXPECT_FALSE(stores_.conversations().Get(record.chat_id)->has_value());
}

TEST_F(ConversationStoreTest, ExpiresNinetyDaysAfterItWasQueued) {
  ASSERT_TRUE(stores_.conversations().Put(Waiting(1, testing::kStart)));
  clock_.Advance(30 * kSecondsPerDay);
  auto later = Waiting(1, testing::kStart);
  later.state = ConversationState::kEnded;
  ASSERT_TRUE(stores_.conversations().Put(later));  // rewriting does not extend retention
  clock_.Set(testing::kStart + 90 * kSecondsPerDay - 1);
  EXPECT_TRUE(stores_.conversations().Get(Bytes(16, 1))->has_value());
  clock_.Advance(1);
  EXPECT_FALSE(stores_.conversations().Get(Bytes(16, 1))->has_value());
}

TEST_F(ConversationStoreTest, ListLiveRebuildsTheQueueInArrivalOrder) {
  ASSERT_TRUE(stores_.conversations().Put(Waiting(1, testing::kStart + 20)));
  ASSERT_TRUE(stores_.conversations().Put(Waiting(2, testing::kStart + 10)));
  auto offered = Waiting(3, testing::kStart + 30);
  offered.state = ConversationState::kOffered;
  ASSERT_TRUE(stores_.conversations().Put(offered));
  auto ended = Waiting(4, testing::kStart);
  ended.state = ConversationState::kEnded;
  ASSERT_TRUE(stores_.conversations().Put(ended));
  auto active = Waiting(5, testing::kStart + 40);
  active.state = ConversationState::kActive;
  active.leg = 2;
  active.counselor_handle = "c-1";
  ASSERT_TRUE(stores_.conversations().Put(active));
  ASSERT_TRUE(store_.Put(Family::kConversations, Bytes(32, 0xee), Bytes{1, 2, 3}, Durability::kSynced));

  auto live = stores_.conversations().ListLive();
  ASSERT_TRUE(live);
  ASSERT_EQ(live->conversations.size(), 4u);
  EXPECT_EQ(live->conversations[0].chat_id, Bytes(16, 2));
  EXPECT_EQ(live->conversations[1].chat_id, Bytes(16, 1));
  EXPECT_EQ(live->conversations[2].chat_id, Bytes(16, 3));
  EXPECT_EQ(live->conversations[3].chat_id, Bytes(16, 5));
  EXPECT_EQ(live->conversations[3].leg, 2u);
  EXPECT_EQ(live->unreadable, 1u);
}

TEST_F(ConversationStoreTest, TheChatIdIsNotARecordKey) {
  ASSERT_TRUE(stores_.conversations().Put(Waiting('C', testing::kStart)));
  ASSERT_TRUE(store_.ForEach(Family::kConversations, KeyRange::All(), [](ByteView key, ByteView value) {
    std::string bytes = std::string(crypto::AsText(key)) + std::string(crypto::AsText(value));
    EXPECT_EQ(bytes.find(std::string(16, 'C')), std::string::npos);
    return true;
  }));
}

TEST_F(ConversationStoreTest, RefusesBadChatIds) {
  auto record = Waiting(1, testing::kStart);
  record.chat_id.clear();
  EXPECT_EQ(stores_.conversations().Put(record).error().code, ErrorCode::kInvalidArgument);
  record.chat_id = Bytes(65, 1);
  EXPECT_EQ(stores_.conversations().Put(record).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace haven::storage
