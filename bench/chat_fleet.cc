#include "bench/chat_fleet.h"

#include <boost/asio/basic_waitable_timer.hpp>

#include <cmath>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <unistd.h>

#include "bench/run_until.h"
#include "bench/stamped_text.h"

namespace haven::bench {

using Clock = std::chrono::steady_clock;

double TrafficResult::ServerMicrosPerFrame() const {
  if (server_frames == 0) return 0;
  return static_cast<double>((server_after.cpu - server_before.cpu).count()) / static_cast<double>(server_frames);
}

ChatFleet::ChatFleet(asio::io_context& io, BenchServer& server, FleetOptions options)
    : io_(io), server_(server), options_(options) {}

ChatFleet::~ChatFleet() = default;

bool ChatFleet::RunUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  return bench::RunUntil(io_, done, timeout);
}

namespace {

// Both ends of every chat live in this process, each with its keys and stream states in
// sodium_malloc'd buffers (guard pages: two memory maps each), about seven buffers a chat.
// Past vm.max_map_count the allocation fails and libsodium's caller aborts; say so first.
void CheckMapLimit(std::size_t chats) {
  std::ifstream file("/proc/sys/vm/max_map_count");
  long limit = 0;
  if (!(file >> limit)) return;
  long needed = static_cast<long>(chats) * 16 + 20000;
  if (limit < needed) {
    throw std::runtime_error("the generator needs about " + std::to_string(needed) + " memory maps for " +
                             std::to_string(chats) + " chats' guarded key buffers, and vm.max_map_count is " +
                             std::to_string(limit) + ": raise it first, e.g. sysctl -w vm.max_map_count=262144");
  }
}

}  // namespace

void ChatFleet::Establish(std::chrono::seconds timeout) {
  CheckMapLimit(options_.chats);
  auto deadline = Clock::now() + timeout;
  std::size_t per_counselor = static_cast<std::size_t>(std::max(1, options_.chats_per_counselor));
  std::size_t counselors = (options_.chats + per_counselor - 1) / per_counselor;
  auto phase_started = Clock::now();
  auto progress = [&](const std::string& what) {
    std::cerr << "haven-bench: " << what << " in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - phase_started).count() << " ms\n";
    phase_started = Clock::now();
  };
  accounts_ = server_.Enrol(counselors, options_.chats_per_counselor, "bench");
  progress("enrolled " + std::to_string(counselors) + " counselors");
  auto cookies = server_.LogIn(accounts_);
  auto tickets = server_.Tickets(cookies);
  progress("logged them in");
  server_.Pin();

  for (std::size_t i = 0; i < counselors; ++i) {
    counselors_.push_back(std::make_unique<BenchCounselor>(i, *accounts_[i], *this));
    counselors_.back()->Connect(io_, server_.address(), tickets[i]);
  }
  auto left = [&] { return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()); };
  bool ready = RunUntil(
      [&] {
        return !failure_.empty() || std::ranges::all_of(counselors_, [](const auto& c) { return c->ready(); });
      },
      left());
  if (!ready || !failure_.empty()) throw std::runtime_error("counselors did not connect: " + failure_);
  progress("connected them");

  chats_.resize(options_.chats);
  ConnectMoreVisitors();
  bool secure = RunUntil([&] { return !failure_.empty() || secure_chats_ == options_.chats; }, left());
  if (!failure_.empty()) throw std::runtime_error(failure_);
  if (!secure) {
    throw std::runtime_error("only " + std::to_string(secure_chats_) + " of " + std::to_string(options_.chats) +
                             " chats became secure in time");
  }
  progress(std::to_string(options_.chats) + " chats joined, assigned and secure");
  // The server writes every join and assignment (synced) on its storage thread: let that
  // backlog clear before anything is measured.
  SettleServer();
  progress("server settled");
}

void ChatFleet::SettleServer() {
  ProcessSample last = server_.Sample();
  for (int i = 0; i < 100; ++i) {
    RunUntil([] { return false; }, std::chrono::milliseconds(200));
    ProcessSample now = server_.Sample();
    if (CoresUsed(last, now) < 0.03) return;
    last = now;
  }
}

void ChatFleet::ConnectMoreVisitors() {
  while (connecting_ < options_.connect_concurrency && visitors_.size() < options_.chats) {
    auto visitor = std::make_unique<BenchVisitor>(visitors_.size(), *this);
    // Visitors come from 250 loopback networks (127.0.1.1 ..): as many real visitors do, from
    // networks of their own, which the per-network limits then treat apart.
    auto source = asio::ip::make_address_v4("127.0.1." + std::to_string(1 + visitors_.size() % 250));
    visitor->Connect(io_, server_.address(), source);
    chats_[visitor->id()].visitor = visitor.get();
    visitors_.push_back(std::move(visitor));
    ++connecting_;
  }
}

void ChatFleet::OnJoined(BenchVisitor& visitor) {
  Chat& chat = chats_[visitor.id()];
  chat.id = visitor.chat();
  chat_index_[chat.id] = visitor.id();
  --connecting_;
  ConnectMoreVisitors();
}

void ChatFleet::OnRefused(BenchVisitor&, std::string_view reason) {
  if (failure_.empty()) failure_ = "a visitor was refused: " + std::string(reason);
}

void ChatFleet::OnClosed(BenchVisitor& visitor, std::optional<std::uint16_t> code) {
  if (failure_.empty()) {
    failure_ = "visitor " + std::to_string(visitor.id()) + "'s connection ended (close code " +
               (code ? std::to_string(*code) : std::string("none")) + ")";
  }
}

void ChatFleet::OnClosed(BenchCounselor& counselor, std::optional<std::uint16_t> code) {
  if (failure_.empty()) {
    failure_ = "counselor " + counselor.handle() + "'s connection ended (close code " +
               (code ? std::to_string(*code) : std::string("none")) + ")";
  }
}

void ChatFleet::OnSecure(BenchCounselor& counselor, const core::ChatId& id) {
  auto it = chat_index_.find(id);
  if (it == chat_index_.end()) return;
  Chat& chat = chats_[it->second];
  chat.counselor = &counselor;
  if (!chat.secure) {
    chat.secure = true;
    ++secure_chats_;
  }
}

void ChatFleet::OnText(BenchVisitor& visitor, std::string_view text) {
  Deliver(chats_[visitor.id()], kToVisitor, text);
}

void ChatFleet::OnText(BenchCounselor&, const core::ChatId& id, std::string_view text) {
  auto it = chat_index_.find(id);
  if (it != chat_index_.end()) Deliver(chats_[it->second], kToCounselor, text);
}

bool ChatFleet::SendText(Chat& chat, Direction direction) {
  return SendStamped(chat, direction, MonotonicNanos());
}

bool ChatFleet::SendStamped(Chat& chat, Direction direction, std::int64_t stamp_ns) {
  if (!chat.secure) return false;
  std::string text = StampedText({chat.sent[direction] + 1, stamp_ns}, options_.text_size);
  bool sent = direction == kToCounselor ? chat.visitor->Say(text) : chat.counselor->Say(chat.id, text);
  if (sent) ++chat.sent[direction];
  return sent;
}

void ChatFleet::Deliver(Chat& chat, Direction direction, std::string_view text) {
  auto stamp = ReadStamp(text);
  if (!stamp) {
    ++chat.misordered;
    return;
  }
  latency_.Record(MonotonicNanos() - stamp->sent_ns);
  ++delivered_;
  if (stamp->index == chat.received[direction] + 1) {
    ++chat.received[direction];
  } else {
    ++chat.misordered;  // a gap or a duplicate: either is a failure of exactly-once delivery
    chat.received[direction] = std::max(chat.received[direction], stamp->index);
  }
  if (traffic_ != Traffic::kClosedLoop) return;
  if (direction == kToCounselor) {
    SendText(chat, kToVisitor);
  } else if (chat.sent[kToCounselor] < closed_loop_messages_) {
    SendText(chat, kToCounselor);
  } else {
    ++closed_loop_done_;
  }
}

TrafficResult ChatFleet::Begin() {
  TrafficResult result;
  latency_.Clear();
  delivered_ = 0;
  frames_before_ = server_.RelayedFrames();
  result.server_before = server_.Sample();
  result.generator_before = *SampleProcess(static_cast<int>(::getpid()));
  result.machine_before = SampleMachine();
  return result;
}

void ChatFleet::Finish(TrafficResult& result, Clock::time_point started) {
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.server_after = server_.Sample();
  result.generator_after = *SampleProcess(static_cast<int>(::getpid()));
  result.machine_after = SampleMachine();
  result.server_frames = server_.RelayedFrames() - frames_before_;
  result.latency = latency_;
  result.messages = delivered_;
}

TrafficResult ChatFleet::RunClosedLoop(std::uint32_t messages, std::chrono::seconds timeout) {
  closed_loop_messages_ = messages;
  closed_loop_done_ = 0;
  TrafficResult result = Begin();
  traffic_ = Traffic::kClosedLoop;
  auto started = Clock::now();
  for (Chat& chat : chats_) {
    if (messages == 0 || !SendText(chat, kToCounselor)) ++closed_loop_done_;
  }
  bool done = RunUntil([&] { return !failure_.empty() || closed_loop_done_ == chats_.size(); }, timeout);
  traffic_ = Traffic::kNone;
  Finish(result, started);
  if (!done && failure_.empty()) failure_ = "the closed loop did not finish in time";
  return result;
}

TrafficResult ChatFleet::RunOpenLoop(double frames_per_second, std::chrono::milliseconds duration,
                                     const std::function<void()>& during) {
  TrafficResult result = Begin();
  traffic_ = Traffic::kOpenLoop;
  // Each text is relayed with its acknowledgement: two frames; half the texts go each way.
  double texts_per_second = frames_per_second / 4;
  auto started = Clock::now();
  std::uint64_t sent[2] = {0, 0};
  std::size_t cursor[2] = {0, chats_.size() / 2};
  bool sending = true;
  asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor> timer(io_.get_executor());
  std::function<void(const boost::system::error_code&)> tick = [&](const boost::system::error_code&) {
    auto now = Clock::now();
    double elapsed = std::chrono::duration<double>(now - started).count();
    if (now - started >= duration) {
      sending = false;
      return;
    }
    for (int d = 0; d < 2; ++d) {
      // Text k (from 0) is due at started + k / rate.
      auto due = static_cast<std::uint64_t>(elapsed * texts_per_second) + 1;
      for (std::size_t tries = 0; sent[d] < due && tries < chats_.size(); ++tries) {
        Chat& chat = chats_[cursor[d]++ % chats_.size()];
        // Stamped with when it should have left: a generator that falls behind shows as
        // latency instead of quietly sending less (no coordinated omission).
        auto scheduled = started + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(static_cast<double>(sent[d]) / texts_per_second));
        result.worst_lag_ns = std::max<std::int64_t>(
            result.worst_lag_ns, std::chrono::duration_cast<std::chrono::nanoseconds>(now - scheduled).count());
        auto stamp = std::chrono::duration_cast<std::chrono::nanoseconds>(scheduled.time_since_epoch()).count();
        if (SendStamped(chat, static_cast<Direction>(d), stamp)) ++sent[d];
      }
    }
    timer.expires_after(std::chrono::microseconds(100));
    timer.async_wait(tick);
  };
  tick({});
  if (during) during();
  RunUntil([&] { return !sending || !failure_.empty(); }, duration + std::chrono::seconds(5));
  // Let what is in flight arrive.
  RunUntil([&] { return !failure_.empty() || AllDelivered(); }, std::chrono::seconds(5));
  traffic_ = Traffic::kNone;
  timer.cancel();
  io_.poll();
  Finish(result, started);
  return result;
}

bool ChatFleet::AllDelivered() const {
  std::string ignored;
  return AllDelivered(ignored);
}

bool ChatFleet::AllDelivered(std::string& detail) const {
  for (const Chat& chat : chats_) {
    for (int d = 0; d < 2; ++d) {
      if (chat.received[d] != chat.sent[d] || chat.misordered != 0) {
        detail = "chat " + std::to_string(chat.visitor ? chat.visitor->id() : 0) + (d == 0 ? " to counselor" : " to visitor") +
                 ": sent " + std::to_string(chat.sent[d]) + ", delivered " + std::to_string(chat.received[d]) +
                 ", out of order or duplicated " + std::to_string(chat.misordered);
        return false;
      }
    }
  }
  if (!failure_.empty()) {
    detail = failure_;
    return false;
  }
  return true;
}

std::uint64_t ChatFleet::E2eErrors() const {
  std::uint64_t errors = 0;
  for (const auto& visitor : visitors_) errors += visitor->e2e_errors();
  for (const auto& counselor : counselors_) errors += counselor->e2e_errors();
  return errors;
}

}  // namespace haven::bench
