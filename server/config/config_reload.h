// What a SIGHUP may change in a running server, and what only a restart applies.
//
// Reloaded in place: websocket.allowed_origins, widget.partner_origins, log.level (and the
// log file is reopened by name, for logrotate); the org's trust material (signing
// certificate, revocation lists) is re-read from org.dir. Every other field is read once at
// start: a reload that finds it changed says so in the log and leaves it as it was.
//
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "server/config/config.h"

namespace haven {

// The config fields (section.key, or a whole section) whose new value a reload cannot apply.
std::vector<std::string> FieldsNeedingRestart(const Config& running, const Config& reread);

}  // namespace haven
