#include "bench/process_probe.h"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace haven::bench {

std::optional<ProcessSample> SampleProcess(int pid) {
  ProcessSample sample;
  sample.at = std::chrono::steady_clock::now();
  std::string base = "/proc/" + std::to_string(pid);
  std::ifstream stat(base + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return std::nullopt;
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14) utime = std::stoll(field);
    if (index == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  long ticks = ::sysconf(_SC_CLK_TCK);
  sample.cpu = std::chrono::microseconds((utime + stime) * 1000000 / ticks);
  std::ifstream status(base + "/status");
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) {
      sample.rss_bytes = std::stoll(line.substr(6)) * 1024;
      break;
    }
  }
  return sample;
}

ProcessSample SampleMachine() {
  ProcessSample sample;
  sample.at = std::chrono::steady_clock::now();
  std::ifstream stat("/proc/stat");
  std::string cpu;
  long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) {
    long ticks = ::sysconf(_SC_CLK_TCK);
    sample.cpu = std::chrono::microseconds((user + nice + system + irq + softirq + steal) * 1000000 / ticks);
  }
  return sample;
}

double CoresUsed(const ProcessSample& before, const ProcessSample& after) {
  double wall = std::chrono::duration<double>(after.at - before.at).count();
  double cpu = std::chrono::duration<double>(after.cpu - before.cpu).count();
  return wall > 0 ? cpu / wall : 0.0;
}

bool PinProcess(int pid, int cpu) {
  if (cpu < 0 || cpu >= CPU_SETSIZE) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  std::string tasks = "/proc/" + (pid == 0 ? std::string("self") : std::to_string(pid)) + "/task";
  bool all = true;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(tasks, ec)) {
    pid_t tid = static_cast<pid_t>(std::stol(entry.path().filename().string()));
    if (::sched_setaffinity(tid, sizeof set, &set) != 0) all = false;
  }
  return all && !ec;
}

int AvailableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  return CPU_COUNT(&set);
}

long RaiseFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  ::getrlimit(RLIMIT_NOFILE, &limit);
  return static_cast<long>(limit.rlim_cur);
}

}  // namespace haven::bench
