// Everything that can happen to the helpline, as plain values. The server turns network
// messages and timers into these; the core answers with effects (effects.h).
#pragma once

#include <optional>
#include <variant>
#include <vector>

#include "server/core/ids.h"
#include "server/core/instant.h"
#include "server/core/profile.h"

namespace haven::core {

// Visitor side.
struct JoinQueue {
  ChatId chat;
  VisitorProfile profile;
};
struct LeaveChat {  // the visitor ends the chat, or leaves the queue, or quick-exits
  ChatId chat;
};
struct VisitorConnection {  // the visitor's socket dropped or came back (resume)
  ChatId chat;
  bool connected = false;
};

// Counselor side.
struct GoOnDuty {
  CounselorHandle counselor;
  CounselorProfile profile;
};
struct GoOffDuty {
  CounselorHandle counselor;
};
struct SetAway {
  CounselorHandle counselor;
  bool away = true;
};
// A counselor's console connected or dropped. On connecting, the counselor is always told its
// duty state (off duty too, with `capacity`): a console coming back after a restart must not
// go on showing what it showed before.
struct CounselorConnection {
  CounselorHandle counselor;
  bool connected = false;
  int capacity = 0;  // the account's max_chats, for the off-duty status
};
struct TakeNext {
  CounselorHandle counselor;
};
struct AnswerOffer {
  CounselorHandle counselor;
  ChatId chat;
  bool accept = true;
};
struct RequestTransfer {
  CounselorHandle counselor;  // the one holding the chat
  ChatId chat;
  CounselorHandle to;
  std::vector<std::uint8_t> note = {};  // sealed for `to` (protocol.md §8.1), opaque; may be empty
};
struct AnswerTransfer {
  CounselorHandle counselor;  // the transfer's target
  ChatId chat;
  bool accept = true;
};
struct EndChat {
  CounselorHandle counselor;
  ChatId chat;
};
// The counselor cannot go on with a chat it holds (its page reloaded and lost the chat's keys):
// the chat goes back to the head of the queue for a new leg, as if the counselor were lost.
struct ReleaseChat {
  CounselorHandle counselor;
  ChatId chat;
};
struct SubmitWrapUp {
  CounselorHandle counselor;
  ChatId chat;
};
// A counselor's account was revoked: its chats are requeued at once, it leaves duty.
struct RemoveCounselor {
  CounselorHandle counselor;
};

// After a restart: a chat as it was persisted. A waiting chat keeps its place; an active one
// waits for its counselor to come back within the resume window.
struct RestoreChat {
  ChatId chat;
  VisitorProfile profile;
  Instant queued_at;
  std::optional<CounselorHandle> counselor;  // set when the chat was active
  std::uint16_t leg = 0;
  std::optional<Instant> accepted_at;
};

// After a restart: a counselor who was on duty before it. On duty again in the same state, but
// not connected: it counts as on duty (visitors are queued, not told nobody is there) and is
// offered nothing until its console is back; the resume window starts now.
struct RestoreDuty {
  CounselorHandle counselor;
  CounselorProfile profile;
  bool away = false;
};

// Time passes: offers and transfers time out, resume windows close, long waits expire,
// queue positions are re-announced (at a bounded rate).
struct Tick {};

using Command = std::variant<JoinQueue, LeaveChat, VisitorConnection, GoOnDuty, GoOffDuty, SetAway,
                             CounselorConnection, TakeNext, AnswerOffer, RequestTransfer, AnswerTransfer, EndChat,
                             ReleaseChat, SubmitWrapUp, RemoveCounselor, RestoreChat, RestoreDuty, Tick>;

}  // namespace haven::core
