#include "server/config/config_reload.h"

namespace haven {

std::vector<std::string> FieldsNeedingRestart(const Config& running, const Config& reread) {
  std::vector<std::string> fields;
  auto compare = [&fields](bool same, const char* name) {
    if (!same) fields.emplace_back(name);
  };
  compare(running.server == reread.server, "server");
  compare(running.http == reread.http, "http");
  // New certificate and key files are loaded on reload; switching TLS on or off is not.
  compare(running.tls.enabled() == reread.tls.enabled(), "tls");
  compare(running.tls.hsts_max_age_seconds == reread.tls.hsts_max_age_seconds, "tls.hsts_max_age_seconds");
  // Everything in [websocket] but allowed_origins, which a reload applies.
  WebSocketSettings websocket = reread.websocket;
  websocket.allowed_origins = running.websocket.allowed_origins;
  compare(running.websocket == websocket, "websocket");
  compare(running.log.file == reread.log.file, "log.file");
  compare(running.log.queue_size == reread.log.queue_size, "log.queue_size");
  compare(running.storage == reread.storage, "storage");
  compare(running.org == reread.org, "org");
  compare(running.auth == reread.auth, "auth");
  compare(running.helpline == reread.helpline, "helpline");
  compare(running.relay == reread.relay, "relay");
  compare(running.metrics == reread.metrics, "metrics");
  compare(running.testing == reread.testing, "testing");
  return fields;
}

}  // namespace haven
