#include "server/app/demo_command.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "server/app/serve_command.h"
#include "server/config/config.h"
#include "server/config/config_loader.h"

namespace haven::app {

int RunDemoCommand(std::uint16_t port) {
  namespace fs = std::filesystem;
  std::string pattern = (fs::temp_directory_path() / "haven-demo-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) {
    std::cerr << "haven: cannot create a temporary data directory\n";
    return 1;
  }
  fs::path demo_dir(pattern);

  Config config;
  config.server.port = port;
  // Keys beside the data, never inside it, as in production.
  config.server.data_dir = (demo_dir / "data").string();
  config.storage.key_dir = (demo_dir / "keys").string();
  config.websocket.allowed_origins = {"http://localhost:" + std::to_string(port), "http://127.0.0.1:" + std::to_string(port)};
  int exit_code = 2;
  if (auto valid = ValidateConfig(config); !valid) {
    std::cerr << "haven: " << valid.error().ToString() << "\n";
  } else {
    exit_code = Serve(config, true);
  }
  std::error_code ignored;
  fs::remove_all(demo_dir, ignored);
  return exit_code;
}

}  // namespace haven::app
