// What the benchmark reads about a process (the server, or itself) from /proc, and how it
// pins processes to cores. Linux only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace haven::bench {

struct ProcessSample {
  std::chrono::steady_clock::time_point at;
  std::chrono::microseconds cpu{0};  // user + system time of every thread, including exited ones
  std::int64_t rss_bytes = 0;        // VmRSS
};

// Nullopt when the process is gone.
std::optional<ProcessSample> SampleProcess(int pid);

// CPU time per second of wall time between two samples of one process (1.0 = one core busy).
double CoresUsed(const ProcessSample& before, const ProcessSample& after);

// Busy time of the whole machine, every CPU (/proc/stat), as a ProcessSample without RSS:
// what the server and the generator did not use of it was taken by something else, which
// disturbs the measurement.
ProcessSample SampleMachine();

// Pins every thread of `pid` (0: this process) to `cpu`, as `taskset -a -c CPU -p PID` does.
// False if some thread could not be pinned, or the machine has no such CPU.
bool PinProcess(int pid, int cpu);

// CPUs this process may run on.
int AvailableCpus();

// Raises this process's open-file limit to its hard limit (children inherit it); returns the
// new soft limit.
long RaiseFileLimit();

}  // namespace haven::bench
