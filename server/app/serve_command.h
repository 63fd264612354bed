// `haven serve`: run the helpline server from a config file, or only check the file.
#pragma once

#include <string>
#include <vector>

#include "server/config/config.h"

namespace haven::app {

struct ServeOptions {
  std::string config_path;
  bool check_only = false;
};

// Returns the process exit code.
int RunServeCommand(const ServeOptions& options);

// Runs a server with an already validated config until it is signalled to stop. With
// `demo_notes`, they are printed (after the URL) once the port is bound. SIGHUP re-reads
// `config_path` (when given) and applies what config_reload.h says a reload may change.
int Serve(const Config& config, const std::vector<std::string>* demo_notes = nullptr,
          const std::string& config_path = {});

}  // namespace haven::app
