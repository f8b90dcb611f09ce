// rivulet: the server and its administration commands.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "app/app.h"
#include "app/config.h"
#include "app/automation_files.h"
#include "app/import_contacts.h"
#include "core/uuid.h"

namespace {

using rivulet::app::Config;
using rivulet::core::Status;

int Fail(const Status& st) {
  std::fprintf(stderr, "rivulet: %s\n", st.ToString().c_str());
  return 1;
}

// Settings given on the command line or in the environment, applied over the TOML file.
struct SettingInputs {
  std::optional<std::string> config_file;
  std::map<std::string, std::optional<std::string>> values;
};

void AddSettings(CLI::App* cmd, SettingInputs& in, bool all) {
  cmd->add_option("--config", in.config_file, "TOML configuration file")->envname("RIVULET_CONFIG");
  Config defaults;
  for (const auto& s : rivulet::app::Settings()) {
    if (!all && s.key != "database" && s.key != "log_level" && s.key != "sqlite_synchronous") {
      continue;
    }
    cmd->add_option(s.Flag(), in.values[s.key],
                    s.help + " [default: " + s.get(defaults) + ", env " + s.EnvName() + "]")
        ->envname(s.EnvName());
  }
}

rivulet::core::Result<Config> BuildConfig(const SettingInputs& in) {
  Config config;
  if (in.config_file) RIVULET_RETURN_IF_ERROR(rivulet::app::ApplyTomlFile(config, *in.config_file));
  // The conventional name for a database URL; --database and RIVULET_DATABASE win over it.
  if (const char* url = std::getenv("RIVULET_DATABASE_URL"); url && *url) config.database = url;
  for (const auto& s : rivulet::app::Settings()) {
    auto it = in.values.find(s.key);
    if (it != in.values.end() && it->second) RIVULET_RETURN_IF_ERROR(s.set(config, *it->second));
  }
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  return config;
}

rivulet::core::Result<rivulet::core::Workspace> FindWorkspace(rivulet::store::Store& store,
                                                              const std::string& ref) {
  rivulet::core::Workspace ws;
  RIVULET_RETURN_IF_ERROR(store.Read([&](rivulet::store::ReadTxn& txn) -> Status {
    if (rivulet::core::IsUuid(ref)) {
      RIVULET_ASSIGN_OR_RETURN(ws, txn.FindWorkspaceByUuid(rivulet::core::NormalizeUuid(ref)));
      return Status::Ok();
    }
    RIVULET_ASSIGN_OR_RETURN(auto all, txn.ListWorkspaces());
    for (auto& w : all) {
      if (w.name == ref) {
        ws = w;
        return Status::Ok();
      }
    }
    return rivulet::core::NotFound("no workspace '" + ref + "'");
  }));
  return ws;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Rivulet: a self-hosted marketing-automation engine"};
  app.require_subcommand(1);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");

  SettingInputs serve_in, migrate_in, ws_in, cred_in, import_in;

  auto* serve = app.add_subcommand("serve", "Serve the HTTP APIs");
  AddSettings(serve, serve_in, /*all=*/true);
  bool demo = false;
  serve->add_flag("--demo", demo, "Create a demo workspace with credentials on first start");

  auto* migrate = app.add_subcommand("migrate", "Apply database migrations and exit");
  AddSettings(migrate, migrate_in, false);

  auto* workspace = app.add_subcommand("workspace", "Manage workspaces");
  workspace->require_subcommand(1);
  auto* ws_create = workspace->add_subcommand("create", "Create a workspace");
  std::string ws_name, ws_uuid;
  ws_create->add_option("--name", ws_name, "Workspace name")->required();
  ws_create->add_option("--uuid", ws_uuid, "Workspace uuid (generated when absent)");
  AddSettings(ws_create, ws_in, false);
  auto* ws_list = workspace->add_subcommand("list", "List workspaces");
  AddSettings(ws_list, ws_in, false);

  auto* creds = app.add_subcommand("credentials", "Manage credentials");
  creds->require_subcommand(1);
  auto* cred_create = creds->add_subcommand("create", "Create a credential; prints its secret once");
  std::string cred_ws, cred_kind = "apikey", cred_label;
  bool cred_admin = false;
  cred_create->add_option("--workspace", cred_ws, "Workspace uuid or name");
  cred_create->add_option("--kind", cred_kind, "oauth, apikey or keypair")
      ->check(CLI::IsMember({"oauth", "apikey", "keypair"}));
  cred_create->add_option("--label", cred_label, "A label to recognise it by");
  cred_create->add_flag("--admin", cred_admin, "May manage workspaces and credentials");
  AddSettings(cred_create, cred_in, false);
  auto* cred_revoke = creds->add_subcommand("revoke", "Revoke a credential");
  int64_t cred_id = 0;
  cred_revoke->add_option("--id", cred_id, "Credential id")->required();
  AddSettings(cred_revoke, cred_in, false);

  auto* import = app.add_subcommand("import", "Import data");
  import->require_subcommand(1);
  auto* import_contacts = import->add_subcommand("contacts", "Import contacts from a CSV file");
  std::string csv_path, import_ws;
  import_contacts->add_option("file", csv_path, "CSV file with a header row")->required();
  import_contacts->add_option("--workspace", import_ws, "Workspace uuid or name")->required();
  AddSettings(import_contacts, import_in, false);

  SettingInputs automation_in;
  auto* automation = app.add_subcommand("automation", "Keep automations in files");
  automation->require_subcommand(1);
  auto* apply = automation->add_subcommand(
      "apply", "Create or replace (by uuid) the automation described in a JSON file");
  std::string apply_file, automation_ws;
  apply->add_option("-f,--file", apply_file, "Automation document (JSON)")->required();
  apply->add_option("--workspace", automation_ws, "Workspace uuid or name")->required();
  AddSettings(apply, automation_in, false);
  auto* export_cmd = automation->add_subcommand("export", "Print automations as JSON documents");
  std::string export_uuid;
  export_cmd->add_option("--workspace", automation_ws, "Workspace uuid or name")->required();
  export_cmd->add_option("--uuid", export_uuid, "Only this automation");
  AddSettings(export_cmd, automation_in, false);

  app.add_subcommand("version", "Print the version")->callback([] {
    std::printf("rivulet 0.1.0\n");
  });

  CLI11_PARSE(app, argc, argv);

  auto open = [](const SettingInputs& in) -> rivulet::core::Result<
                                               std::pair<Config, std::unique_ptr<rivulet::store::Store>>> {
    RIVULET_ASSIGN_OR_RETURN(Config config, BuildConfig(in));
    RIVULET_ASSIGN_OR_RETURN(auto store, rivulet::app::OpenStore(config));
    return std::make_pair(std::move(config), std::move(store));
  };

  if (serve->parsed()) {
    auto config = BuildConfig(serve_in);
    if (!config.ok()) return Fail(config.status());
    Status st = rivulet::app::Serve(*config, demo);
    return st.ok() ? 0 : Fail(st);
  }
  if (migrate->parsed()) {
    auto opened = open(migrate_in);
    if (!opened.ok()) return Fail(opened.status());
    std::printf("database is at the latest schema\n");
    return 0;
  }
  if (ws_create->parsed() || ws_list->parsed()) {
    auto opened = open(ws_in);
    if (!opened.ok()) return Fail(opened.status());
    auto& [config, store] = *opened;
    auto secret = rivulet::app::LoadLinkSecret(*store);
    if (!secret.ok()) return Fail(secret.status());
    rivulet::app::Engine engine(*store, config, *secret);
    if (ws_create->parsed()) {
      auto ws = engine.accounts.CreateWorkspace(ws_name, ws_uuid);
      if (!ws.ok()) return Fail(ws.status());
      std::printf("%s\t%s\n", ws->uuid.c_str(), ws->name.c_str());
      return 0;
    }
    std::vector<rivulet::core::Workspace> all;
    Status st = store->Read([&](rivulet::store::ReadTxn& txn) -> Status {
      RIVULET_ASSIGN_OR_RETURN(all, txn.ListWorkspaces());
      return Status::Ok();
    });
    if (!st.ok()) return Fail(st);
    for (const auto& w : all) std::printf("%s\t%s\n", w.uuid.c_str(), w.name.c_str());
    return 0;
  }
  if (cred_create->parsed() || cred_revoke->parsed()) {
    auto opened = open(cred_in);
    if (!opened.ok()) return Fail(opened.status());
    auto& [config, store] = *opened;
    auto secret = rivulet::app::LoadLinkSecret(*store);
    if (!secret.ok()) return Fail(secret.status());
    rivulet::app::Engine engine(*store, config, *secret);
    if (cred_revoke->parsed()) {
      Status st = engine.accounts.RevokeCredential(cred_id);
      if (!st.ok()) return Fail(st);
      std::printf("revoked credential %lld\n", static_cast<long long>(cred_id));
      return 0;
    }
    int64_t ws_id = 0;
    if (!cred_ws.empty()) {
      auto ws = FindWorkspace(*store, cred_ws);
      if (!ws.ok()) return Fail(ws.status());
      ws_id = ws->id;
    } else if (!cred_admin) {
      return Fail(rivulet::core::InvalidArgument("--workspace is required unless --admin"));
    }
    auto kind = rivulet::core::ParseCredentialKind(cred_kind);
    auto issued = engine.accounts.CreateCredential(ws_id, *kind, cred_admin, cred_label);
    if (!issued.ok()) return Fail(issued.status());
    switch (*kind) {
      case rivulet::core::CredentialKind::kOAuthClient:
        std::printf("client_id=%s\nclient_secret=%s\n", issued->id.c_str(), issued->secret.c_str());
        break;
      case rivulet::core::CredentialKind::kApiKey:
        std::printf("api_key=%s\n", issued->secret.c_str());
        break;
      case rivulet::core::CredentialKind::kKeyPair:
        std::printf("PublicKey=%s\nSecretKey=%s\n", issued->id.c_str(), issued->secret.c_str());
        break;
    }
    std::printf("credential_id=%lld\n", static_cast<long long>(issued->credential.id));
    return 0;
  }
  if (apply->parsed() || export_cmd->parsed()) {
    auto opened = open(automation_in);
    if (!opened.ok()) return Fail(opened.status());
    auto& [config, store] = *opened;
    auto ws = FindWorkspace(*store, automation_ws);
    if (!ws.ok()) return Fail(ws.status());
    auto secret = rivulet::app::LoadLinkSecret(*store);
    if (!secret.ok()) return Fail(secret.status());
    rivulet::app::Engine engine(*store, config, *secret);
    if (apply->parsed()) {
      auto result = rivulet::app::ApplyAutomationFile(engine, ws->id, apply_file);
      if (!result.ok()) return Fail(result.status());
      std::printf("%s\n", result->c_str());
      return 0;
    }
    auto text = rivulet::app::ExportAutomations(*store, ws->id, export_uuid);
    if (!text.ok()) return Fail(text.status());
    std::printf("%s\n", text->c_str());
    return 0;
  }
  if (import_contacts->parsed()) {
    auto opened = open(import_in);
    if (!opened.ok()) return Fail(opened.status());
    auto& [config, store] = *opened;
    auto secret = rivulet::app::LoadLinkSecret(*store);
    if (!secret.ok()) return Fail(secret.status());
    rivulet::app::Engine engine(*store, config, *secret);
    auto ws = FindWorkspace(*store, import_ws);
    if (!ws.ok()) return Fail(ws.status());
    std::ifstream file(csv_path, std::ios::binary);
    if (!file) return Fail(rivulet::core::NotFound("cannot read " + csv_path));
    std::stringstream text;
    text << file.rdbuf();
    auto summary = rivulet::app::ImportContactsCsv(engine, ws->id, text.str());
    if (!summary.ok()) return Fail(summary.status());
    std::printf("imported %zu rows: %zu created, %zu updated\n", summary->rows, summary->created,
                summary->updated);
    return 0;
  }
  return 0;
}
