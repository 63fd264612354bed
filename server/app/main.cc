// The `haven` command line: one binary for serving, the demo and (later) administration.
#include <CLI/CLI.hpp>

#include <iostream>

#include "server/app/counselor_command.h"
#include "server/app/demo_command.h"
#include "server/app/org_command.h"
#include "server/app/serve_command.h"
#include "server/app/storage_commands.h"

#include "haven_commit.h"  // generated: HAVEN_COMMIT

#ifndef HAVEN_VERSION
#error "HAVEN_VERSION must be defined by the build"
#endif

int main(int argc, char** argv) {
  CLI::App app{"Haven: a secure helpline chat server", "haven"};
  app.set_version_flag("--version", std::string("haven ") + HAVEN_VERSION + " (commit " + HAVEN_COMMIT + ")");
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
  haven::app::BackupCreateOptions backup_restore;
  auto* backup_restore_command =
      backup_command->add_subcommand("restore", "Replace the stopped server's data with a backup (keeps the old copy)");
  backup_restore_command->add_option("DIR", backup_restore.dir, "A directory made by backup create")->required();
  backup_restore_command->add_option("--config", backup_restore.config_path, "TOML config file")->required()->check(CLI::ExistingFile);
  backup_create_command->add_option("--config", backup_create.config_path, "TOML config file")
      ->required()
      ->check(CLI::ExistingFile);

  auto* storage_command = app.add_subcommand("storage", "Look at the stored data (never its contents)");
  storage_command->require_subcommand(1);
  haven::app::StorageInspectOptions inspect;
  auto* inspect_command = storage_command->add_subcommand(
      "inspect", "Counts per family, oldest and newest expiry, epoch key horizon");
  inspect_command->add_option("--config", inspect.config_path, "TOML config file")->required()->check(CLI::ExistingFile);
  haven::app::StorageInspectOptions migrate;
  auto* migrate_command = storage_command->add_subcommand(
      "migrate", "Bring data written by an older Haven to this version's format (server stopped, backup taken)");
  migrate_command->add_option("--config", migrate.config_path, "TOML config file")->required()->check(CLI::ExistingFile);
  haven::app::StorageInspectOptions trust_clock;
  auto* trust_clock_command = storage_command->add_subcommand(
      "trust-clock", "Confirm that this machine's clock is right (after a long stop or a clock fix)");
  trust_clock_command->add_option("--config", trust_clock.config_path, "TOML config file")->required()->check(CLI::ExistingFile);

  haven::app::CounselorOptions counselor;
  auto* counselor_command = app.add_subcommand("counselor", "Invite, certify and revoke counselors");
  counselor_command->require_subcommand(1);
  auto with_config = [&counselor](CLI::App* command) {
    command->add_option("--config", counselor.config_path, "The server's config file")->required();
    return command;
  };
  auto* invite_command = with_config(counselor_command->add_subcommand("invite", "Create an account and its enrolment code"));
  invite_command->add_option("handle", counselor.handle, "Pseudonymous handle: a-z, 0-9 and -")->required();
  invite_command->add_option("--name", counselor.name, "The name visitors see (default: the handle)");
  invite_command->add_option("--role", counselor.role, "counselor or supervisor")->capture_default_str();
  invite_command->add_option("--languages", counselor.languages, "Languages spoken, e.g. bg,en")->delimiter(',');
  invite_command->add_option("--skills", counselor.skills, "Skills, e.g. child,adult")->delimiter(',');
  invite_command->add_option("--max-chats", counselor.max_chats, "Chats at once")->capture_default_str();
  auto* certify_command = with_config(counselor_command->add_subcommand("certify", "Sign an enrolled counselor's key"));
  certify_command->add_option("handle", counselor.handle)->required();
  certify_command->add_option("--days", counselor.days, "Validity, at most 30")->capture_default_str();
  certify_command->add_option("--passphrase-file", counselor.passphrase_file, "The org signing key's passphrase");
  auto* revoke_command = with_config(counselor_command->add_subcommand("revoke", "End a counselor's access at once"));
  revoke_command->add_option("handle", counselor.handle)->required();
  revoke_command->add_option("--passphrase-file", counselor.passphrase_file, "The org signing key's passphrase");
  auto* list_command = with_config(counselor_command->add_subcommand("list", "List the accounts"));

  haven::app::StatsExportOptions stats_export;
  auto* stats_command = app.add_subcommand("stats", "Statistics, suppressed below five");
  stats_command->require_subcommand(1);
  auto* export_command = stats_command->add_subcommand("export", "Write the statistics as CSV to standard output");
  export_command->add_option("--config", stats_export.config_path, "The server's config file")->required();
  export_command->add_option("--from", stats_export.from, "First ISO week, e.g. 2027-W01")->required();
  export_command->add_option("--to", stats_export.to, "Last ISO week, e.g. 2027-W13")->required();
  export_command->add_option("--group", stats_export.group, "week or month")->capture_default_str();
  export_command->add_option("--format", stats_export.format, "csv")->capture_default_str();

  CLI11_PARSE(app, argc, argv);
  if (*export_command) return haven::app::RunStatsExport(stats_export);
  if (*invite_command) return haven::app::RunCounselorInvite(counselor);
  if (*certify_command) return haven::app::RunCounselorCertify(counselor);
  if (*revoke_command) return haven::app::RunCounselorRevoke(counselor);
  if (*list_command) return haven::app::RunCounselorList(counselor);
  if (*backup_create_command) return haven::app::RunBackupCreate(backup_create);
  if (*backup_restore_command) return haven::app::RunBackupRestore(backup_restore);
  if (*inspect_command) return haven::app::RunStorageInspect(inspect);
  if (*trust_clock_command) return haven::app::RunStorageTrustClock(trust_clock);
  if (*migrate_command) return haven::app::RunStorageMigrate(migrate);
  if (*org_init_command) return haven::app::RunOrgInit(org_init);
  if (*signing_command) return haven::app::RunOrgSigningKey(signing);
  if (*serve_command) return haven::app::RunServeCommand(serve);
  if (*demo_command) return haven::app::RunDemoCommand(demo_port);
  return 2;
}
