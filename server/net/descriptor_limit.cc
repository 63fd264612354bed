#include "server/net/descriptor_limit.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace haven::net {

namespace {
// Below this many connections a helpline cannot run a shift: refuse to start rather than limp.
constexpr int kFewestConnections = 16;
}  // namespace

std::expected<DescriptorBudget, std::string> FitConnectionsToDescriptors(int wanted, int reserve) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return std::unexpected(std::string("getrlimit: ") + std::strerror(errno));
  if (limit.rlim_cur != limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    // An infinite hard limit is refused for the soft one on Linux; the kernel's nr_open caps it.
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  std::uint64_t soft = limit.rlim_cur == RLIM_INFINITY ? std::uint64_t{1} << 20 : limit.rlim_cur;
  std::uint64_t room = soft > static_cast<std::uint64_t>(reserve) ? soft - static_cast<std::uint64_t>(reserve) : 0;
  int fits = static_cast<int>(std::min<std::uint64_t>(room, static_cast<std::uint64_t>(wanted)));
  if (fits < std::min(wanted, kFewestConnections)) {
    return std::unexpected("the file-descriptor limit (" + std::to_string(soft) + ") leaves room for " +
                           std::to_string(room) + " connections beside server.reserved_descriptors (" +
                           std::to_string(reserve) + "); raise LimitNOFILE (ulimit -n) or lower the reserve");
  }
  return DescriptorBudget{soft, fits};
}

}  // namespace haven::net
