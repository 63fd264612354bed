// How `haven counselor ...` reaches the accounts: through the running server's admin socket
// (<data_dir>/admin.sock), or, when no server runs, by opening the storage itself and running
// the same AdminService in-process.
#pragma once

#include <expected>
#include <memory>
#include <string>

#include "server/config/config.h"

namespace haven::app {

class AdminChannel {
 public:
  static std::expected<std::unique_ptr<AdminChannel>, std::string> Open(const Config& config);
  // Whether a server answers on the admin socket right now.
  static bool ServerIsRunning(const Config& config);
  virtual ~AdminChannel() = default;
  // One request line, one reply line.
  virtual std::expected<std::string, std::string> Call(const std::string& request) = 0;
};

std::string AdminSocketPath(const Config& config);

}  // namespace haven::app
