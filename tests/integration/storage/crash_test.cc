// Process crash: a child process (storage_crash_writer) writes synced records and reports
// each acknowledged one; the parent kills it with SIGKILL at a random moment - sometimes
// while it is still opening and recovering - then reopens the storage itself. Over every
// iteration: every reopen succeeds, no acknowledged record is lost, no record is corrupt.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>
#include <set>
#include <string>

#include "storage/storage_runtime.h"
#include "tests/integration/storage/crash_records.h"
#include "tests/unit/storage/temp_dir.h"

#ifndef HAVEN_STORAGE_CRASH_WRITER
#error "HAVEN_STORAGE_CRASH_WRITER must name the child program"
#endif

namespace haven::storage {
namespace {

constexpr int kIterations = 60;
using Clock = std::chrono::steady_clock;

class Child {
 public:
  Child(const std::filesystem::path& data, const std::filesystem::path& keys, std::uint64_t first) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      std::string first_text = std::to_string(first);
      ::execl(HAVEN_STORAGE_CRASH_WRITER, HAVEN_STORAGE_CRASH_WRITER, data.c_str(), keys.c_str(), first_text.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    fd_ = fds[0];
  }
  ~Child() {
    if (fd_ >= 0) ::close(fd_);
  }

  // Reads what the child printed for up to `duration`; stops early at end of file.
  void ReadFor(Clock::duration duration) {
    auto deadline = Clock::now() + duration;
    while (!ended_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      pollfd poll_fd{fd_, POLLIN, 0};
      if (::poll(&poll_fd, 1, static_cast<int>(left)) <= 0) continue;
      char buffer[4096];
      ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n <= 0) {
        ended_ = true;
        break;
      }
      pending_.append(buffer, static_cast<std::size_t>(n));
      for (auto newline = pending_.find('\n'); newline != std::string::npos; newline = pending_.find('\n')) {
        std::string line = pending_.substr(0, newline);
        pending_.erase(0, newline + 1);
        if (line == "ready") ready_ = true;
        if (line.starts_with("ack ")) acknowledged_.push_back(std::stoull(line.substr(4)));
      }
    }
  }
  void WaitUntilReady(Clock::duration timeout) {
    auto deadline = Clock::now() + timeout;
    while (!ready_ && !ended_ && Clock::now() < deadline) ReadFor(std::chrono::milliseconds(10));
  }
  // SIGKILL, then collect every line already in the pipe and the exit status.
  int Kill() {
    ::kill(pid_, SIGKILL);
    ReadFor(std::chrono::seconds(10));
    int status = 0;
    ::waitpid(pid_, &status, 0);
    return status;
  }
  bool ready() const { return ready_; }
  const std::vector<std::uint64_t>& acknowledged() const { return acknowledged_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  bool ended_ = false;
  bool ready_ = false;
  std::string pending_;
  std::vector<std::uint64_t> acknowledged_;
};

TEST(StorageCrash, SigkillAtRandomMomentsLosesNothingAcknowledged) {
  ASSERT_TRUE(crypto::InitSodium());
  testing::TempDir dir;
  auto data = dir.path() / "data";
  auto keys = dir.path() / "keys";
  std::mt19937_64 random(std::random_device{}());
  SystemClock clock;
  std::set<std::uint64_t> acknowledged;
  std::size_t lost = 0, corrupt = 0, failed_reopens = 0, killed_while_opening = 0;

  for (int iteration = 0; iteration < kIterations; ++iteration) {
    Child child(data, keys, static_cast<std::uint64_t>(iteration) * 1'000'000);
    if (iteration > 0 && random() % 5 == 0) {
      child.ReadFor(std::chrono::milliseconds(random() % 30));  // kill during open and recovery
    } else {
      child.WaitUntilReady(std::chrono::seconds(20));
      ASSERT_TRUE(child.ready()) << "the writer did not start";
      child.ReadFor(std::chrono::milliseconds(5 + random() % 60));
    }
    killed_while_opening += !child.ready();
    int status = child.Kill();
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the writer failed on its own: " << status;
    acknowledged.insert(child.acknowledged().begin(), child.acknowledged().end());

    StorageOptions options;
    options.data_dir = data;
    options.key_dir = keys;
    auto runtime = StorageRuntime::Open(options, clock);
    if (!runtime) {
      ++failed_reopens;
      ADD_FAILURE() << "reopen " << iteration << ": " << runtime.error().ToString();
      continue;
    }
    // This iteration's records now; all of them, and a scan of everything, at the end.
    std::vector<std::uint64_t> to_check = child.acknowledged();
    bool last = iteration == kIterations - 1;
    if (last) to_check.assign(acknowledged.begin(), acknowledged.end());
    SealedRecords& records = (*runtime)->stores().records();
    for (std::uint64_t n : to_check) {
      auto read = records.Get(testing::CrashFamily(n), testing::CrashKey(n));
      if (!read) {
        ++corrupt;
      } else if (!*read) {
        ++lost;
      } else if (!std::ranges::equal((*read)->payload.bytes(), testing::CrashPayload(n))) {
        ++corrupt;
      }
    }
    if (!last) continue;
    for (Family family : {Family::kConversations, Family::kAudit}) {
      auto scanned = records.ForEach(family, KeyRange::All(), [&](ByteView key, const Result<Record>& record) {
        crypto::ByteReader reader(key);
        auto n = reader.U64();
        if (!record || !n || !std::ranges::equal(record->payload.bytes(), testing::CrashPayload(*n))) ++corrupt;
        return true;
      });
      if (!scanned) ++corrupt;
    }
  }
  EXPECT_GT(acknowledged.size(), 500u);
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(corrupt, 0u);
  EXPECT_EQ(failed_reopens, 0u);
  std::printf("%d SIGKILLs (%zu while opening), %zu acknowledged records, all present\n", kIterations,
              killed_while_opening, acknowledged.size());
}

}  // namespace
}  // namespace haven::storage
