// `haven serve`: run the helpline server from a config file, or only check the file.
#pragma once

#include <string>

#include "server/config/config.h"

namespace haven::app {

struct ServeOptions {
  std::string config_path;
  bool check_only = false;
};

// Returns the process exit code.
int RunServeCommand(const ServeOptions& options);

// Runs a server with an already validated config until it is signalled to stop.
// `announce` is printed to standard output once the port is bound.
int Serve(const Config& config, bool demo);

}  // namespace haven::app
