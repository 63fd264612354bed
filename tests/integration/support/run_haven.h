// Runs the `haven` binary with arguments (a shell command line), stdin from /dev/null;
// returns its exit status and everything it printed.
#pragma once

#include <string>
#include <utility>

namespace haven::testing {

std::pair<int, std::string> RunHaven(const std::string& arguments);

}  // namespace haven::testing
