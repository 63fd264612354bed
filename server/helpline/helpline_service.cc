#include "server/helpline/helpline_service.h"

#include <sodium.h>

#include <algorithm>

#include "crypto/bytes.h"
#include "server/helpline/control_writer.h"
#include "server/helpline/envelope.h"
#include "server/helpline/record_mapping.h"
#include "server/log/log.h"
#include "server/metrics/metrics.h"
#include "storage/stores.h"

namespace haven::helpline {
namespace {

template <typename... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Spelled out for clang 16, which does not deduce aggregate bases on its own.
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

crypto::Digest Verifier(const Token& token) { return crypto::Hash(token); }

core::CounselorProfile ProfileOf(const storage::AccountRecord& account) {
  core::CounselorProfile profile;
  for (const auto& code : account.languages) {
    if (auto language = ParseLanguage(code); language && *language != core::Language::kUnspecified) {
      profile.languages.insert(*language);
    }
  }
  profile.skills.insert(account.skills.begin(), account.skills.end());
  profile.max_chats = static_cast<int>(std::clamp<std::uint32_t>(account.max_chats, 1, 16));
  return profile;
}

}  // namespace

HelplineService::HelplineService(HelplineOptions options, HelplineEnvironment environment)
    : options_(std::move(options)),
      environment_(std::move(environment)),
      core_(options_.rules),
      welcome_(WelcomeMessage(options_)),
      visitor_joins_(options_.visitor_connections_per_minute / 60.0, options_.visitor_connections_per_minute),
      join_pressure_(options_.puzzle) {}

HelplineService::~HelplineService() = default;

net::WebSocketEndpoint HelplineService::VisitorEndpoint(std::shared_ptr<const net::OriginList> allowed_origins) {
  return net::WebSocketEndpoint{std::move(allowed_origins),
                                [this](net::WebSocketPeer& peer, const net::HttpRequest& request) {
                                  auto connection = std::make_unique<VisitorConnection>(*this, peer, request.client(), now());
                                  unidentified_.insert(connection.get());
                                  ++visitor_connections_;
                                  Welcome(*connection);
                                  return connection;
                                }};
}

net::WebSocketEndpoint HelplineService::CounselorEndpoint(std::shared_ptr<const net::OriginList> allowed_origins) {
  return net::WebSocketEndpoint{std::move(allowed_origins), [this](net::WebSocketPeer& peer, const net::HttpRequest&) {
                                  auto connection = std::make_unique<CounselorConnection>(*this, peer, now());
                                  unidentified_.insert(connection.get());
                                  return connection;
                                }};
}

std::size_t HelplineService::Restore() {
  if (!environment_.stores) return 0;
  auto live = environment_.stores->conversations().ListLive();
  if (!live) {
    log::Error("helpline.restore_failed", {{"error", storage::CodeName(live.error().code)}});
    return 0;
  }
  std::size_t restored = 0;
  for (const auto& stored : live->conversations) {
    auto command = ToRestoreCommand(stored);
    if (!command) continue;
    ChatRoute& route = routes_.try_emplace(command->chat, ChatRoute{command->chat, {}, nullptr, {}, {}, 0, ChatRelay(options_.relay)})
                           .first->second;
    std::copy_n(stored.resume_verifier.begin(), std::min(stored.resume_verifier.size(), route.resume_verifier.size()),
                route.resume_verifier.begin());
    route.current_leg = command->leg;
    if (command->counselor) route.holders[command->leg] = *command->counselor;
    Apply(core_.Handle(*command, now()));
    ++restored;
  }
  log::Info("helpline.restored", {{"chats", restored}, {"unreadable", live->unreadable}});
  RestoreDuty();
  return restored;
}

void HelplineService::RestoreDuty() {
  std::size_t unreadable = 0;
  auto kept = environment_.stores->sessions().ListDuty(&unreadable);
  if (!kept) {
    log::Error("helpline.duty_restore_failed", {{"error", storage::CodeName(kept.error().code)}});
    return;
  }
  std::size_t restored = 0;
  for (const storage::DutyEntry& entry : *kept) {
    auto account = environment_.stores->accounts().Get(entry.handle);
    bool usable = account && *account && (*account)->status == storage::AccountStatus::kActive &&
                  !(*account)->certificate.empty();
    if (!usable) continue;  // revoked or gone since: its record expires on its own
    bool away = entry.state == storage::DutyRecord::kAway;
    Run(core::RestoreDuty{entry.handle, ProfileOf(**account), away});
    kept_duty_[entry.handle] = away ? core::CounselorState::kAway : core::CounselorState::kAvailable;
    ++restored;
  }
  duty_refreshed_at_ = now();
  log::Info("helpline.duty_restored", {{"counselors", restored}, {"unreadable", unreadable}});
}

void HelplineService::KeepDuty(const core::CounselorHandle& counselor, core::CounselorState state, bool refresh) {
  if (!environment_.stores) return;
  auto kept = kept_duty_.find(counselor);
  core::CounselorState before = kept == kept_duty_.end() ? core::CounselorState::kOffDuty : kept->second;
  if (before == state && !refresh) return;
  if (state == core::CounselorState::kOffDuty) {
    kept_duty_.erase(counselor);
  } else {
    kept_duty_[counselor] = state;
  }
  environment_.run_blocking([stores = environment_.stores, metrics = environment_.metrics, counselor, state] {
    auto written = state == core::CounselorState::kOffDuty
                       ? stores->sessions().DeleteDuty(counselor)
                       : stores->sessions().PutDuty(counselor, state == core::CounselorState::kAway
                                                                   ? storage::DutyRecord::kAway
                                                                   : storage::DutyRecord::kAvailable);
    if (!written) {
      // The counselor stays on duty; only a restart now would take her off it.
      if (metrics) ++metrics->storage_failures;
      log::Error("helpline.duty_not_kept", {{"error", storage::CodeName(written.error().code)}});
    }
  });
}

// --- visitors ---

void HelplineService::Welcome(VisitorConnection& connection) {
  if (!join_pressure_.High(now(), core_.waiting())) {
    connection.SendText(welcome_);
    return;
  }
  // Under pressure a place in the queue costs the joiner CPU time: a flood pays for each one.
  JoinPuzzle puzzle = NewJoinPuzzle(options_.puzzle);
  connection.GivePuzzle(puzzle, options_.puzzle.timeout);
  if (environment_.metrics) ++environment_.metrics->puzzles_issued;
  connection.SendText(WelcomeMessage(options_, &puzzle));
}

void HelplineService::VisitorJoin(VisitorConnection& connection, const JoinRequest& request) {
  if (connection.route) {
    connection.ProtocolError(ControlError::kNotAllowedNow);
    return;
  }
  unidentified_.erase(&connection);
  join_pressure_.Asked(now());
  if (connection.puzzle() && !Solves(*connection.puzzle(), request.solution)) {
    log::Info("helpline.join_puzzle_failed");
    CountError(ControlErrorName(ControlError::kBadSolution));
    connection.SendText(ErrorMessage(ControlError::kBadSolution));
    connection.Close(net::kClosePolicy, "puzzle not solved");
    return;
  }
  if (!visitor_joins_.TryTake(connection.client(), now())) {
    log::Info("helpline.join_rate_limited");
    connection.SendText(RefusedMessage("rate_limited"));
    connection.Close(net::kCloseNormal, "rate limited");
    return;
  }
  if (WaitingFrom(connection.client()) >= options_.max_waiting_per_network) {
    // One network cannot fill the queue: its extra visitors hear busy, with the numbers.
    log::Info("helpline.join_refused_network");
    if (environment_.metrics) ++environment_.metrics->chats_refused;
    connection.SendText(RefusedMessage("busy"));
    connection.Close(net::kCloseNormal, "refused");
    return;
  }
  if (!environment_.admits_new_chats()) {
    // A chat that could not be stored would be lost by a restart: busy, with the numbers.
    log::Info("helpline.join_refused_storage");
    if (environment_.metrics) ++environment_.metrics->chats_refused;
    connection.SendText(RefusedMessage("busy"));
    connection.Close(net::kCloseNormal, "refused");
    return;
  }
  core::ChatId chat;
  randombytes_buf(chat.bytes.data(), chat.bytes.size());
  Token token{};
  randombytes_buf(token.data(), token.size());
  core::Effects effects = core_.Handle(core::JoinQueue{chat, request.profile}, now());
  for (const auto& effect : effects) {
    if (const auto* refused = std::get_if<core::Refused>(&effect)) {
      connection.SendText(RefusedMessage(refused->reason == core::RefusalReason::kOffline ? "offline" : "busy"));
      connection.Close(net::kCloseNormal, "refused");
      return;
    }
  }
  ChatRoute& route =
      routes_.try_emplace(chat, ChatRoute{chat, Verifier(token), &connection, connection.client(), {}, 0, ChatRelay(options_.relay)})
          .first->second;
  connection.route = &route;
  std::string joined = JoinedMessage(chat, token, core_.FindChat(chat)->lane);
  sodium_memzero(token.data(), token.size());
  // `joined` hands out the resume token, so it waits until the chat's record is synced: a
  // server killed after it restores the chat and the token works. Whatever the chat sends the
  // visitor meanwhile (its place in the queue, an assignment) follows `joined`.
  connection.Hold();
  joining_[chat] = true;
  Apply(effects);  // queues the record's write
  AfterQueuedWrites([this, alive = connection.liveness(), &connection, chat, joined = std::move(joined)]() mutable {
    if (alive.expired()) {
      joining_.erase(chat);
      return;
    }
    AnswerJoin(connection, chat, std::move(joined));
  });
}

std::uint32_t HelplineService::WaitingFrom(const net::ClientKey& network) const {
  std::uint32_t waiting = 0;
  for (const auto& [chat, route] : routes_) {
    if (route.network != network) continue;
    const core::Conversation* conversation = core_.FindChat(chat);
    if (conversation && (conversation->state == core::ChatState::kWaiting || conversation->state == core::ChatState::kOffered)) ++waiting;
  }
  return waiting;
}

void HelplineService::AnswerJoin(VisitorConnection& connection, const core::ChatId& chat, std::string joined) {
  auto joining = joining_.find(chat);
  bool saved = joining == joining_.end() || joining->second;
  if (joining != joining_.end()) joining_.erase(joining);
  if (saved) {
    connection.Release(std::move(joined));
    return;
  }
  // Not on disk (a full or failing disk): the visitor is not kept waiting for a chat a restart
  // would lose; it hears busy, with the numbers, like any refusal.
  sodium_memzero(joined.data(), joined.size());
  connection.Discard();
  connection.SendText(RefusedMessage("busy"));
  connection.Close(net::kCloseNormal, "refused");
  if (ChatRoute* route = connection.route; route && route->chat == chat) {
    route->visitor = nullptr;  // it has its answer; the chat leaves the queue without a word to it
    connection.route = nullptr;
    Run(core::LeaveChat{chat});
    EndRoute(chat);
  }
}

void HelplineService::VisitorResume(VisitorConnection& connection, const ResumeRequest& request) {
  if (connection.route) {
    connection.ProtocolError(ControlError::kNotAllowedNow);
    return;
  }
  unidentified_.erase(&connection);
  auto it = routes_.find(request.chat);
  crypto::Digest presented = Verifier(request.resume_token);
  const core::Conversation* chat = core_.FindChat(request.chat);
  if (it == routes_.end() || !chat || chat->state == core::ChatState::kEnded ||
      sodium_memcmp(presented.data(), it->second.resume_verifier.data(), presented.size()) != 0) {
    connection.SendText(ErrorMessage(ControlError::kUnknownChat));
    connection.Close(net::kCloseNormal, "unknown chat");
    return;
  }
  ChatRoute& route = it->second;
  if (route.visitor && route.visitor != &connection) {
    route.visitor->route = nullptr;
    route.visitor->Close(4009, "replaced by a newer connection");
  }
  route.visitor = &connection;
  connection.route = &route;
  std::optional<CounselorCard> card;
  if (auto holder = route.holders.find(route.current_leg); holder != route.holders.end()) {
    card = CounselorCard{holder->second, NameOf(holder->second)};
  }
  connection.SendText(ResumedMessage(chat->state, route.current_leg, card));
  route.relay.ForEach(RelayDirection::kToVisitor, [&](std::uint16_t, const ChatRelay::Frame& frame) {
    connection.SendFrame(frame);
  });
  if (card) {
    if (CounselorConnection* counselor = Counselor(card->handle)) {
      counselor->SendText(CounselorPeerMessage(route.chat, true));
    }
  }
  Run(core::VisitorConnection{request.chat, true});
}

void HelplineService::VisitorLeave(VisitorConnection& connection) {
  unidentified_.erase(&connection);
  if (connection.route) {
    core::ChatId chat = connection.route->chat;
    connection.route->relay.Clear();  // a quick exit leaves nothing behind, at once
    // The visitor hears nothing more (no `ended`: it knows why the chat ended, protocol 11.2)
    // and is closed at once, without waiting for the chat's end to be synced.
    connection.route->visitor = nullptr;
    connection.route = nullptr;
    Run(core::LeaveChat{chat});
    EndRoute(chat);
  }
  connection.Close(net::kCloseNormal, "left");
}

namespace {

// What a frame costs its sender, by kind (protocol 10, frame limits).
FrameCharge ChargeOf(FrameLedger& ledger, const EnvelopeHeader& header, RelayDirection sent_towards) {
  RelayDirection acked_frames_went =
      sent_towards == RelayDirection::kToCounselor ? RelayDirection::kToVisitor : RelayDirection::kToCounselor;
  switch (header.type) {
    case EnvelopeType::kData: return ledger.Data(sent_towards, header.leg, header.seq);
    case EnvelopeType::kAck: return ledger.Ack(acked_frames_went, header.leg, header.seq);
    case EnvelopeType::kResend: return FrameCharge::kResent;
  }
  return FrameCharge::kNew;
}

}  // namespace

void HelplineService::VisitorFrame(VisitorConnection& connection, std::string_view message) {
  auto header = ParseEnvelope(message);
  ChatRoute* route = connection.route;
  if (!header || !route || header->chat != route->chat || header->leg > route->current_leg) {
    if (connection.AllowFrame(FrameCharge::kNew)) connection.ProtocolError(ControlError::kBadFrame);
    return;
  }
  if (!connection.AllowFrame(ChargeOf(route->ledger, *header, RelayDirection::kToCounselor))) return;
  auto frame = std::make_shared<const std::string>(message);
  if (environment_.metrics) {
    environment_.metrics->frames[0].fetch_add(1, std::memory_order_relaxed);
    environment_.metrics->bytes[0].fetch_add(message.size(), std::memory_order_relaxed);
  }
  switch (header->type) {
    case EnvelopeType::kData: route->relay.Hold(RelayDirection::kToCounselor, header->leg, header->seq, frame); break;
    case EnvelopeType::kAck: route->relay.Acknowledge(RelayDirection::kToVisitor, header->leg, header->seq); break;
    case EnvelopeType::kResend: break;
  }
  SendToHolder(*route, header->leg, frame);
}

void HelplineService::VisitorClosed(VisitorConnection& connection) {
  unidentified_.erase(&connection);
  --visitor_connections_;
  ChatRoute* route = connection.route;
  if (!route || route->visitor != &connection) return;
  route->visitor = nullptr;
  if (auto holder = route->holders.find(route->current_leg); holder != route->holders.end()) {
    if (CounselorConnection* counselor = Counselor(holder->second)) {
      counselor->SendText(CounselorPeerMessage(route->chat, false));
    }
  }
  Run(core::VisitorConnection{route->chat, false});
}

// --- counselors ---

void HelplineService::CounselorAuth(CounselorConnection& connection, const AuthRequest& request) {
  if (!environment_.stores) {
    connection.SendText(ErrorMessage(ControlError::kAuthFailed));
    connection.Close(4001, "authentication failed");
    return;
  }
  connection.authenticating = true;
  auto alive = connection.liveness();
  CounselorConnection* target = &connection;
  environment_.run_blocking([this, alive, target, ticket = request.ticket] {
    std::optional<CounselorConnection::Identity> identity;
    bool revoked = false;
    auto handle = environment_.stores->sessions().ConsumeTicket(ticket);
    if (handle && *handle) {
      auto account = environment_.stores->accounts().Get(**handle);
      if (account && *account) {
        revoked = (*account)->status == storage::AccountStatus::kRevoked;
        bool usable = (*account)->status == storage::AccountStatus::kActive && !(*account)->certificate.empty();
        if (usable) {
          identity = CounselorConnection::Identity{
              (*account)->handle, (*account)->display_name,
              (*account)->role == storage::AccountRole::kSupervisor ? "supervisor" : "counselor",
              ProfileOf(**account), crypto::ToHex((*account)->certificate)};
        }
      }
    }
    environment_.run_on_loop([this, alive, target, identity = std::move(identity), revoked]() mutable {
      if (alive.expired()) return;  // the connection left while we looked
      target->authenticating = false;
      if (!identity) {
        target->SendText(ErrorMessage(ControlError::kAuthFailed));
        target->Close(revoked ? 4003 : 4001, "authentication failed");
        return;
      }
      FinishAuth(*target, std::move(*identity));
    });
  });
}

void HelplineService::FinishAuth(CounselorConnection& connection, CounselorConnection::Identity identity) {
  unidentified_.erase(&connection);
  if (CounselorConnection* previous = Counselor(identity.handle); previous && previous != &connection) {
    previous->identity.reset();  // it no longer speaks for this counselor
    previous->Close(4009, "replaced by a newer connection");
  }
  std::string handle = identity.handle;
  connection.identity = std::move(identity);
  counselors_[handle] = &connection;
  std::vector<ReadyChat> chats;
  if (const core::Counselor* known = core_.FindCounselor(handle)) {
    for (const core::ChatId& id : known->chats) {
      if (const core::Conversation* chat = core_.FindChat(id)) {
        chats.push_back(ReadyChat{id, chat->leg, chat->state, chat->lane, chat->profile});
      }
    }
  }
  const auto& me = *connection.identity;
  connection.SendText(ReadyMessage(CounselorCard{me.handle, me.name}, me.role, me.profile.max_chats, options_, chats));
  Audit(handle, "login");
  // Frames that arrived for its chats while it was away, and the visitors' news that it is back.
  for (const ReadyChat& ready : chats) {
    auto route = routes_.find(ready.chat);
    if (route == routes_.end()) continue;
    route->second.relay.ForEach(RelayDirection::kToCounselor, [&](std::uint16_t leg, const ChatRelay::Frame& frame) {
      if (route->second.holders[leg] == handle) connection.SendFrame(frame);
    });
    if (route->second.visitor) route->second.visitor->SendText(VisitorPeerMessage(true));
  }
  Run(core::CounselorConnection{handle, true, me.profile.max_chats});
}

void HelplineService::CounselorCommand(CounselorConnection& connection, const CounselorMessage& message) {
  const auto& me = *connection.identity;
  std::visit(Overloaded{
                 [](const AuthRequest&) {},
                 [&](const DutyRequest& request) {
                   const core::Counselor* known = core_.FindCounselor(me.handle);
                   bool on_duty = known && known->OnDuty();
                   switch (request.state) {
                     case DutyState::kAvailable:
                       if (on_duty) {
                         Run(core::SetAway{me.handle, false});
                       } else {
                         Run(core::GoOnDuty{me.handle, me.profile});
                       }
                       break;
                     case DutyState::kAway: Run(core::SetAway{me.handle, true}); break;
                     case DutyState::kOff: Run(core::GoOffDuty{me.handle}); break;
                   }
                   Audit(me.handle, request.state == DutyState::kOff         ? "off_duty"
                                    : request.state == DutyState::kAway      ? "away"
                                                                             : "available");
                   BroadcastQueueOverview();
                 },
                 [&](const TakeNextRequest&) { Run(core::TakeNext{me.handle}); },
                 [&](const AnswerOfferRequest& request) { Run(core::AnswerOffer{me.handle, request.chat, request.accept}); },
                 [&](const ColleaguesRequest&) { SendColleagues(connection); },
                 [&](const TransferRequest& request) { Run(core::RequestTransfer{me.handle, request.chat, request.to, request.note}); },
                 [&](const AnswerTransferRequest& request) {
                   Run(core::AnswerTransfer{me.handle, request.chat, request.accept});
                 },
                 [&](const EndRequest& request) { Run(core::EndChat{me.handle, request.chat}); },
                 [&](const ReleaseRequest& request) { Run(core::ReleaseChat{me.handle, request.chat}); },
                 [&](const WrapUpRequest& request) { SubmitWrapUp(connection, request); },
                 [&](const WatchRequest&) {
                   if (me.role != "supervisor") {
                     CountError("not_allowed");
                     connection.SendText(NotAllowedMessage());
                     return;
                   }
                   watchers_.insert(&connection);
                   last_snapshot_.clear();  // the newcomer gets one at once
                   SendSnapshots(false);
                 },
             },
             message);
}

void HelplineService::SubmitWrapUp(CounselorConnection& connection, const WrapUpRequest& request) {
  auto known = [](const std::vector<std::string>& allowed, const std::string& code) {
    return std::ranges::find(allowed, code) != allowed.end();
  };
  bool valid = known(options_.wrap_up_outcomes, request.outcome) &&
               std::ranges::all_of(request.categories, [&](const auto& c) { return known(options_.wrap_up_categories, c); });
  if (!valid) {
    // A refusal, not a broken client: the codes come from config, which a reload may change
    // under an open console. Never counted towards max_protocol_errors.
    CountError(ControlErrorName(ControlError::kBadWrapUp));
    connection.SendText(RejectedMessage(ControlError::kBadWrapUp, request.chat));
    return;
  }
  pending_wrap_ups_[request.chat] = {connection.identity->handle, request};
  Run(core::SubmitWrapUp{connection.identity->handle, request.chat});
  pending_wrap_ups_.erase(request.chat);  // consumed by Count() if the core accepted it
}

void HelplineService::SendColleagues(CounselorConnection& connection) {
  std::vector<ColleagueEntry> list;
  for (const auto& [handle, other] : counselors_) {
    if (other == &connection || !other->identity) continue;
    const core::Counselor* known = core_.FindCounselor(handle);
    if (!known || !known->OnDuty()) continue;
    list.push_back(ColleagueEntry{handle, other->identity->name, known->Reachable() && known->HasCapacity(),
                                  other->identity->certificate_hex});
  }
  connection.SendText(ColleaguesMessage(list));
}

void HelplineService::CounselorFrame(CounselorConnection& connection, std::string_view message) {
  auto header = ParseEnvelope(message);
  auto route = header ? routes_.find(header->chat) : routes_.end();
  if (!header || route == routes_.end()) {
    // A frame for a chat that just ended is harmless; anything else is a broken client.
    if (connection.AllowFrame(FrameCharge::kNew) && !header) connection.ProtocolError(ControlError::kBadFrame);
    return;
  }
  auto holder = route->second.holders.find(header->leg);
  if (holder == route->second.holders.end() || holder->second != connection.identity->handle) {
    // Frames racing a transfer or a requeue (the counselor wrote as the leg moved on) are
    // refused and dropped, not counted as a broken client (protocol 12.1).
    if (!connection.AllowFrame(FrameCharge::kNew)) return;
    CountError("not_your_chat");
    connection.SendText(RejectedMessage(core::RejectionCode::kNotYourChat, header->chat));
    return;
  }
  if (!connection.AllowFrame(ChargeOf(route->second.ledger, *header, RelayDirection::kToVisitor))) return;
  auto frame = std::make_shared<const std::string>(message);
  if (environment_.metrics) {
    environment_.metrics->frames[1].fetch_add(1, std::memory_order_relaxed);
    environment_.metrics->bytes[1].fetch_add(message.size(), std::memory_order_relaxed);
  }
  ChatRoute& chat = route->second;
  switch (header->type) {
    case EnvelopeType::kData: chat.relay.Hold(RelayDirection::kToVisitor, header->leg, header->seq, frame); break;
    case EnvelopeType::kAck: chat.relay.Acknowledge(RelayDirection::kToCounselor, header->leg, header->seq); break;
    case EnvelopeType::kResend: break;
  }
  if (chat.visitor) chat.visitor->SendFrame(frame);
}

void HelplineService::CounselorClosed(CounselorConnection& connection) {
  unidentified_.erase(&connection);
  watchers_.erase(&connection);
  if (!connection.identity) return;
  std::string handle = connection.identity->handle;
  auto it = counselors_.find(handle);
  if (it == counselors_.end() || it->second != &connection) return;
  counselors_.erase(it);
  if (const core::Counselor* known = core_.FindCounselor(handle)) {
    for (const core::ChatId& id : known->chats) {
      auto route = routes_.find(id);
      if (route != routes_.end() && route->second.visitor) route->second.visitor->SendText(VisitorPeerMessage(false));
    }
  }
  Run(core::CounselorConnection{handle, false});
}

// --- time ---

void HelplineService::Tick() {
  core::Instant current = now();
  std::vector<Connection*> late;
  for (Connection* connection : unidentified_) {
    if (current >= connection->hello_deadline()) late.push_back(connection);
  }
  for (Connection* connection : late) {
    unidentified_.erase(connection);
    connection->Close(4008, "no hello in time");
  }
  visitor_joins_.Prune(current);
  Apply(core_.Handle(core::Tick{}, current));
  // Duty records live storage.session_ttl_seconds from their last write: rewrite them hourly.
  if (current - duty_refreshed_at_ >= std::chrono::hours(1)) {
    duty_refreshed_at_ = current;
    auto kept = kept_duty_;
    for (const auto& [counselor, state] : kept) KeepDuty(counselor, state, true);
  }
  BroadcastQueueOverview();
  Measure();
  if (++ticks_ % 2 == 0) SendSnapshots(true);
}

void HelplineService::Measure() {
  core::HelplineSnapshot snapshot = core_.Snapshot(now());
  std::size_t waiting = snapshot.waiting_by_lane[0] + snapshot.waiting_by_lane[1] + snapshot.waiting_by_lane[2];
  history_.Sample(now(), waiting, snapshot.active_chats);
  metrics::HelplineMetrics* m = environment_.metrics;
  if (!m) return;
  for (int lane = 0; lane < core::kLaneCount; ++lane) m->queue_by_lane[lane] = static_cast<std::int64_t>(snapshot.waiting_by_lane[lane]);
  m->chats_active = static_cast<std::int64_t>(snapshot.active_chats);
  m->longest_wait_seconds = std::chrono::duration_cast<std::chrono::seconds>(snapshot.longest_wait).count();
  m->counselors_on_duty = snapshot.counselors_on_duty;
  m->counselors_available = snapshot.counselors_available;
  m->visitor_connections = static_cast<std::int64_t>(visitor_connections_);
  m->counselor_connections = static_cast<std::int64_t>(counselors_.size());
}

void HelplineService::SendSnapshots(bool only_if_changed) {
  if (watchers_.empty()) return;
  core::HelplineSnapshot snapshot = core_.Snapshot(now());
  auto history = history_.Buckets();
  // Compared without the time stamp: an unchanged helpline sends nothing.
  std::string comparable =
      OperatorSnapshotMessage(snapshot, history, options_.rules.service_level_target, core::Instant{});
  if (only_if_changed && comparable == last_snapshot_) return;
  last_snapshot_ = comparable;
  std::string message = OperatorSnapshotMessage(snapshot, history, options_.rules.service_level_target, now());
  for (CounselorConnection* watcher : watchers_) watcher->SendText(message);
}

void HelplineService::CountError(std::string_view code) {
  if (environment_.metrics) {
    environment_.metrics->errors[metrics::ErrorCodeIndex(code)].fetch_add(1, std::memory_order_relaxed);
  }
}

void HelplineService::UpdateOrg(OrgInfo org) {
  options_.org = std::move(org);
  welcome_ = WelcomeMessage(options_);
}

void HelplineService::Revoke(const std::string& handle) {
  Run(core::RemoveCounselor{handle});
  if (CounselorConnection* connection = Counselor(handle)) {
    counselors_.erase(handle);
    connection->identity.reset();
    connection->Close(4003, "revoked");
  }
}

void HelplineService::BroadcastQueueOverview() {
  std::string overview = QueueOverviewMessage(core_.WaitingChats(kQueueOverviewEntries), core_.waiting(), now());
  if (overview == last_overview_) return;
  last_overview_ = overview;
  for (const auto& [handle, connection] : counselors_) {
    const core::Counselor* known = core_.FindCounselor(handle);
    if (known && known->OnDuty()) connection->SendText(overview);
  }
}

// --- effects ---

void HelplineService::Apply(const core::Effects& effects) {
  // A chat's new state (queued, assigned, transferred, ended) is told to the people in it only
  // once its record is synced: a server killed after they heard it restores what they heard.
  // Relay frames to those connections wait behind it, in order; everyone else is not held.
  bool persists = std::ranges::any_of(effects, [](const core::Effect& effect) {
    return std::holds_alternative<core::Persist>(effect);
  });
  if (!persists || persisting_ || !environment_.stores) {
    for (const auto& effect : effects) Apply(effect);
    return;
  }
  persisting_ = true;
  for (const auto& effect : effects) Apply(effect);
  persisting_ = false;
  if (held_until_synced_.empty()) return;
  AfterQueuedWrites([held = std::move(held_until_synced_)] {
    for (const auto& [connection, alive] : held) {
      if (!alive.expired()) connection->Release();
    }
  });
  held_until_synced_.clear();
}

void HelplineService::HoldIfUnsynced(Connection& connection) {
  if (!persisting_ || connection.holding()) return;
  connection.Hold();
  held_until_synced_.emplace_back(&connection, connection.liveness());
}

void HelplineService::Apply(const core::Effect& effect) {
  auto visitor_of = [this](const core::ChatId& chat) -> VisitorConnection* {
    auto it = routes_.find(chat);
    return it == routes_.end() ? nullptr : it->second.visitor;
  };
  std::visit(
      Overloaded{
          [&](const core::Queued& queued) {
            if (auto* visitor = visitor_of(queued.chat)) visitor->SendText(QueueMessage(queued.status));
          },
          [&](const core::QueueUpdate& update) {
            if (auto* visitor = visitor_of(update.chat)) visitor->SendText(QueueMessage(update.status));
          },
          [&](const core::Refused&) {
            if (environment_.metrics) environment_.metrics->chats_refused.fetch_add(1, std::memory_order_relaxed);
          },
          [&](const core::Offered& offered) {
            const core::Conversation* chat = core_.FindChat(offered.chat);
            if (CounselorConnection* counselor = Counselor(offered.counselor); counselor && chat) {
              counselor->SendText(OfferMessage(*chat, now(), offered.deadline));
            }
          },
          [&](const core::OfferWithdrawn& withdrawn) {
            if (CounselorConnection* counselor = Counselor(withdrawn.counselor)) {
              counselor->SendText(OfferWithdrawnMessage(withdrawn.chat, withdrawn.reason));
            }
          },
          [&](const core::Assigned& assigned) {
            auto route = routes_.find(assigned.chat);
            const core::Conversation* chat = core_.FindChat(assigned.chat);
            if (route == routes_.end() || !chat) return;
            ChatRoute& target = route->second;
            if (assigned.leg == 0 && chat->accepted_at) {  // answered for the first time
              history_.Answered(now());
              if (environment_.metrics) {
                environment_.metrics->chats_answered.fetch_add(1, std::memory_order_relaxed);
                environment_.metrics->wait_seconds.Observe(
                    std::chrono::duration<double>(*chat->accepted_at - chat->queued_at).count());
              }
            }
            target.holders[assigned.leg] = assigned.counselor;
            target.current_leg = assigned.leg;
            // Keep the previous leg (its last frames and acks may still be in flight), no older.
            if (assigned.leg >= 2) {
              target.relay.DropLegsBefore(static_cast<std::uint16_t>(assigned.leg - 1));
              std::erase_if(target.holders, [&](const auto& entry) { return entry.first + 1 < assigned.leg; });
            }
            if (CounselorConnection* counselor = Counselor(assigned.counselor)) {
              counselor->SendText(CounselorAssignedMessage(*chat, assigned.requeued));
              target.relay.ForEach(RelayDirection::kToCounselor, [&](std::uint16_t leg, const ChatRelay::Frame& frame) {
                if (leg == assigned.leg) counselor->SendFrame(frame);
              });
            }
            if (target.visitor) {
              target.visitor->SendText(VisitorAssignedMessage(
                  assigned.leg, CounselorCard{assigned.counselor, NameOf(assigned.counselor)}, assigned.requeued));
            }
          },
          [&](const core::Requeued& requeued) {
            auto route = routes_.find(requeued.chat);
            if (route == routes_.end()) return;
            route->second.current_leg = requeued.next_leg;
            route->second.holders.clear();
            route->second.relay.DropLegsBefore(requeued.next_leg);
            if (route->second.visitor) route->second.visitor->SendText(RequeuedMessage(requeued.next_leg));
            if (CounselorConnection* previous = Counselor(requeued.previous)) {
              previous->SendText(ReleasedMessage(requeued.chat));
            }
          },
          [&](const core::TransferOffered& offered) {
            const core::Conversation* chat = core_.FindChat(offered.chat);
            if (CounselorConnection* target = Counselor(offered.to); target && chat) {
              target->SendText(TransferOfferMessage(*chat, CounselorCard{offered.from, NameOf(offered.from)}, now(),
                                                    offered.deadline, offered.note));
            }
          },
          [&](const core::TransferFinished& finished) {
            std::string text = TransferResultMessage(finished.chat, finished.to, finished.accepted);
            if (CounselorConnection* from = Counselor(finished.from)) from->SendText(text);
            if (CounselorConnection* to = Counselor(finished.to)) to->SendText(text);
          },
          [&](const core::Ended& ended) {
            if (ended.reason == core::EndReason::kAbandoned || ended.reason == core::EndReason::kExpired) {
              history_.Abandoned(now());
              if (environment_.metrics) environment_.metrics->chats_abandoned.fetch_add(1, std::memory_order_relaxed);
            }
            if (ended.counselor) {
              if (CounselorConnection* counselor = Counselor(*ended.counselor)) {
                counselor->SendText(CounselorEndedMessage(ended.chat, ended.reason));
              }
            }
            if (VisitorConnection* visitor = visitor_of(ended.chat)) {
              visitor->SendText(VisitorEndedMessage(ended.reason));
              visitor->Close(net::kCloseNormal, "ended");
            }
            EndRoute(ended.chat);
          },
          [&](const core::NothingToTake& nothing) {
            if (CounselorConnection* counselor = Counselor(nothing.counselor)) counselor->SendText(NothingToTakeMessage());
          },
          [&](const core::CounselorStatus& status) {
            if (CounselorConnection* counselor = Counselor(status.counselor)) {
              counselor->SendText(StatusMessage(status.state, status.load, status.capacity));
            }
            KeepDuty(status.counselor, status.state);
          },
          [&](const core::Rejected& rejected) {
            CountError(core::RejectionName(rejected.code));
            if (rejected.counselor) {
              if (CounselorConnection* counselor = Counselor(*rejected.counselor)) {
                counselor->SendText(RejectedMessage(rejected.code, rejected.chat));
              }
            }
          },
          [&](const core::Persist& persist) { Persist(persist.record); },
          [&](const core::RecordStatistics& statistics) { Count(statistics); },
      },
      effect);
}

void HelplineService::EndRoute(const core::ChatId& chat) {
  auto it = routes_.find(chat);
  if (it == routes_.end()) return;
  it->second.relay.Clear();
  if (it->second.visitor) it->second.visitor->route = nullptr;
  routes_.erase(it);
}

void HelplineService::SendToHolder(ChatRoute& route, std::uint16_t leg, const std::shared_ptr<const std::string>& frame) {
  auto holder = route.holders.find(leg);
  if (holder == route.holders.end()) return;  // held until a counselor takes this leg
  if (CounselorConnection* counselor = Counselor(holder->second)) counselor->SendFrame(frame);
}

CounselorConnection* HelplineService::Counselor(const std::string& handle) const {
  auto it = counselors_.find(handle);
  return it == counselors_.end() ? nullptr : it->second;
}

std::string HelplineService::NameOf(const std::string& handle) const {
  CounselorConnection* connection = Counselor(handle);
  return connection && connection->identity ? connection->identity->name : handle;
}

void HelplineService::Persist(const core::ConversationRecord& record) {
  if (!environment_.stores) return;
  crypto::Digest verifier{};
  if (auto route = routes_.find(record.chat); route != routes_.end()) verifier = route->second.resume_verifier;
  storage::ConversationRecord stored = ToStoredConversation(record, verifier);
  environment_.run_blocking([this, stored = std::move(stored), chat = record.chat] {
    auto started = std::chrono::steady_clock::now();
    auto written = environment_.stores->conversations().Put(stored);
    if (environment_.metrics) {
      environment_.metrics->storage_write_seconds.Observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
    if (!written) {
      log::Error("helpline.persist_failed", {{"error", storage::CodeName(written.error().code)}});
      if (environment_.metrics) ++environment_.metrics->storage_failures;
      // Posted before any AfterQueuedWrites continuation queued behind this write.
      environment_.run_on_loop([this, chat] {
        if (auto joining = joining_.find(chat); joining != joining_.end()) joining->second = false;
      });
    }
  });
}

void HelplineService::AfterQueuedWrites(std::function<void()> then) {
  if (!environment_.stores) {
    then();
    return;
  }
  // run_blocking keeps submission order, so this job runs after every write queued before it.
  environment_.run_blocking([this, then = std::move(then)]() mutable { environment_.run_on_loop(std::move(then)); });
}

void HelplineService::Count(const core::RecordStatistics& statistics) {
  if (!environment_.stores) return;
  const WrapUpRequest* wrap_up = nullptr;
  std::string by;
  if (statistics.wrapped_up_by) {
    auto pending = pending_wrap_ups_.find(statistics.record.chat);
    if (pending != pending_wrap_ups_.end()) {
      wrap_up = &pending->second.second;
      by = pending->second.first;
    }
  }
  storage::StatsEvent event = StatsEventFor(statistics.record, wrap_up, now());
  core::ChatId chat = statistics.record.chat;
  std::weak_ptr<void> alive;
  if (CounselorConnection* counselor = by.empty() ? nullptr : Counselor(by)) alive = counselor->liveness();
  environment_.run_blocking([this, event = std::move(event), chat, by, alive] {
    auto recorded = environment_.stores->stats().Record(event);
    bool saved = recorded.has_value();
    if (!saved) {
      if (environment_.metrics) ++environment_.metrics->storage_failures;
      log::Error("helpline.statistics_failed", {{"error", storage::CodeName(recorded.error().code)}});
    }
    if (by.empty()) return;
    environment_.run_on_loop([this, chat, by, alive, saved] {
      if (alive.expired()) return;
      if (CounselorConnection* counselor = Counselor(by)) {
        // Acknowledged only once synced to disk.
        counselor->SendText(saved ? WrapUpSavedMessage(chat) : RejectedMessage(ControlError::kStorageUnavailable, chat));
      }
    });
  });
}

void HelplineService::Audit(const std::string& actor, std::string_view action) {
  if (!environment_.stores) return;
  environment_.run_blocking([stores = environment_.stores, metrics = environment_.metrics, actor,
                             action = std::string(action)] {
    if (auto appended = stores->audit().Append(actor, action, ""); !appended) {
      if (metrics) ++metrics->storage_failures;
      log::Error("helpline.audit_failed", {{"error", storage::CodeName(appended.error().code)}});
    }
  });
}

}  // namespace haven::helpline
