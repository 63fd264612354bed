// Fitting server.max_connections into the process's file-descriptor limit.
//
// Every connection is a descriptor; so are RocksDB's files, the log, the admin socket and each
// accept that is about to be refused. With the soft limit below max_connections the listener
// fails to accept (EMFILE) and /healthz and the admin socket stop answering long before the
// connection cap is reached. At start the soft limit is raised to the hard one, and the
// connections that fit beside server.reserved_descriptors are what the cap becomes.
#pragma once

#include <cstdint>
#include <expected>
#include <string>

namespace haven::net {

struct DescriptorBudget {
  std::uint64_t soft_limit = 0;  // after raising
  int max_connections = 0;       // what fits beside the reserve (at most the configured number)
};

// Raises RLIMIT_NOFILE's soft limit to its hard limit, then fits `wanted` connections beside
// `reserve` descriptors. An error when not even a handful of connections fit.
std::expected<DescriptorBudget, std::string> FitConnectionsToDescriptors(int wanted, int reserve);

}  // namespace haven::net
