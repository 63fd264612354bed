#include "server/app/admin_channel.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

#include "server/app/admin_service.h"
#include "server/app/org_files.h"
#include "server/app/storage_commands.h"
#include "storage/storage_runtime.h"

namespace haven::app {
namespace {

// Connects to a Unix socket at `path`; -1 when nothing listens there.
int ConnectTo(const std::string& path) {
  if (path.size() >= sizeof(sockaddr_un::sun_path)) return -1;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// The server answers one line per connection: each call connects anew.
class SocketChannel final : public AdminChannel {
 public:
  explicit SocketChannel(std::string path) : path_(std::move(path)) {}

  std::expected<std::string, std::string> Call(const std::string& request) override {
    fd_ = ConnectTo(path_);
    if (fd_ < 0) return std::unexpected("the server's admin socket is gone");
    struct CloseAtEnd {
      int fd;
      ~CloseAtEnd() { ::close(fd); }
    } close_at_end{fd_};
    std::string line = request + "\n";
    for (std::size_t sent = 0; sent < line.size();) {
      ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return std::unexpected("the server closed the admin socket");
      sent += static_cast<std::size_t>(n);
    }
    std::string reply;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (reply.find('\n') == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        return std::unexpected("the server did not answer in time");
      }
      char buffer[4096];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return std::unexpected("the server closed the admin socket");
      reply.append(buffer, static_cast<std::size_t>(n));
      if (reply.size() > (1 << 20)) return std::unexpected("the server's answer is too long");
    }
    reply.resize(reply.find('\n'));
    return reply;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// No server is running: open what it would have opened, and do the work here.
class InProcessChannel final : public AdminChannel {
 public:
  static std::expected<std::unique_ptr<InProcessChannel>, std::string> Open(const Config& config) {
    auto channel = std::unique_ptr<InProcessChannel>(new InProcessChannel());
    auto org = LoadOrgFiles(config.org.dir);
    if (!org) return std::unexpected(org.error());
    auto runtime = storage::StorageRuntime::Open(StorageOptionsFor(config), channel->clock_);
    if (!runtime) return std::unexpected("cannot open storage: " + runtime.error().ToString());
    channel->runtime_ = std::move(*runtime);
    channel->accounts_ = std::make_unique<auth::AccountService>(channel->runtime_->stores(), channel->clock_,
                                                                auth::AccountPolicy{});
    storage::StorageRuntime* open_runtime = channel->runtime_.get();
    channel->service_ = std::make_unique<AdminService>(
        *channel->accounts_, channel->runtime_->stores().stats(), config.org.dir, org->root_key, org->signing_certificate,
        AdminService::Hooks{{}, {}, [open_runtime](const std::filesystem::path& dir) { return open_runtime->CreateBackup(dir); }});
    return channel;
  }
  std::expected<std::string, std::string> Call(const std::string& request) override { return service_->Handle(request); }

 private:
  InProcessChannel() = default;
  storage::SystemClock clock_;
  std::unique_ptr<storage::StorageRuntime> runtime_;
  std::unique_ptr<auth::AccountService> accounts_;
  std::unique_ptr<AdminService> service_;
};

}  // namespace

std::string AdminSocketPath(const Config& config) { return config.server.data_dir + "/admin.sock"; }

bool AdminChannel::ServerIsRunning(const Config& config) {
  int probe = ConnectTo(AdminSocketPath(config));
  if (probe < 0) return false;
  ::close(probe);
  return true;
}

std::expected<std::unique_ptr<AdminChannel>, std::string> AdminChannel::Open(const Config& config) {
  std::string path = AdminSocketPath(config);
  if (int probe = ConnectTo(path); probe >= 0) {
    ::close(probe);
    return std::unique_ptr<AdminChannel>(new SocketChannel(path));
  }
  auto local = InProcessChannel::Open(config);
  if (!local) return std::unexpected(local.error());
  return std::unique_ptr<AdminChannel>(std::move(*local));
}

}  // namespace haven::app
