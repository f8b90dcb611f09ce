#include "app/automation_files.h"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "api/native/automation_json.h"

namespace rivulet::app {
namespace json = boost::json;

core::Result<std::string> ApplyAutomationFile(Engine& engine, int64_t ws, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return core::NotFound("cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  if (text.str().size() > (4 << 20)) return core::PayloadTooLarge(path + " is over 4 MiB");
  boost::system::error_code ec;
  json::value doc = json::parse(text.str(), ec);
  if (ec || !doc.is_object()) return core::InvalidArgument(path + " is not a JSON object");
  RIVULET_ASSIGN_OR_RETURN(core::Automation a, api::native::AutomationFromJson(doc.as_object()));
  std::optional<core::AutomationStatus> wanted;
  if (auto* st = doc.as_object().if_contains("status"); st && st->is_string()) {
    wanted = core::ParseAutomationStatus(st->as_string());
    if (!wanted) return core::InvalidArgument("status is not an automation status");
  }
  bool exists = false;
  if (!a.uuid.empty()) {
    RIVULET_RETURN_IF_ERROR(engine.store.Read([&](store::ReadTxn& txn) -> core::Status {
      exists = txn.FindAutomation(ws, a.uuid).ok();
      return core::Status::Ok();
    }));
  }
  std::string uuid = a.uuid;
  core::Automation saved;
  if (exists) {
    RIVULET_ASSIGN_OR_RETURN(saved, engine::WaitFor<core::Automation>([&](auto done) {
                               engine.automations.Replace(ws, uuid, a, std::move(done));
                             }));
  } else {
    RIVULET_ASSIGN_OR_RETURN(saved, engine::WaitFor<core::Automation>([&](auto done) {
                               engine.automations.Create(ws, a, std::move(done));
                             }));
  }
  // Walk the lifecycle to the wanted status: DRAFT → COMMITTED → RUNNING.
  if (wanted && *wanted != saved.status) {
    std::vector<core::AutomationStatus> path_to;
    if (*wanted == core::AutomationStatus::kRunning && saved.status == core::AutomationStatus::kDraft) {
      path_to = {core::AutomationStatus::kCommitted, core::AutomationStatus::kRunning};
    } else {
      path_to = {*wanted};
    }
    for (auto step : path_to) {
      engine::Automations::StatusChange change;
      change.status = step;
      RIVULET_ASSIGN_OR_RETURN(saved, engine::WaitFor<core::Automation>([&](auto done) {
                                 engine.automations.ChangeStatus(ws, saved.uuid, change, std::move(done));
                               }));
    }
  }
  return std::string(exists ? "replaced " : "created ") + saved.uuid + " (" +
         core::AutomationStatusName(saved.status) + ") " + saved.name;
}

core::Result<std::string> ExportAutomations(store::Store& store, int64_t ws, const std::string& uuid) {
  json::value out;
  RIVULET_RETURN_IF_ERROR(store.Read([&](store::ReadTxn& txn) -> core::Status {
    if (!uuid.empty()) {
      RIVULET_ASSIGN_OR_RETURN(core::Automation a, txn.FindAutomation(ws, uuid));
      out = api::native::AutomationToJson(a);
      return core::Status::Ok();
    }
    json::array all;
    store::AutomationFilter f;
    f.limit = 1000;
    while (true) {
      RIVULET_ASSIGN_OR_RETURN(auto page, txn.ListAutomations(ws, f));
      for (const auto& a : page) all.push_back(api::native::AutomationToJson(a));
      if (page.size() < static_cast<size_t>(f.limit)) break;
      f.after_id = page.back().id;
    }
    out = json::object{{"automations", std::move(all)}};
    return core::Status::Ok();
  }));
  return json::serialize(out);
}

}  // namespace rivulet::app
