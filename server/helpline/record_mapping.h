// How the core's view of a chat becomes what storage keeps: the minimal conversation record
// and the statistics events. Nothing about the visitor beyond the pre-chat answers exists.
#pragma once

#include "crypto/hash.h"
#include "server/core/commands.h"
#include "server/core/effects.h"
#include "server/helpline/control_messages.h"
#include "storage/conversation_store.h"
#include "storage/stats_store.h"

namespace haven::helpline {

storage::ConversationRecord ToStoredConversation(const core::ConversationRecord& record,
                                                 const crypto::Digest& resume_verifier);

// The live chat a stored record describes (waiting, or active with its counselor and leg),
// for the rebuild after a restart; nullopt for any other record.
std::optional<core::RestoreChat> ToRestoreCommand(const storage::ConversationRecord& stored);

// The one statistics event of an ended chat, with every wrap-up category (a chat may fit
// several); without a wrap-up, or without categories, the category is "uncategorised".
storage::StatsEvent StatsEventFor(const core::ConversationRecord& record, const WrapUpRequest* wrap_up,
                                  core::Instant now);

std::uint64_t UnixSeconds(core::Instant instant);

}  // namespace haven::helpline
