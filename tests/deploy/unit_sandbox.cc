// unit_sandbox: runs a command under the seccomp filter that systemd builds from a unit's
// SystemCallFilter=, SystemCallErrorNumber=, MemoryDenyWriteExecute= and
// RestrictAddressFamilies= lines, so a test can start `haven serve` exactly as the shipped
// unit would confine it, on a machine where systemd itself does not run.
//
//   unit_sandbox --allow FILE [--errno NAME] [--deny-write-execute] [--families AF_X,AF_Y] -- COMMAND ARGS...
//
// FILE: the allowed system calls, one name a line (the test expands the unit's groups with
// `systemd-analyze syscall-filter`). A call outside the list kills the process with SIGSYS,
// as systemd does when SystemCallErrorNumber= is unset, or fails with that errno when set.
// --deny-write-execute: mmap/mprotect/pkey_mprotect asking for a page both writable and
// executable fail with EPERM (systemd's MemoryDenyWriteExecute=yes). --families: socket()
// for any other address family fails with EAFNOSUPPORT (RestrictAddressFamilies=).
// Names that this libseccomp does not know are skipped, as systemd skips them.
#include <errno.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: unit_sandbox --allow FILE [--errno NAME] [--deny-write-execute] [--families AF_X,...] -- "
               "COMMAND ARGS...\n");
  return 2;
}

const std::map<std::string, int> kErrnos = {{"EPERM", EPERM}, {"EACCES", EACCES}, {"ENOSYS", ENOSYS}};
const std::map<std::string, int> kFamilies = {
    {"AF_UNIX", AF_UNIX}, {"AF_INET", AF_INET}, {"AF_INET6", AF_INET6}, {"AF_NETLINK", AF_NETLINK}};

bool Check(int rc, const char* what) {
  if (rc == 0) return true;
  std::fprintf(stderr, "unit_sandbox: %s: %s\n", what, std::strerror(-rc));
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::string allow_file;
  std::string errno_name;
  bool deny_write_execute = false;
  std::set<int> families;
  int command = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--allow" && i + 1 < argc) {
      allow_file = argv[++i];
    } else if (arg == "--errno" && i + 1 < argc) {
      errno_name = argv[++i];
    } else if (arg == "--deny-write-execute") {
      deny_write_execute = true;
    } else if (arg == "--families" && i + 1 < argc) {
      std::stringstream list(argv[++i]);
      for (std::string name; std::getline(list, name, ',');) {
        auto family = kFamilies.find(name);
        if (family == kFamilies.end()) return std::fprintf(stderr, "unit_sandbox: unknown family %s\n", name.c_str()), 2;
        families.insert(family->second);
      }
    } else if (arg == "--") {
      command = i + 1;
      break;
    } else {
      return Usage();
    }
  }
  if (allow_file.empty() || command == 0 || command >= argc) return Usage();

  std::uint32_t refuse = SCMP_ACT_KILL_PROCESS;
  if (!errno_name.empty()) {
    auto found = kErrnos.find(errno_name);
    if (found == kErrnos.end()) return std::fprintf(stderr, "unit_sandbox: unknown errno %s\n", errno_name.c_str()), 2;
    refuse = SCMP_ACT_ERRNO(found->second);
  }
  scmp_filter_ctx filter = seccomp_init(refuse);
  if (!filter) return std::fprintf(stderr, "unit_sandbox: seccomp_init failed\n"), 1;

  std::ifstream names(allow_file);
  if (!names) return std::fprintf(stderr, "unit_sandbox: cannot read %s\n", allow_file.c_str()), 2;
  int allowed = 0;
  for (std::string name; std::getline(names, name);) {
    if (name.empty()) continue;
    int number = seccomp_syscall_resolve_name(name.c_str());
    if (number == __NR_SCMP_ERROR) continue;
    if (!Check(seccomp_rule_add(filter, SCMP_ACT_ALLOW, number, 0), name.c_str())) return 1;
    ++allowed;
  }
  // As systemd does, each further restriction is a filter of its own that allows by default;
  // the kernel runs them all and the strictest answer wins. The allow-list goes last, since
  // it may forbid the calls that load the others.
  std::vector<scmp_filter_ctx> filters;
  if (deny_write_execute) {
    scmp_filter_ctx memory = seccomp_init(SCMP_ACT_ALLOW);
    constexpr scmp_datum_t kWriteExecute = PROT_WRITE | PROT_EXEC;
    for (const char* name : {"mmap", "mprotect", "pkey_mprotect"}) {
      int number = seccomp_syscall_resolve_name(name);  // prot is the third argument of each
      if (!Check(seccomp_rule_add(memory, SCMP_ACT_ERRNO(EPERM), number, 1,
                                  SCMP_A2(SCMP_CMP_MASKED_EQ, kWriteExecute, kWriteExecute)),
                 name)) {
        return 1;
      }
    }
    filters.push_back(memory);
  }
  if (!families.empty()) {
    scmp_filter_ctx sockets = seccomp_init(SCMP_ACT_ALLOW);
    int number = seccomp_syscall_resolve_name("socket");
    int last = *families.rbegin();
    for (int family = 0; family < last; ++family) {
      if (families.contains(family)) continue;
      if (!Check(seccomp_rule_add(sockets, SCMP_ACT_ERRNO(EAFNOSUPPORT), number, 1, SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(family))),
                 "socket")) {
        return 1;
      }
    }
    if (!Check(seccomp_rule_add(sockets, SCMP_ACT_ERRNO(EAFNOSUPPORT), number, 1, SCMP_A0(SCMP_CMP_GT, static_cast<scmp_datum_t>(last))),
               "socket")) {
      return 1;
    }
    filters.push_back(sockets);
  }
  filters.push_back(filter);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return std::perror("unit_sandbox: no_new_privs"), 1;
  for (scmp_filter_ctx each : filters) {
    if (!Check(seccomp_load(each), "seccomp_load")) return 1;
    seccomp_release(each);
  }
  std::fprintf(stderr, "unit_sandbox: %d system calls allowed\n", allowed);
  execv(argv[command], argv + command);
  std::perror("unit_sandbox: exec");
  return 127;
}
