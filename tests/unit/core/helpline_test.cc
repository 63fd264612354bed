#include "server/core/helpline.h"

#include <gtest/gtest.h>

#include "tests/unit/core/fake_clock.h"

namespace haven::core {
namespace {

using namespace std::chrono_literals;

ChatId Chat(std::uint8_t n) {
  ChatId id;
  id.bytes.fill(n);
  return id;
}

CounselorProfile Profile(std::set<Language> languages = {Language::kBulgarian, Language::kEnglish},
                         std::set<std::string> skills = {}, int max_chats = 2) {
  return CounselorProfile{std::move(languages), std::move(skills), max_chats};
}

template <typename T>
std::vector<T> All(const Effects& effects) {
  std::vector<T> found;
  for (const auto& effect : effects) {
    if (const T* typed = std::get_if<T>(&effect)) found.push_back(*typed);
  }
  return found;
}

template <typename T>
T One(const Effects& effects) {
  auto found = All<T>(effects);
  EXPECT_EQ(found.size(), 1u);
  return found.empty() ? T{} : found.front();
}

class HelplineTest : public ::testing::Test {
 protected:
  HelplineRules Rules() {
    HelplineRules rules;
    rules.offer_chats = false;  // most tests drive "take next"; offer tests switch it on
    return rules;
  }
  Effects Do(Command command) { return helpline_.Handle(command, clock_.now()); }
  Effects Join(std::uint8_t n, VisitorProfile profile = {}) { return Do(JoinQueue{Chat(n), profile}); }

  testing::FakeClock clock_;
  Helpline helpline_{Rules()};
};

TEST_F(HelplineTest, NobodyOnDutyMeansOffline) {
  auto effects = Join(1);
  EXPECT_EQ(One<Refused>(effects).reason, RefusalReason::kOffline);
  EXPECT_EQ(helpline_.waiting(), 0u);
}

TEST_F(HelplineTest, QueueFullMeansBusy) {
  HelplineRules rules = Rules();
  rules.max_queue_length = 2;
  helpline_ = Helpline(rules);
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  Join(2);
  EXPECT_EQ(One<Refused>(Join(3)).reason, RefusalReason::kQueueFull);
  EXPECT_EQ(helpline_.waiting(), 2u);
}

TEST_F(HelplineTest, LanesThenArrivalOrder) {
  Do(GoOnDuty{"c-1", Profile({}, {}, 10)});
  Join(1);                                                                 // general
  Join(2, {Language::kUnspecified, AgeBand::k13To17, DangerAnswer::kNo});  // minor
  Join(3, {Language::kUnspecified, AgeBand::k26To40, DangerAnswer::kYes}); // danger
  Join(4);                                                                 // general
  Join(5, {Language::kUnspecified, AgeBand::kUnder13, DangerAnswer::kYes});// danger
  std::vector<std::uint8_t> served;
  for (int i = 0; i < 5; ++i) served.push_back(One<Assigned>(Do(TakeNext{"c-1"})).chat.bytes[0]);
  EXPECT_EQ(served, (std::vector<std::uint8_t>{3, 5, 2, 1, 4}));
}

TEST_F(HelplineTest, QueuedTellsPositionAndAnHonestEstimate) {
  Do(GoOnDuty{"c-1", Profile({}, {}, 1)});
  Do(TakeNext{"c-1"});  // nothing yet
  auto first = One<Queued>(Join(1)).status;
  EXPECT_EQ(first.position, 1u);
  EXPECT_TRUE(first.estimate.counselors_on_duty);
  EXPECT_EQ(first.estimate.low, 0min);  // a slot is free
  Do(TakeNext{"c-1"});                  // now the only slot is in use
  auto second = One<Queued>(Join(2)).status;
  EXPECT_EQ(second.position, 1u);
  // One slot, assumed 20 minutes per chat until real chats have ended.
  EXPECT_EQ(second.estimate.low, 20min);
  EXPECT_EQ(second.estimate.high, 21min);
  auto third = One<Queued>(Join(3)).status;
  EXPECT_EQ(third.position, 2u);
  EXPECT_EQ(third.estimate.low, 40min);
}

TEST_F(HelplineTest, EstimateLearnsFromRealHandlingTimes) {
  Do(GoOnDuty{"c-1", Profile({}, {}, 1)});
  for (std::uint8_t n = 1; n <= 4; ++n) {
    Join(n);
    Do(TakeNext{"c-1"});
    clock_.Advance(10min);
    Do(EndChat{"c-1", Chat(n)});
    Do(SubmitWrapUp{"c-1", Chat(n)});
  }
  Join(10);
  Do(TakeNext{"c-1"});
  EXPECT_EQ(One<Queued>(Join(11)).status.estimate.low, 10min);
}

TEST_F(HelplineTest, PositionUpdatesAreRateLimited) {
  Do(GoOnDuty{"c-1", Profile({}, {}, 5)});
  Join(1);
  Join(2);
  Join(3);
  Do(TakeNext{"c-1"});  // chat 1 leaves the queue: 2 and 3 move up, but they were told just now
  EXPECT_TRUE(All<QueueUpdate>(Do(Tick{})).empty());
  clock_.Advance(5s);
  auto updates = All<QueueUpdate>(Do(Tick{}));
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].status.position, 1u);
  EXPECT_EQ(updates[1].status.position, 2u);
  clock_.Advance(5s);
  EXPECT_TRUE(All<QueueUpdate>(Do(Tick{})).empty());  // nothing changed: nothing sent
}

// Before: the visitor being offered kept her old number until the offer was answered, and the
// visitor behind her was told the same one.
TEST_F(HelplineTest, AVisitorBeingOfferedIsToldHerPlaceLikeEveryoneElse) {
  HelplineRules rules = Rules();
  rules.offer_chats = true;
  helpline_ = Helpline(rules);
  Do(GoOnDuty{"c-1", Profile({}, {}, 1)});
  Join(1);  // offered to c-1 at once
  Join(2);
  Join(3);
  Do(AnswerOffer{"c-1", Chat(1), true});
  Do(GoOnDuty{"c-2", Profile({}, {}, 1)});  // chat 2 is offered to c-2; 2 and 3 moved up
  clock_.Advance(5s);
  auto updates = All<QueueUpdate>(Do(Tick{}));
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].chat, Chat(2));
  EXPECT_EQ(updates[0].status.position, 1u);
  EXPECT_EQ(updates[1].chat, Chat(3));
  EXPECT_EQ(updates[1].status.position, 2u);
}

// "take next" during a break takes a chat and ends the break, saying so; with nothing to take
// the break goes on (before, it silently made the counselor available, and offers began).
TEST_F(HelplineTest, TakeNextDuringABreakEndsItOnlyWhenItTakesAChat) {
  HelplineRules rules = Rules();
  rules.offer_chats = true;
  helpline_ = Helpline(rules);
  Do(GoOnDuty{"c-1", Profile({}, {}, 2)});
  Do(SetAway{"c-1", true});
  auto nothing = Do(TakeNext{"c-1"});
  EXPECT_EQ(All<NothingToTake>(nothing).size(), 1u);
  EXPECT_EQ(helpline_.FindCounselor("c-1")->state, CounselorState::kAway);
  EXPECT_TRUE(All<Offered>(Join(1)).empty()) << "a counselor on a break is offered nothing";
  auto taken = Do(TakeNext{"c-1"});
  EXPECT_EQ(One<Assigned>(taken).chat, Chat(1));
  EXPECT_EQ(One<CounselorStatus>(taken).state, CounselorState::kAvailable);
}

TEST_F(HelplineTest, LanguageAndChildSkillAreStrictOnlyWhenSomeoneCanMeetThem) {
  Do(GoOnDuty{"english", Profile({Language::kEnglish})});
  Join(1, {Language::kBulgarian, AgeBand::kUnspecified, DangerAnswer::kUnspecified});
  // Nobody speaks Bulgarian: the visitor is not left waiting.
  EXPECT_EQ(One<Assigned>(Do(TakeNext{"english"})).chat, Chat(1));

  Do(GoOnDuty{"bulgarian", Profile({Language::kBulgarian}, {}, 1)});
  Join(2, {Language::kBulgarian, AgeBand::kUnspecified, DangerAnswer::kUnspecified});
  EXPECT_EQ(All<NothingToTake>(Do(TakeNext{"english"})).size(), 1u);
  EXPECT_EQ(One<Assigned>(Do(TakeNext{"bulgarian"})).chat, Chat(2));

  Do(GoOnDuty{"child-trained", Profile({Language::kEnglish}, {"child"}, 2)});
  Join(3, {Language::kEnglish, AgeBand::kUnder13, DangerAnswer::kUnspecified});
  EXPECT_EQ(All<NothingToTake>(Do(TakeNext{"english"})).size(), 1u);
  EXPECT_EQ(One<Assigned>(Do(TakeNext{"child-trained"})).chat, Chat(3));
}

TEST_F(HelplineTest, CounselorCanOnlyActOnItsOwnChats) {
  Do(GoOnDuty{"c-1", Profile()});
  Do(GoOnDuty{"c-2", Profile()});
  Join(1);
  Do(TakeNext{"c-1"});
  EXPECT_EQ(One<Rejected>(Do(EndChat{"c-2", Chat(1)})).code, RejectionCode::kNotYourChat);
  EXPECT_EQ(One<Rejected>(Do(RequestTransfer{"c-2", Chat(1), "c-1"})).code, RejectionCode::kNotYourChat);
  EXPECT_EQ(One<Rejected>(Do(SubmitWrapUp{"c-2", Chat(1)})).code, RejectionCode::kNotYourChat);
  EXPECT_EQ(One<Rejected>(Do(EndChat{"c-2", Chat(99)})).code, RejectionCode::kUnknownChat);
  EXPECT_EQ(One<Rejected>(Do(AnswerOffer{"c-2", Chat(1), true})).code, RejectionCode::kNoSuchOffer);
  EXPECT_EQ(helpline_.FindChat(Chat(1))->counselor, "c-1");
}

TEST_F(HelplineTest, CapacityIsNeverExceeded) {
  Do(GoOnDuty{"c-1", Profile({}, {}, 2)});
  for (std::uint8_t n = 1; n <= 3; ++n) Join(n);
  One<Assigned>(Do(TakeNext{"c-1"}));
  One<Assigned>(Do(TakeNext{"c-1"}));
  EXPECT_EQ(One<Rejected>(Do(TakeNext{"c-1"})).code, RejectionCode::kAtCapacity);
}

TEST_F(HelplineTest, EndAndWrapUpCountTheChatOnce) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1, {Language::kBulgarian, AgeBand::k18To25, DangerAnswer::kNo});
  Do(TakeNext{"c-1"});
  clock_.Advance(7min);
  auto ended = Do(EndChat{"c-1", Chat(1)});
  EXPECT_EQ(One<Ended>(ended).reason, EndReason::kCounselorEnded);
  EXPECT_TRUE(All<RecordStatistics>(ended).empty());
  auto wrapped = One<RecordStatistics>(Do(SubmitWrapUp{"c-1", Chat(1)}));
  EXPECT_EQ(wrapped.wrapped_up_by, "c-1");
  EXPECT_EQ(*wrapped.record.ended_at - *wrapped.record.accepted_at, 7min);
  EXPECT_EQ(wrapped.record.profile.language, Language::kBulgarian);
  EXPECT_EQ(One<Rejected>(Do(SubmitWrapUp{"c-1", Chat(1)})).code, RejectionCode::kUnknownChat);
}

TEST_F(HelplineTest, MissingWrapUpIsCountedWhenTheWindowCloses) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  Do(TakeNext{"c-1"});
  Do(EndChat{"c-1", Chat(1)});
  clock_.Advance(23h);
  EXPECT_TRUE(All<RecordStatistics>(Do(Tick{})).empty());
  clock_.Advance(1h);
  auto counted = One<RecordStatistics>(Do(Tick{}));
  EXPECT_FALSE(counted.wrapped_up_by.has_value());
}

TEST_F(HelplineTest, VisitorLeavingWhileWaitingIsAbandoned) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  auto effects = Do(LeaveChat{Chat(1)});
  EXPECT_EQ(One<Ended>(effects).reason, EndReason::kAbandoned);
  EXPECT_EQ(One<RecordStatistics>(effects).record.end_reason, EndReason::kAbandoned);
  EXPECT_EQ(helpline_.waiting(), 0u);
  EXPECT_EQ(helpline_.Snapshot(clock_.now()).abandoned_last_hour, 1u);
}

TEST_F(HelplineTest, LongWaitExpires) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  clock_.Advance(44min);
  EXPECT_TRUE(All<Ended>(Do(Tick{})).empty());
  clock_.Advance(1min);
  EXPECT_EQ(One<Ended>(Do(Tick{})).reason, EndReason::kExpired);
}

TEST_F(HelplineTest, DroppedVisitorKeepsItsPlaceWithinTheResumeWindow) {
  Do(GoOnDuty{"c-1", Profile({}, {}, 1)});
  Join(1);
  Join(2);
  Do(VisitorConnection{Chat(1), false});
  clock_.Advance(30s);
  Do(Tick{});
  // A disconnected visitor is skipped, not dropped.
  EXPECT_EQ(One<Assigned>(Do(TakeNext{"c-1"})).chat, Chat(2));
  Do(EndChat{"c-1", Chat(2)});
  Do(VisitorConnection{Chat(1), true});
  EXPECT_EQ(One<Assigned>(Do(TakeNext{"c-1"})).chat, Chat(1));
}

// A flood of joins that drop at once must not hold places for the whole resume window: a
// visitor still waiting keeps its place 45 s after dropping, one in a chat keeps it 2 min.
TEST_F(HelplineTest, ADroppedVisitorStillWaitingKeepsItsPlaceForLessTime) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  Join(2);
  Do(TakeNext{"c-1"});  // chat 1 active, chat 2 waiting
  Do(VisitorConnection{Chat(1), false});
  Do(VisitorConnection{Chat(2), false});
  clock_.Advance(44s);
  EXPECT_TRUE(All<Ended>(Do(Tick{})).empty());
  clock_.Advance(1s);
  auto ended = All<Ended>(Do(Tick{}));
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].chat, Chat(2));
  EXPECT_EQ(ended[0].reason, EndReason::kAbandoned);
  clock_.Advance(75s);  // two minutes since the drop: now the chat too
  ended = All<Ended>(Do(Tick{}));
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].chat, Chat(1));
}

TEST_F(HelplineTest, VisitorThatNeverReturnsIsAbandonedOrLost) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  Join(2);
  Do(TakeNext{"c-1"});  // chat 1 active
  Do(VisitorConnection{Chat(1), false});
  Do(VisitorConnection{Chat(2), false});
  clock_.Advance(2min);
  auto effects = Do(Tick{});
  auto ended = All<Ended>(effects);
  ASSERT_EQ(ended.size(), 2u);
  std::set<EndReason> reasons{ended[0].reason, ended[1].reason};
  EXPECT_TRUE(reasons.contains(EndReason::kVisitorLost));
  EXPECT_TRUE(reasons.contains(EndReason::kAbandoned));
}

TEST_F(HelplineTest, TransferMovesTheChatToANewLeg) {
  Do(GoOnDuty{"c-1", Profile()});
  Do(GoOnDuty{"c-2", Profile()});
  Join(1);
  EXPECT_EQ(One<Assigned>(Do(TakeNext{"c-1"})).leg, 0);
  auto requested = One<TransferOffered>(Do(RequestTransfer{"c-1", Chat(1), "c-2", {7, 8, 9}}));
  EXPECT_EQ(requested.to, "c-2");
  EXPECT_EQ(requested.note, (std::vector<std::uint8_t>{7, 8, 9}));  // the handover note travels with the offer
  EXPECT_EQ(helpline_.FindCounselor("c-2")->Load(), 1);  // capacity reserved
  auto accepted = Do(AnswerTransfer{"c-2", Chat(1), true});
  EXPECT_TRUE(One<TransferFinished>(accepted).accepted);
  auto assigned = One<Assigned>(accepted);
  EXPECT_EQ(assigned.counselor, "c-2");
  EXPECT_EQ(assigned.leg, 1);
  EXPECT_FALSE(assigned.requeued);
  EXPECT_EQ(helpline_.FindCounselor("c-1")->Load(), 0);
  EXPECT_EQ(One<Rejected>(Do(EndChat{"c-1", Chat(1)})).code, RejectionCode::kNotYourChat);
}

TEST_F(HelplineTest, DeclinedOrLapsedTransferLeavesTheChatWhereItWas) {
  Do(GoOnDuty{"c-1", Profile()});
  Do(GoOnDuty{"c-2", Profile()});
  Join(1);
  Do(TakeNext{"c-1"});
  Do(RequestTransfer{"c-1", Chat(1), "c-2"});
  EXPECT_FALSE(One<TransferFinished>(Do(AnswerTransfer{"c-2", Chat(1), false})).accepted);
  EXPECT_EQ(helpline_.FindChat(Chat(1))->state, ChatState::kActive);
  Do(RequestTransfer{"c-1", Chat(1), "c-2"});
  clock_.Advance(61s);
  EXPECT_FALSE(One<TransferFinished>(Do(Tick{})).accepted);
  EXPECT_EQ(helpline_.FindChat(Chat(1))->counselor, "c-1");
  EXPECT_EQ(helpline_.FindCounselor("c-2")->Load(), 0);
}

TEST_F(HelplineTest, TransferToSomeoneUnavailableIsRefused) {
  Do(GoOnDuty{"c-1", Profile()});
  Do(GoOnDuty{"c-2", Profile({}, {}, 1)});
  Join(1);
  Join(2);
  Do(TakeNext{"c-1"});
  Do(TakeNext{"c-2"});  // c-2 is full
  EXPECT_EQ(One<Rejected>(Do(RequestTransfer{"c-1", Chat(1), "c-2"})).code, RejectionCode::kTargetUnavailable);
  EXPECT_EQ(One<Rejected>(Do(RequestTransfer{"c-1", Chat(1), "nobody"})).code, RejectionCode::kTargetUnavailable);
  EXPECT_EQ(One<Rejected>(Do(RequestTransfer{"c-1", Chat(1), "c-1"})).code, RejectionCode::kTargetUnavailable);
}

TEST_F(HelplineTest, LostCounselorsChatsReturnToTheHeadOfTheQueue) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  Join(2);
  Do(TakeNext{"c-1"});  // chat 1
  Do(CounselorConnection{"c-1", false});
  clock_.Advance(2min);
  auto effects = Do(Tick{});
  auto requeued = One<Requeued>(effects);
  EXPECT_EQ(requeued.chat, Chat(1));
  EXPECT_EQ(requeued.next_leg, 1);
  Do(GoOnDuty{"c-2", Profile()});
  auto assigned = One<Assigned>(Do(TakeNext{"c-2"}));
  EXPECT_EQ(assigned.chat, Chat(1));  // ahead of chat 2, which arrived later but never left
  EXPECT_TRUE(assigned.requeued);
  EXPECT_EQ(assigned.leg, 1);
}

TEST_F(HelplineTest, CounselorBackWithinTheWindowKeepsItsChats) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  Do(TakeNext{"c-1"});
  Do(CounselorConnection{"c-1", false});
  clock_.Advance(1min);
  Do(CounselorConnection{"c-1", true});
  clock_.Advance(5min);
  EXPECT_TRUE(All<Requeued>(Do(Tick{})).empty());
  EXPECT_EQ(helpline_.FindChat(Chat(1))->counselor, "c-1");
}

TEST_F(HelplineTest, RevokedCounselorLosesItsChatsAtOnce) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  Do(TakeNext{"c-1"});
  auto effects = Do(RemoveCounselor{"c-1"});
  EXPECT_EQ(One<Requeued>(effects).chat, Chat(1));
  EXPECT_EQ(helpline_.FindCounselor("c-1"), nullptr);
}

// A counselor whose page lost the chat's keys gives it back: head of the queue, a new leg, and
// the same counselor may take it again with fresh keys.
TEST_F(HelplineTest, AReleasedChatGoesBackToTheHeadOfTheQueue) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  Join(2);
  Do(TakeNext{"c-1"});  // chat 1
  EXPECT_EQ(One<Rejected>(Do(ReleaseChat{"c-2", Chat(1)})).code, RejectionCode::kNotYourChat);
  EXPECT_EQ(One<Rejected>(Do(ReleaseChat{"c-1", Chat(2)})).code, RejectionCode::kNotYourChat);
  EXPECT_EQ(One<Rejected>(Do(ReleaseChat{"c-1", Chat(9)})).code, RejectionCode::kUnknownChat);
  auto requeued = One<Requeued>(Do(ReleaseChat{"c-1", Chat(1)}));
  EXPECT_EQ(requeued.previous, "c-1");
  EXPECT_EQ(requeued.next_leg, 1);
  EXPECT_TRUE(helpline_.FindCounselor("c-1")->chats.empty());
  auto assigned = One<Assigned>(Do(TakeNext{"c-1"}));
  EXPECT_EQ(assigned.chat, Chat(1));  // ahead of chat 2
  EXPECT_TRUE(assigned.requeued);
  EXPECT_EQ(assigned.leg, 1);
  Do(EndChat{"c-1", Chat(1)});
  EXPECT_EQ(One<Rejected>(Do(ReleaseChat{"c-1", Chat(1)})).code, RejectionCode::kWrongState);
}

TEST_F(HelplineTest, OffDutyNeedsNoOpenChats) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  Do(TakeNext{"c-1"});
  EXPECT_EQ(One<Rejected>(Do(GoOffDuty{"c-1"})).code, RejectionCode::kWrongState);
  Do(EndChat{"c-1", Chat(1)});
  EXPECT_EQ(One<CounselorStatus>(Do(GoOffDuty{"c-1"})).state, CounselorState::kOffDuty);
}

TEST_F(HelplineTest, RestoredQueueKeepsOrderAndActiveChatsWaitForTheirCounselor) {
  Instant earlier = clock_.now() - 10min;
  Do(RestoreChat{Chat(1), {}, earlier, std::nullopt, 0, std::nullopt});
  Do(RestoreChat{Chat(2), {}, earlier + 1min, std::nullopt, 0, std::nullopt});
  Do(RestoreChat{Chat(3), {}, earlier, std::string("c-1"), 2, earlier + 2min});
  Do(VisitorConnection{Chat(1), true});
  Do(VisitorConnection{Chat(2), true});
  Do(VisitorConnection{Chat(3), true});
  Do(GoOnDuty{"c-1", Profile({}, {}, 3)});
  EXPECT_EQ(helpline_.FindChat(Chat(3))->counselor, "c-1");
  EXPECT_EQ(helpline_.FindCounselor("c-1")->Load(), 1);
  EXPECT_EQ(One<Assigned>(Do(TakeNext{"c-1"})).chat, Chat(1));
  EXPECT_EQ(One<Assigned>(Do(TakeNext{"c-1"})).chat, Chat(2));
}

TEST_F(HelplineTest, AConsoleThatConnectsOffDutyIsToldSo) {
  // Without this a console that reconnects after a restart keeps showing what it showed before.
  auto status = One<CounselorStatus>(Do(CounselorConnection{"c-1", true, 3}));
  EXPECT_EQ(status.counselor, "c-1");
  EXPECT_EQ(status.state, CounselorState::kOffDuty);
  EXPECT_EQ(status.capacity, 3);
  EXPECT_TRUE(All<CounselorStatus>(Do(CounselorConnection{"c-1", false, 3})).empty());
}

TEST_F(HelplineTest, RestoredDutyQueuesVisitorsUntilTheConsoleIsBack) {
  Do(RestoreDuty{"c-1", Profile(), false});
  // Not connected yet: visitors wait rather than hear that nobody is there...
  EXPECT_TRUE(All<Refused>(Join(1)).empty());
  EXPECT_EQ(helpline_.waiting(), 1u);
  // ...and the console, back, finds itself available.
  auto status = One<CounselorStatus>(Do(CounselorConnection{"c-1", true, 2}));
  EXPECT_EQ(status.state, CounselorState::kAvailable);
  EXPECT_EQ(One<Assigned>(Do(TakeNext{"c-1"})).chat, Chat(1));
}

TEST_F(HelplineTest, RestoredAwayStaysAwayAndOverridesTheChatsGuess) {
  Instant earlier = clock_.now() - 5min;
  Do(RestoreChat{Chat(3), {}, earlier, std::string("c-1"), 0, earlier + 1min});
  Do(RestoreDuty{"c-1", Profile(), false});  // available before the restart, with a chat
  EXPECT_EQ(One<CounselorStatus>(Do(CounselorConnection{"c-1", true, 2})).state, CounselorState::kAvailable);
  Do(RestoreDuty{"c-2", Profile(), true});
  EXPECT_EQ(One<CounselorStatus>(Do(CounselorConnection{"c-2", true, 2})).state, CounselorState::kAway);
}

TEST_F(HelplineTest, ARestoredCounselorWhoNeverComesBackLeavesDuty) {
  Do(RestoreDuty{"c-1", Profile(), false});
  clock_.Advance(2min);
  auto effects = Do(Tick{});
  EXPECT_EQ(One<CounselorStatus>(effects).state, CounselorState::kOffDuty);
  EXPECT_EQ(One<Refused>(Join(1)).reason, RefusalReason::kOffline);
}

// --- offer mode ---

class OfferModeTest : public HelplineTest {
 protected:
  void SetUp() override {
    HelplineRules rules = Rules();
    rules.offer_chats = true;
    helpline_ = Helpline(rules);
  }
};

TEST_F(OfferModeTest, AvailableCounselorIsOfferedTheHeadChat) {
  Do(GoOnDuty{"c-1", Profile()});
  auto offered = One<Offered>(Join(1));
  EXPECT_EQ(offered.counselor, "c-1");
  EXPECT_EQ(offered.deadline, clock_.now() + 30s);
  EXPECT_EQ(One<Assigned>(Do(AnswerOffer{"c-1", Chat(1), true})).chat, Chat(1));
}

TEST_F(OfferModeTest, UnansweredOfferReturnsTheChatToTheHeadAndGoesElsewhere) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  Do(GoOnDuty{"c-2", Profile()});
  Join(2);  // offered to c-2 (c-1 has a pending offer)
  clock_.Advance(31s);
  auto effects = Do(Tick{});
  auto withdrawn = All<OfferWithdrawn>(effects);
  ASSERT_EQ(withdrawn.size(), 2u);
  EXPECT_EQ(helpline_.FindCounselor("c-1")->state, CounselorState::kAway);
  EXPECT_EQ(helpline_.FindCounselor("c-2")->state, CounselorState::kAway);
  // Back from the break, c-2 is offered the head chat (1), which it never declined, not chat 2.
  auto offers = All<Offered>(Do(SetAway{"c-2", false}));
  ASSERT_FALSE(offers.empty());
  EXPECT_EQ(offers.front().chat, Chat(1));
}

TEST_F(OfferModeTest, DeclinedOfferIsNotOfferedToTheSameCounselorAgain) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  auto declined = Do(AnswerOffer{"c-1", Chat(1), false});
  EXPECT_EQ(One<OfferWithdrawn>(declined).reason, WithdrawReason::kDeclined);
  EXPECT_TRUE(All<Offered>(declined).empty());
  EXPECT_TRUE(All<Offered>(Do(Tick{})).empty());
  EXPECT_EQ(One<Offered>(Do(GoOnDuty{"c-2", Profile()})).counselor, "c-2");
}

TEST_F(OfferModeTest, VisitorLeavingWithdrawsTheOffer) {
  Do(GoOnDuty{"c-1", Profile()});
  Join(1);
  auto effects = Do(LeaveChat{Chat(1)});
  EXPECT_EQ(One<OfferWithdrawn>(effects).reason, WithdrawReason::kVisitorLeft);
  EXPECT_EQ(One<Rejected>(Do(AnswerOffer{"c-1", Chat(1), true})).code, RejectionCode::kNoSuchOffer);
}

TEST_F(OfferModeTest, SnapshotCountsWhatIsHappening) {
  Do(GoOnDuty{"c-1", Profile({}, {}, 1)});
  Join(1);
  Do(AnswerOffer{"c-1", Chat(1), true});
  Join(2, {Language::kUnspecified, AgeBand::kUnspecified, DangerAnswer::kYes});
  Join(3);
  clock_.Advance(3min);
  auto snapshot = helpline_.Snapshot(clock_.now());
  EXPECT_EQ(snapshot.waiting_by_lane[0], 1u);
  EXPECT_EQ(snapshot.waiting_by_lane[2], 1u);
  EXPECT_EQ(snapshot.longest_wait, 3min);
  EXPECT_EQ(snapshot.active_chats, 1u);
  EXPECT_EQ(snapshot.counselors_on_duty, 1);
  EXPECT_EQ(snapshot.free_capacity, 0);
  EXPECT_EQ(snapshot.answered_last_hour, 1u);
  ASSERT_TRUE(snapshot.service_level);
  EXPECT_DOUBLE_EQ(*snapshot.service_level, 1.0);
}

}  // namespace
}  // namespace haven::core
