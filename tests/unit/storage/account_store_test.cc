#include "storage/account_store.h"

#include <set>

#include "tests/unit/storage/stores_fixture.h"

namespace haven::storage {
namespace {

using AccountStoreTest = testing::StoresTest;

AccountRecord Maria() {
  AccountRecord record;
  record.handle = "maria";
  record.display_name = "Мария";
  record.role = AccountRole::kCounselor;
  record.status = AccountStatus::kActive;
  record.languages = {"bg", "en"};
  record.skills = {"child-trained"};
  record.login_verifier = Bytes(32, 0xab);
  record.wrapped_identity = Bytes(72, 0x01);
  return record;
}

TEST_F(AccountStoreTest, PutGetReplaceDelete) {
  ASSERT_TRUE(stores_.accounts().Put(Maria()));
  auto read = stores_.accounts().Get("maria");
  ASSERT_TRUE(read && *read);
  EXPECT_EQ(**read, Maria());
  AccountRecord locked = Maria();
  locked.failed_logins = 5;
  locked.locked_until = testing::kStart + 900;
  ASSERT_TRUE(stores_.accounts().Put(locked));
  EXPECT_EQ(**stores_.accounts().Get("maria"), locked);
  ASSERT_TRUE(stores_.accounts().Delete("maria"));
  EXPECT_FALSE(stores_.accounts().Get("maria")->has_value());
}

TEST_F(AccountStoreTest, AccountsNeverExpire) {
  ASSERT_TRUE(stores_.accounts().Put(Maria()));
  clock_.Advance(20ull * 365 * 86400);
  EXPECT_TRUE(stores_.accounts().Get("maria")->has_value());
}

TEST_F(AccountStoreTest, ListGivesEveryAccount) {
  AccountRecord ivan = Maria();
  ivan.handle = "ivan";
  ASSERT_TRUE(stores_.accounts().Put(Maria()));
  ASSERT_TRUE(stores_.accounts().Put(ivan));
  auto all = stores_.accounts().List();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  std::set<std::string> handles{(*all)[0].handle, (*all)[1].handle};
  EXPECT_EQ(handles, (std::set<std::string>{"ivan", "maria"}));
}

TEST_F(AccountStoreTest, TheHandleIsNotInTheStoredKeyOrValue) {
  ASSERT_TRUE(stores_.accounts().Put(Maria()));
  ASSERT_TRUE(store_.ForEach(Family::kAccounts, KeyRange::All(), [](ByteView key, ByteView value) {
    std::string bytes = std::string(crypto::AsText(key)) + std::string(crypto::AsText(value));
    EXPECT_EQ(bytes.find("maria"), std::string::npos);
    return true;
  }));
}

TEST_F(AccountStoreTest, RefusesBadHandlesAndCorruptEnums) {
  AccountRecord nameless = Maria();
  nameless.handle = "";
  EXPECT_EQ(stores_.accounts().Put(nameless).error().code, ErrorCode::kInvalidArgument);
  nameless.handle = std::string(65, 'x');
  EXPECT_EQ(stores_.accounts().Put(nameless).error().code, ErrorCode::kInvalidArgument);
  AccountRecord odd = Maria();
  odd.role = static_cast<AccountRole>(9);
  ASSERT_TRUE(stores_.accounts().Put(odd));
  EXPECT_EQ(stores_.accounts().Get("maria").error().code, ErrorCode::kCorrupt);
}

}  // namespace
}  // namespace haven::storage
