// What the core asks the server to do after a command: tell someone something, persist a
// record. Effects are plain values in the order they must be performed.
#pragma once

#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "server/core/ids.h"
#include "server/core/instant.h"
#include "server/core/profile.h"

namespace haven::core {

enum class ChatState : std::uint8_t { kWaiting, kOffered, kActive, kTransferring, kEnded };
std::string_view ChatStateName(ChatState state);

// An honest range, from recent handling times and the counselors on duty.
struct WaitEstimate {
  bool counselors_on_duty = false;  // false: no estimate can be given
  Duration low{0};
  Duration high{0};
  bool operator==(const WaitEstimate&) const = default;
};

struct QueueStatus {
  std::size_t position = 0;  // 1 = next; counts everyone who will be served first
  WaitEstimate estimate;
  bool operator==(const QueueStatus&) const = default;
};

enum class EndReason : std::uint8_t {
  kCounselorEnded,
  kVisitorLeft,
  kVisitorLost,     // the visitor did not come back within the resume window
  kAbandoned,       // the visitor left while waiting
  kExpired,         // waited longer than max_wait
  kWrapUpMissing,   // bookkeeping: the wrap-up window closed without a wrap-up
};
std::string_view EndReasonName(EndReason reason);

// The minimal metadata of a chat: what storage keeps and statistics count.
struct ConversationRecord {
  ChatId chat;
  ChatState state = ChatState::kWaiting;
  Lane lane = Lane::kGeneral;
  VisitorProfile profile;
  Instant queued_at;
  std::optional<Instant> accepted_at;
  std::optional<Instant> ended_at;
  std::optional<CounselorHandle> counselor;
  std::uint16_t leg = 0;
  std::optional<EndReason> end_reason;
  bool operator==(const ConversationRecord&) const = default;
};

enum class RefusalReason : std::uint8_t { kQueueFull, kOffline };

enum class RejectionCode : std::uint8_t {
  kUnknownChat,
  kNotYourChat,
  kWrongState,
  kNotOnDuty,
  kAtCapacity,
  kNoSuchOffer,
  kTargetUnavailable,
  kAlreadyExists,
  kOfferPending,
};
std::string_view RejectionName(RejectionCode code);
std::string_view RejectionSentence(RejectionCode code);

enum class WithdrawReason : std::uint8_t { kDeclined, kTimedOut, kVisitorLeft, kCounselorLeft };
enum class CounselorState : std::uint8_t { kOffDuty, kAvailable, kAway };
std::string_view CounselorStateName(CounselorState state);

// --- effects ---

struct Queued {  // to the visitor: you are in the queue
  ChatId chat;
  Lane lane;
  QueueStatus status;
};
struct QueueUpdate {  // to the visitor: position or estimate changed
  ChatId chat;
  QueueStatus status;
};
struct Refused {  // to the visitor: cannot queue now (busy or offline screen with numbers)
  ChatId chat;
  RefusalReason reason;
};
struct Offered {  // to the counselor: accept within the deadline
  ChatId chat;
  CounselorHandle counselor;
  Instant deadline;
};
struct OfferWithdrawn {  // to the counselor
  ChatId chat;
  CounselorHandle counselor;
  WithdrawReason reason;
};
struct Assigned {  // to both: start the leg's handshake
  ChatId chat;
  CounselorHandle counselor;
  std::uint16_t leg;
  bool requeued = false;  // the previous counselor was lost (not a transfer)
};
struct Requeued {  // to the visitor, and to the previous counselor if still there: back at the head of the queue
  ChatId chat;
  CounselorHandle previous;
  std::uint16_t next_leg;
};
struct TransferOffered {  // to the target counselor
  ChatId chat;
  CounselorHandle from;
  CounselorHandle to;
  Instant deadline;
  std::vector<std::uint8_t> note;  // the handover note, passed on and kept nowhere
};
struct TransferFinished {  // to both counselors; on success Assigned follows for the new leg
  ChatId chat;
  CounselorHandle from;
  CounselorHandle to;
  bool accepted;
};
struct Ended {  // to whoever is still there
  ChatId chat;
  std::optional<CounselorHandle> counselor;
  EndReason reason;
};
struct NothingToTake {  // to the counselor who pressed "take next"
  CounselorHandle counselor;
};
struct CounselorStatus {  // to the counselor (and the operator view)
  CounselorHandle counselor;
  CounselorState state;
  int load;
  int capacity;
};
struct Rejected {  // to whoever sent the command; nothing changed
  RejectionCode code;
  std::optional<ChatId> chat;
  std::optional<CounselorHandle> counselor;
};
struct Persist {  // storage: write this record (synced: restarts rebuild the queue from it)
  ConversationRecord record;
};
// Statistics: count this chat once, at the end of its life. For an answered chat that is
// when its counselor submits the wrap-up (whose categories the server adds) or when the
// wrap-up window closes without one; for an abandoned or expired chat, at once.
struct RecordStatistics {
  ConversationRecord record;
  std::optional<CounselorHandle> wrapped_up_by;
};

using Effect = std::variant<Queued, QueueUpdate, Refused, Offered, OfferWithdrawn, Assigned, Requeued, TransferOffered,
                            TransferFinished, Ended, NothingToTake, CounselorStatus, Rejected, Persist,
                            RecordStatistics>;
using Effects = std::vector<Effect>;

}  // namespace haven::core
