// The `haven` command line: one binary for serving, the demo and (later) administration.
#include <CLI/CLI.hpp>

#include <iostream>

#include "server/app/demo_command.h"
#include "server/app/org_command.h"
#include "server/app/serve_command.h"
#include "server/app/storage_commands.h"

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

  auto* org_command = app.add_subcommand("org", "Create and manage the organisation's keys");
  org_command->require_subcommand(1);
  haven::app::OrgInitOptions org_init;
  auto* org_init_command = org_command->add_subcommand("init", "Create the org root key (keep it offline)");
  org_init_command->add_option("--dir", org_init.dir, "Directory for the key files")->required();
  org_init_command->add_option("--passphrase-file", org_init.passphrase_file, "Read the new passphrase from a file");
  haven::app::SigningKeyOptions signing;
  auto* signing_command = org_command->add_subcommand("signing-key", "Issue the org signing key and its certificate");
  signing_command->add_option("--dir", signing.dir, "Directory holding org-root.key")->required();
  signing_command->add_option("--name", signing.organisation_name, "The organisation's name")->required();
  signing_command->add_option("--days", signing.days, "Validity, at most 366")->capture_default_str();
  signing_command->add_option("--root-passphrase-file", signing.root_passphrase_file, "The root key's passphrase");
  signing_command->add_option("--passphrase-file", signing.passphrase_file, "The new signing key's passphrase");

  auto* backup_command = app.add_subcommand("backup", "Back up the data (never the keys)");
  backup_command->require_subcommand(1);
  haven::app::BackupCreateOptions backup_create;
  auto* backup_create_command =
      backup_command->add_subcommand("create", "Write a consistent copy of the database to a new directory");
  backup_create_command->add_option("DIR", backup_create.dir, "New directory for the backup")->required();
  backup_create_command->add_option("--config", backup_create.config_path, "TOML config file")
      ->required()
      ->check(CLI::ExistingFile);

  auto* storage_command = app.add_subcommand("storage", "Look at the stored data (never its contents)");
  storage_command->require_subcommand(1);
  haven::app::StorageInspectOptions inspect;
  auto* inspect_command = storage_command->add_subcommand(
      "inspect", "Counts per family, oldest and newest expiry, epoch key horizon");
  inspect_command->add_option("--config", inspect.config_path, "TOML config file")->required()->check(CLI::ExistingFile);

  CLI11_PARSE(app, argc, argv);
  if (*backup_create_command) return haven::app::RunBackupCreate(backup_create);
  if (*inspect_command) return haven::app::RunStorageInspect(inspect);
  if (*org_init_command) return haven::app::RunOrgInit(org_init);
  if (*signing_command) return haven::app::RunOrgSigningKey(signing);
  if (*serve_command) return haven::app::RunServeCommand(serve);
  if (*demo_command) return haven::app::RunDemoCommand(demo_port);
  return 2;
}
