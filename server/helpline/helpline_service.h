// The helpline as the server runs it: the pure core, the relay and the two WebSocket
// endpoints, joined together. Commands from connections go to the core; its effects are
// performed here (messages to visitors and counselors, records to storage); binary frames
// bypass the core entirely and go from one socket to the other through the chat's route.
//
// Threading: everything here runs on the helpline's event loop (the net layer's home loop),
// so there are no locks. Storage work runs through environment.run_blocking, in order, and
// its results come back through environment.run_on_loop.
#pragma once

#include <map>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "crypto/hash.h"
#include "server/core/helpline.h"
#include "server/helpline/chat_relay.h"
#include "server/helpline/connections.h"
#include "server/helpline/control_messages.h"
#include "server/helpline/frame_ledger.h"
#include "server/helpline/helpline_options.h"
#include "server/helpline/operator_history.h"
#include "server/helpline/rate_limiter.h"
#include "server/net/websocket_endpoint.h"

namespace haven::helpline {

// Where one chat's frames go, and what the server holds of them.
struct ChatRoute {
  core::ChatId chat;
  crypto::Digest resume_verifier{};  // H(resume_token): the token itself is never kept
  VisitorConnection* visitor = nullptr;
  net::ClientKey network{};  // where it joined from (a keyed hash, memory only): places per network
  std::map<std::uint16_t, std::string> holders;  // leg -> counselor handle
  std::uint16_t current_leg = 0;
  ChatRelay relay;
  FrameLedger ledger{};  // what each frame costs its sender (protocol 10, frame limits)
};

class HelplineService {
 public:
  HelplineService(HelplineOptions options, HelplineEnvironment environment);
  ~HelplineService();
  HelplineService(const HelplineService&) = delete;
  HelplineService& operator=(const HelplineService&) = delete;

  net::WebSocketEndpoint VisitorEndpoint(std::shared_ptr<const net::OriginList> allowed_origins);
  net::WebSocketEndpoint CounselorEndpoint(std::shared_ptr<const net::OriginList> allowed_origins);

  // Rebuilds the waiting queue and the active chats from storage. Call once, on the loop,
  // before serving; returns the number of chats restored.
  std::size_t Restore();
  // Called about once a second on the loop: timeouts, queue updates, the queue overview.
  void Tick();
  // A revoked counselor: its chats are requeued and its connection closed with 4003.
  void Revoke(const std::string& handle);
  core::HelplineSnapshot Snapshot() const { return core_.Snapshot(now()); }
  // New trust material (a revocation was published): clients connecting from now on get it.
  void UpdateOrg(OrgInfo org);

  const HelplineOptions& options() const { return options_; }
  // Counts an error sent to a client in /metrics (by its protocol code).
  void Counted(std::string_view code) { CountError(code); }
  core::Instant now() const { return environment_.now(); }
  // Called by a connection about to send: while effects that change a chat's stored record are
  // applied, what they tell clients waits until that record is synced (Apply).
  void HoldIfUnsynced(Connection& connection);

  // --- from connections ---
  void VisitorJoin(VisitorConnection& connection, const JoinRequest& request);
  void VisitorResume(VisitorConnection& connection, const ResumeRequest& request);
  void VisitorLeave(VisitorConnection& connection);
  void VisitorFrame(VisitorConnection& connection, std::string_view message);
  void VisitorClosed(VisitorConnection& connection);
  void CounselorAuth(CounselorConnection& connection, const AuthRequest& request);
  void CounselorCommand(CounselorConnection& connection, const CounselorMessage& message);
  void CounselorFrame(CounselorConnection& connection, std::string_view message);
  void CounselorClosed(CounselorConnection& connection);

 private:
  void Apply(const core::Effects& effects);
  void Apply(const core::Effect& effect);
  void Run(const core::Command& command) { Apply(core_.Handle(command, now())); }
  CounselorConnection* Counselor(const std::string& handle) const;
  std::string NameOf(const std::string& handle) const;
  void EndRoute(const core::ChatId& chat);
  void SendToHolder(ChatRoute& route, std::uint16_t leg, const std::shared_ptr<const std::string>& frame);
  void FinishAuth(CounselorConnection& connection, CounselorConnection::Identity identity);
  void SubmitWrapUp(CounselorConnection& connection, const WrapUpRequest& request);
  void SendColleagues(CounselorConnection& connection);
  void Persist(const core::ConversationRecord& record);
  // Runs `then` on the loop once every storage write queued so far has finished.
  void AfterQueuedWrites(std::function<void()> then);
  // Sends `welcome`, with a puzzle while joins are under pressure.
  void Welcome(VisitorConnection& connection);
  void AnswerJoin(VisitorConnection& connection, const core::ChatId& chat, std::string joined);
  // Chats of `network` still waiting or being offered: its places in the queue.
  std::uint32_t WaitingFrom(const net::ClientKey& network) const;
  void Count(const core::RecordStatistics& statistics);
  void Audit(const std::string& actor, std::string_view action);
  // Keeps a counselor's duty state in storage when it changed (or, with `refresh`, again so
  // that its record does not expire), so a restart puts it back on duty.
  void KeepDuty(const core::CounselorHandle& counselor, core::CounselorState state, bool refresh = false);
  void RestoreDuty();
  void BroadcastQueueOverview();
  void SendSnapshots(bool only_if_changed);
  void CountError(std::string_view code);
  void Measure();

  HelplineOptions options_;
  HelplineEnvironment environment_;
  core::Helpline core_;
  std::string welcome_;
  std::unordered_map<core::ChatId, ChatRoute, core::ChatIdHash> routes_;
  // Chats whose `joined` waits for their record's synced write; false once a write failed.
  std::unordered_map<core::ChatId, bool, core::ChatIdHash> joining_;
  // While Apply handles effects with a Persist: the connections told something meanwhile.
  bool persisting_ = false;
  std::vector<std::pair<Connection*, std::weak_ptr<void>>> held_until_synced_;
  std::unordered_map<std::string, CounselorConnection*> counselors_;
  std::set<Connection*> unidentified_;  // waiting for join/resume/auth, for the hello timeout
  KeyedRateLimiter visitor_joins_;
  JoinPressure join_pressure_;
  std::map<core::ChatId, std::pair<std::string, WrapUpRequest>> pending_wrap_ups_;
  std::string last_overview_;
  std::set<CounselorConnection*> watchers_;  // supervisors watching the operator view
  std::string last_snapshot_;
  std::uint64_t ticks_ = 0;
  OperatorHistory history_;
  std::size_t visitor_connections_ = 0;
  std::map<core::CounselorHandle, core::CounselorState> kept_duty_;  // what storage holds; off duty: absent
  core::Instant duty_refreshed_at_{};
};

}  // namespace haven::helpline
