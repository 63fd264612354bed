// The `haven` command line: one binary for serving, the demo and (later) administration.
#include <CLI/CLI.hpp>

#include <iostream>

#include "server/app/demo_command.h"
#include "server/app/serve_command.h"

#ifndef HAVEN_VERSION
#error "HAVEN_VERSION must be defined by the build"
#endif

int main(int argc, char** argv) {
  CLI::App app{"Haven: a secure helpline chat server", "haven"};
  app.set_version_flag("--version", std::string("haven ") + HAVEN_VERSION);
  app.require_subcommand(1);

  haven::app::ServeOptions serve;
  auto* serve_command = app.add_subcommand("serve", "Run the helpline server");
  serve_command->add_option("--config", serve.config_path, "TOML config file (see ops/haven.example.toml)")
      ->required()
      ->check(CLI::ExistingFile);
  serve_command->add_flag("--check-config", serve.check_only, "Validate the config file and exit");

  std::uint16_t demo_port = 8080;
  auto* demo_command = app.add_subcommand("demo", "Run a throwaway demo helpline on localhost");
  demo_command->add_option("--port", demo_port, "Port to listen on")->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  if (*serve_command) return haven::app::RunServeCommand(serve);
  if (*demo_command) return haven::app::RunDemoCommand(demo_port);
  return 2;
}
