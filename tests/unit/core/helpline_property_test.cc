// Random command sequences against the core, checking its invariants after every step.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "server/core/helpline.h"
#include "tests/unit/core/fake_clock.h"

namespace haven::core {
namespace {

using namespace std::chrono_literals;

constexpr int kCounselors = 5;
constexpr int kChats = 40;

ChatId Chat(int n) {
  ChatId id;
  id.bytes.fill(0);
  id.bytes[0] = static_cast<std::uint8_t>(n);
  return id;
}
CounselorHandle Handle(int n) { return "c-" + std::to_string(n); }

class Simulation {
 public:
  Simulation(std::uint32_t seed, bool offer_mode) : random_(seed), offer_mode_(offer_mode) {
    HelplineRules rules;
    rules.offer_chats = offer_mode;
    rules.max_queue_length = 25;
    helpline_ = std::make_unique<Helpline>(rules);
  }

  void Step() {
    Command command = RandomCommand();
    Effects effects = helpline_->Handle(command, clock_.now());
    Track(command, effects);
    CheckInvariants();
  }

  std::size_t offers_made = 0, assignments = 0;

 private:
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }

  VisitorProfile RandomProfile() {
    // Everyone speaks everything and has every skill here, so service order is exactly lane
    // order then arrival order, which the invariants check.
    VisitorProfile profile;
    profile.in_danger = Pick(5) == 0 ? DangerAnswer::kYes : DangerAnswer::kNo;
    profile.age_band = Pick(4) == 0 ? AgeBand::k13To17 : AgeBand::k26To40;
    profile.language = Pick(2) == 0 ? Language::kBulgarian : Language::kEnglish;
    return profile;
  }

  Command RandomCommand() {
    ChatId chat = Chat(Pick(kChats));
    CounselorHandle counselor = Handle(Pick(kCounselors));
    switch (Pick(16)) {
      case 0:
      case 1: return JoinQueue{chat, RandomProfile()};
      case 2: return LeaveChat{chat};
      case 3: return VisitorConnection{chat, Pick(3) != 0};
      case 4: {
        // A counselor's profile is account data: the same every time it goes on duty.
        int capacity = 1 + static_cast<int>(counselor.back() - '0') % 3;
        return GoOnDuty{counselor, CounselorProfile{{Language::kBulgarian, Language::kEnglish}, {"child"}, capacity}};
      }
      case 5: return GoOffDuty{counselor};
      case 6: return SetAway{counselor, Pick(2) == 0};
      case 7: return CounselorConnection{counselor, Pick(3) != 0};
      case 8: return TakeNext{counselor};
      case 9: return AnswerOffer{counselor, chat, Pick(3) != 0};
      case 10: return RequestTransfer{counselor, chat, Handle(Pick(kCounselors))};
      case 11: return AnswerTransfer{counselor, chat, Pick(2) == 0};
      case 12: return EndChat{counselor, chat};
      case 13: return SubmitWrapUp{counselor, chat};
      case 14: return ReleaseChat{counselor, chat};
      default:
        clock_.Advance(std::chrono::seconds(Pick(40)));
        return Tick{};
    }
  }

  void Track(const Command& command, const Effects& effects) {
    for (const Effect& effect : effects) {
      if (const auto* offered = std::get_if<Offered>(&effect)) {
        ASSERT_FALSE(outstanding_offers_.contains(offered->chat)) << "a chat offered twice at once";
        outstanding_offers_[offered->chat] = *offered;
        ++offers_made;
      } else if (const auto* withdrawn = std::get_if<OfferWithdrawn>(&effect)) {
        ASSERT_TRUE(outstanding_offers_.contains(withdrawn->chat));
        outstanding_offers_.erase(withdrawn->chat);
      } else if (const auto* assigned = std::get_if<Assigned>(&effect)) {
        ++assignments;
        outstanding_offers_.erase(assigned->chat);
        if (std::holds_alternative<TakeNext>(command) && !assigned->requeued) CheckServiceOrder(*assigned);
      }
    }
    if (std::holds_alternative<Tick>(command)) {
      for (const auto& [chat, offer] : outstanding_offers_) {
        ASSERT_GT(offer.deadline, clock_.now()) << "an offer outlived its deadline";
      }
    }
  }

  // A chat taken with "take next" is the first connected waiting chat in service order.
  void CheckServiceOrder(const Assigned& assigned) {
    const Conversation* taken = helpline_->FindChat(assigned.chat);
    ASSERT_NE(taken, nullptr);
    for (int n = 0; n < kChats; ++n) {
      const Conversation* other = helpline_->FindChat(Chat(n));
      if (!other || other->state != ChatState::kWaiting || !other->visitor_connected) continue;
      bool served_first = other->lane < taken->lane || (other->lane == taken->lane && other->queued_at < taken->queued_at);
      ASSERT_FALSE(served_first) << "chat " << n << " should have been served before chat "
                                 << int(assigned.chat.bytes[0]);
    }
  }

  void CheckInvariants() {
    std::map<int, CounselorHandle> holder;
    for (int c = 0; c < kCounselors; ++c) {
      const Counselor* counselor = helpline_->FindCounselor(Handle(c));
      if (!counselor) continue;
      ASSERT_LE(counselor->Load(), counselor->profile.max_chats) << "capacity exceeded by " << Handle(c);
      for (const ChatId& chat : counselor->chats) {
        int n = chat.bytes[0];
        ASSERT_FALSE(holder.contains(n)) << "chat " << n << " held by two counselors";
        holder[n] = Handle(c);
      }
      if (counselor->offer) {
        const Conversation* offered = helpline_->FindChat(*counselor->offer);
        ASSERT_TRUE(offered && offered->state == ChatState::kOffered && offered->counselor == Handle(c));
      }
    }
    for (int n = 0; n < kChats; ++n) {
      const Conversation* chat = helpline_->FindChat(Chat(n));
      if (!chat) continue;
      bool held = chat->state == ChatState::kActive || chat->state == ChatState::kTransferring;
      if (held && helpline_->FindCounselor(chat->counselor)) {
        ASSERT_EQ(holder[n], chat->counselor) << "chat " << n << " is not in its counselor's list";
      }
      if (!held) {
        ASSERT_FALSE(holder.contains(n)) << "chat " << n << " held while " << ChatStateName(chat->state);
      }
    }
  }

  std::mt19937 random_;
  bool offer_mode_;
  testing::FakeClock clock_;
  std::unique_ptr<Helpline> helpline_;
  std::map<ChatId, Offered> outstanding_offers_;
};

TEST(HelplineProperties, InvariantsHoldInTakeNextMode) {
  for (std::uint32_t seed = 1; seed <= 60; ++seed) {
    Simulation simulation(seed, false);
    for (int step = 0; step < 2000; ++step) {
      simulation.Step();
      if (::testing::Test::HasFatalFailure()) FAIL() << "seed " << seed << " step " << step;
    }
    EXPECT_GT(simulation.assignments, 0u);
  }
}

TEST(HelplineProperties, InvariantsHoldInOfferMode) {
  std::size_t offers = 0;
  for (std::uint32_t seed = 1; seed <= 60; ++seed) {
    Simulation simulation(seed, true);
    for (int step = 0; step < 2000; ++step) {
      simulation.Step();
      if (::testing::Test::HasFatalFailure()) FAIL() << "seed " << seed << " step " << step;
    }
    offers += simulation.offers_made;
  }
  EXPECT_GT(offers, 100u);
}

}  // namespace
}  // namespace haven::core
