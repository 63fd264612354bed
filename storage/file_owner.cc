#include "storage/file_owner.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace haven::storage {
namespace {

namespace fs = std::filesystem;

// The login name, or "uid N" when there is none: what runuser and chown accept.
std::string LoginName(uid_t uid) {
  struct passwd* entry = ::getpwuid(uid);
  return entry ? entry->pw_name : std::to_string(uid);
}

// "nobody (uid 65534)": for sentences.
std::string UserName(uid_t uid) { return LoginName(uid) + " (uid " + std::to_string(uid) + ")"; }

// The first path under `path` (itself included) not owned by `uid`, or empty.
fs::path FirstForeign(const fs::path& path, uid_t uid, int depth) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return {};
  if (info.st_uid != uid) return path;
  if (!S_ISDIR(info.st_mode) || depth <= 0) return {};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (fs::path foreign = FirstForeign(entry.path(), uid, depth - 1); !foreign.empty()) return foreign;
  }
  return {};
}

}  // namespace

std::string OwnershipProblem(const fs::path& dir, std::string_view what, int depth) {
  uid_t me = ::geteuid();
  fs::path foreign = FirstForeign(dir, me, depth);
  if (foreign.empty()) return "";
  struct stat info {};
  ::lstat(foreign.c_str(), &info);
  struct stat top {};
  bool top_ok = ::lstat(dir.c_str(), &top) == 0;
  std::string owner = UserName(info.st_uid);
  std::string problem = std::string(what) + ": " + foreign.string() + " belongs to " + owner + ", but haven runs as " +
                        UserName(me) + ". ";
  if (me == 0 && top_ok && top.st_uid != 0) {
    // Root on the service user's data: what it wrote would lock the server out.
    return problem + "Do not run haven as root on its data: run it as the owner, e.g. runuser -u " +
           LoginName(top.st_uid) + " -- haven ...";
  }
  return problem + "A command run as another user left it. Fix: chown -R " +
         LoginName(me) + ": " + dir.string() +
         " (as root), and run every haven command as that user.";
}

}  // namespace haven::storage
