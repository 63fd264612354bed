#include "tests/integration/support/run_haven.h"

#include <sys/wait.h>

#include <cstdio>
#include <memory>

namespace haven::testing {

std::pair<int, std::string> RunHaven(const std::string& arguments) {
  std::string command = std::string(HAVEN_BINARY) + " " + arguments + " 2>&1 < /dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) output.append(buffer, n);
  int status = ::pclose(pipe.release());
  return {WEXITSTATUS(status), output};
}

}  // namespace haven::testing
