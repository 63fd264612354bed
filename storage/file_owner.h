// Who owns Haven's files. Every file Haven keeps must belong to the user it runs as: a command
// run as root on the haven user's data leaves root-owned files (a lock, a restored database)
// that the server then cannot open, with nothing but "Permission denied" to go on. So Haven
// checks first and says whose files they are and what to run.
//
// Stateless; thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace haven::storage {

// Empty when `dir` and everything in it, down to `depth` levels, belong to this process's
// effective user; otherwise a sentence naming the first file that does not, its owner, this
// user, and the commands that fix it. `what` names the directory ("data directory").
std::string OwnershipProblem(const std::filesystem::path& dir, std::string_view what, int depth = 2);

}  // namespace haven::storage
