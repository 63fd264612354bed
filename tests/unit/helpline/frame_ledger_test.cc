// What each frame costs its sender (protocol.md 10, frame limits).
#include "server/helpline/frame_ledger.h"

#include <gtest/gtest.h>

namespace haven::helpline {
namespace {

constexpr auto kToVisitor = RelayDirection::kToVisitor;
constexpr auto kToCounselor = RelayDirection::kToCounselor;

TEST(FrameLedger, NewDataThenResentData) {
  FrameLedger ledger;
  EXPECT_EQ(ledger.Data(kToVisitor, 0, 1), FrameCharge::kNew);
  EXPECT_EQ(ledger.Data(kToVisitor, 0, 2), FrameCharge::kNew);
  EXPECT_EQ(ledger.Data(kToVisitor, 0, 1), FrameCharge::kResent);
  EXPECT_EQ(ledger.Data(kToVisitor, 0, 2), FrameCharge::kResent);
  EXPECT_EQ(ledger.Data(kToVisitor, 0, 5), FrameCharge::kNew);  // a gap is still new
  // The other direction keeps its own count.
  EXPECT_EQ(ledger.Data(kToCounselor, 0, 1), FrameCharge::kNew);
}

TEST(FrameLedger, AcksAreFreeOnlyWhenTheyAcknowledgeSomethingSent) {
  FrameLedger ledger;
  EXPECT_EQ(ledger.Ack(kToVisitor, 0, 1), FrameCharge::kResent);  // nothing was sent
  ledger.Data(kToVisitor, 0, 1);
  ledger.Data(kToVisitor, 0, 2);
  ledger.Data(kToVisitor, 0, 3);
  EXPECT_EQ(ledger.Ack(kToVisitor, 0, 2), FrameCharge::kFree);
  EXPECT_EQ(ledger.Ack(kToVisitor, 0, 2), FrameCharge::kResent);  // nothing new
  EXPECT_EQ(ledger.Ack(kToVisitor, 0, 1), FrameCharge::kResent);  // behind
  EXPECT_EQ(ledger.Ack(kToVisitor, 0, 4), FrameCharge::kResent);  // beyond what was sent
  EXPECT_EQ(ledger.Ack(kToVisitor, 0, 3), FrameCharge::kFree);
  EXPECT_EQ(ledger.Ack(kToCounselor, 0, 1), FrameCharge::kResent);  // the other direction sent nothing
}

TEST(FrameLedger, ANewLegStartsAfreshAndOldLegsAreResent) {
  FrameLedger ledger;
  ledger.Data(kToVisitor, 0, 7);
  EXPECT_EQ(ledger.Data(kToVisitor, 1, 1), FrameCharge::kNew);
  EXPECT_EQ(ledger.Data(kToVisitor, 0, 8), FrameCharge::kResent);  // a leg that is over
  EXPECT_EQ(ledger.Ack(kToVisitor, 0, 7), FrameCharge::kResent);
  EXPECT_EQ(ledger.Ack(kToVisitor, 1, 1), FrameCharge::kFree);
}

}  // namespace
}  // namespace haven::helpline
