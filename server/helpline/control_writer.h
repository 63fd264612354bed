// Builds the JSON control messages the server sends (docs/protocol.md 11).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "server/core/effects.h"
#include "server/core/helpline.h"
#include "server/helpline/control_error.h"
#include "server/helpline/control_messages.h"
#include "server/helpline/helpline_options.h"
#include "server/helpline/operator_history.h"

namespace haven::helpline {

struct CounselorCard {  // how a counselor is shown to visitors and colleagues
  std::string handle;
  std::string name;
};

struct ColleagueEntry {
  std::string handle;
  std::string name;
  bool available = false;
  std::string certificate_hex;
};

struct ReadyChat {
  core::ChatId chat;
  std::uint16_t leg = 0;
  core::ChatState state = core::ChatState::kActive;
  core::Lane lane = core::Lane::kGeneral;
  core::VisitorProfile profile;
};

std::string HexOf(const core::ChatId& chat);

std::string ErrorMessage(ControlError error);
std::string RejectedMessage(core::RejectionCode code, const std::optional<core::ChatId>& chat);
std::string NotAllowedMessage();
// A valid request refused (protocol 12.1: `rejected`, never counted as a protocol error).
std::string RejectedMessage(ControlError error, const std::optional<core::ChatId>& chat);  // a counselor asked for what only supervisors may have

// With `puzzle`, the join must carry its solution (protocol 11.2).
std::string WelcomeMessage(const HelplineOptions& options, const JoinPuzzle* puzzle = nullptr);
// The body of GET /api/helpline (docs/protocol.md 11.6): what the widget shows before a join.
std::string VisitorInfo(const HelplineOptions& options, bool on_duty);
std::string JoinedMessage(const core::ChatId& chat, const Token& resume_token, core::Lane lane);
std::string RefusedMessage(std::string_view reason);
std::string ResumedMessage(core::ChatState state, std::uint16_t leg, const std::optional<CounselorCard>& counselor);
std::string QueueMessage(const core::QueueStatus& status);
std::string VisitorAssignedMessage(std::uint16_t leg, const CounselorCard& counselor, bool requeued);
std::string RequeuedMessage(std::uint16_t next_leg);
std::string VisitorPeerMessage(bool connected);
std::string VisitorEndedMessage(core::EndReason reason);

std::string ReadyMessage(const CounselorCard& me, std::string_view role, int max_chats, const HelplineOptions& options,
                         const std::vector<ReadyChat>& chats);
std::string OperatorSnapshotMessage(const core::HelplineSnapshot& snapshot, const std::vector<OperatorHistory::Bucket>& history,
                                    core::Duration service_level_target, core::Instant now);
std::string StatusMessage(core::CounselorState state, int load, int capacity);
// The head of the queue goes to every counselor on duty each second: at most this many
// entries, so a long queue (10,000 waiting made a 650 KB message, beyond a connection's
// outbound queue bound) costs each counselor a few kilobytes. `total` says how many wait.
inline constexpr std::size_t kQueueOverviewEntries = 100;
std::string QueueOverviewMessage(const std::vector<core::WaitingSummary>& waiting, std::size_t total, core::Instant now);
std::string OfferMessage(const core::Conversation& chat, core::Instant now, core::Instant deadline);
std::string OfferWithdrawnMessage(const core::ChatId& chat, core::WithdrawReason reason);
std::string CounselorAssignedMessage(const core::Conversation& chat, bool requeued);
std::string NothingToTakeMessage();
std::string ColleaguesMessage(const std::vector<ColleagueEntry>& colleagues);
// `note`: the sealed handover note exactly as the sender gave it (empty: none).
std::string TransferOfferMessage(const core::Conversation& chat, const CounselorCard& from, core::Instant now,
                                 core::Instant deadline, std::span<const std::uint8_t> note);
std::string TransferResultMessage(const core::ChatId& chat, std::string_view to, bool accepted);
std::string CounselorPeerMessage(const core::ChatId& chat, bool connected);
std::string CounselorEndedMessage(const core::ChatId& chat, core::EndReason reason);
std::string ReleasedMessage(const core::ChatId& chat);
std::string WrapUpSavedMessage(const core::ChatId& chat);

}  // namespace haven::helpline
