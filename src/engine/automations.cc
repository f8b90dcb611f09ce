#include "engine/automations.h"

#include <map>

#include "core/step_settings.h"
#include "core/uuid.h"

namespace rivulet::engine {
using core::Automation;
using core::AutomationStatus;

namespace {

Status CheckBasics(const Automation& a) {
  if (a.name.empty() || a.name.size() > 200) {
    return core::InvalidArgument("name must be 1 to 200 characters")
        .WithField("name", "must be 1 to 200 characters");
  }
  for (const auto& s : a.steps) {
    if (!core::IsUuid(s.uuid)) {
      return core::InvalidArgument("step uuid must be a uuid").WithField("steps", "uuid " + s.uuid);
    }
  }
  return Status::Ok();
}

}  // namespace

Status Automations::Validate(store::ReadTxn& txn, const Automation& a) {
  auto problems = core::ValidateAutomation(a);
  for (const auto& s : a.steps) {
    auto settings = core::ParseStepSettings(s.type, s.config_json);
    if (!settings.ok()) continue;
    if (const auto* e = std::get_if<core::EmailSettings>(&*settings)) {
      if (!e->sender_uuid.empty() && !txn.FindSender(a.workspace_id, e->sender_uuid).ok()) {
        problems.push_back({s.uuid, "sender " + e->sender_uuid + " does not exist"});
      }
      if (!e->template_uuid.empty() && !txn.FindTemplate(a.workspace_id, e->template_uuid).ok()) {
        problems.push_back({s.uuid, "template " + e->template_uuid + " does not exist"});
      }
    }
  }
  if (a.audience_id != 0 && !txn.FindAudience(a.workspace_id, a.audience_id).ok()) {
    problems.push_back({"", "audience " + std::to_string(a.audience_id) + " does not exist"});
  }
  if (problems.empty()) return Status::Ok();
  Status st = core::InvalidArgument(
      "the automation cannot run: " + problems.front().message +
      (problems.size() > 1 ? " (and " + std::to_string(problems.size() - 1) + " more problems)"
                           : ""));
  std::map<std::string, std::string> by_field;
  for (const auto& p : problems) {
    std::string field = p.step.empty() ? "automation" : "steps." + p.step;
    auto& msg = by_field[field];
    msg += (msg.empty() ? "" : "; ") + p.message;
  }
  for (auto& [f, m] : by_field) st.WithField(f, m);
  return st;
}

void Automations::Create(int64_t ws, Automation a, Callback<Automation> done) {
  Status basics = CheckBasics(a);
  if (!basics.ok()) return done(basics);
  core::Millis now = clock_.Now();
  if (a.uuid.empty()) a.uuid = core::NewUuidV7(now);
  if (!core::IsUuid(a.uuid))
    return done(core::InvalidArgument("uuid must be a uuid").WithField("uuid", "must be a uuid"));
  a.uuid = core::NormalizeUuid(a.uuid);
  a.workspace_id = ws;
  a.status = AutomationStatus::kDraft;
  a.created_at = a.updated_at = now;
  WriteWithEffects<Automation>(
      store_, hooks_,
      [a = std::move(a)](store::WriteTxn& txn, Effects&) mutable -> Result<Automation> {
        Status st = txn.InsertAutomation(a);
        if (st.code() == core::Code::kAlreadyExists) {
          return core::AlreadyExists("an automation with uuid " + a.uuid + " exists");
        }
        RIVULET_RETURN_IF_ERROR(st);
        return a;
      },
      std::move(done));
}

void Automations::Replace(int64_t ws, const std::string& uuid, Automation a,
                          Callback<Automation> done) {
  Status basics = CheckBasics(a);
  if (!basics.ok()) return done(basics);
  core::Millis now = clock_.Now();
  WriteWithEffects<Automation>(
      store_, hooks_,
      [ws, uuid, a = std::move(a), now](store::WriteTxn& txn,
                                        Effects&) mutable -> Result<Automation> {
        RIVULET_ASSIGN_OR_RETURN(Automation current, txn.FindAutomation(ws, uuid));
        if (!core::IsGraphEditable(current.status)) {
          return core::FailedPrecondition(std::string("a ") +
                                          core::AutomationStatusName(current.status) +
                                          " automation cannot be edited; pause it first");
        }
        a.id = current.id;
        a.workspace_id = ws;
        a.uuid = current.uuid;
        a.status = current.status;
        a.created_at = current.created_at;
        a.updated_at = now;
        RIVULET_RETURN_IF_ERROR(txn.UpdateAutomation(a));
        return a;
      },
      std::move(done));
}

void Automations::Edit(int64_t ws, const std::string& uuid, EditFn edit,
                       Callback<Automation> done) {
  core::Millis now = clock_.Now();
  WriteWithEffects<Automation>(
      store_, hooks_,
      [ws, uuid, edit = std::move(edit), now](store::WriteTxn& txn,
                                              Effects&) -> Result<Automation> {
        RIVULET_ASSIGN_OR_RETURN(Automation a, txn.FindAutomation(ws, uuid));
        if (!core::IsGraphEditable(a.status)) {
          return core::FailedPrecondition(std::string("a ") + core::AutomationStatusName(a.status) +
                                          " automation cannot be edited; pause it first");
        }
        const Automation before = a;
        RIVULET_RETURN_IF_ERROR(edit(txn, a));
        RIVULET_RETURN_IF_ERROR(CheckBasics(a));
        a.id = before.id;
        a.workspace_id = ws;
        a.uuid = before.uuid;
        a.status = before.status;
        a.created_at = before.created_at;
        a.updated_at = now;
        RIVULET_RETURN_IF_ERROR(txn.UpdateAutomation(a));
        return a;
      },
      std::move(done));
}

void Automations::ChangeStatus(int64_t ws, const std::string& uuid, StatusChange change,
                               Callback<Automation> done) {
  core::Millis now = clock_.Now();
  if (change.name && (change.name->empty() || change.name->size() > 200)) {
    return done(core::InvalidArgument("name must be 1 to 200 characters")
                    .WithField("name", "must be 1 to 200 characters"));
  }
  WriteWithEffects<Automation>(
      store_, hooks_,
      [ws, uuid, change, now, journeys = &journeys_](store::WriteTxn& txn,
                                                     Effects& effects) -> Result<Automation> {
        RIVULET_ASSIGN_OR_RETURN(Automation a, txn.FindAutomation(ws, uuid));
        if (change.name) a.name = *change.name;
        if (change.face_data_json) a.face_data_json = *change.face_data_json;
        bool enroll_audience = false;
        if (change.status && *change.status != a.status) {
          AutomationStatus to = *change.status;
          if (!core::IsLegalTransition(a.status, to)) {
            return core::FailedPrecondition(std::string("cannot change status from ") +
                                            core::AutomationStatusName(a.status) + " to " +
                                            core::AutomationStatusName(to))
                .WithField("status", "illegal transition");
          }
          if (to == AutomationStatus::kCommitted || to == AutomationStatus::kRunning) {
            RIVULET_RETURN_IF_ERROR(Validate(txn, a));
          }
          if (to == AutomationStatus::kRunning && a.status == AutomationStatus::kPaused &&
              change.remove_expired_customers) {
            RIVULET_ASSIGN_OR_RETURN(int64_t exited, txn.ExitExpiredTokens(a.id, now));
            effects.Count(a.id, "", counter::kExited, exited);
          }
          if (to == AutomationStatus::kToDelete) {
            RIVULET_RETURN_IF_ERROR(txn.DeleteAutomation(ws, a.id));
            a.status = to;
            return a;
          }
          if (to == AutomationStatus::kToArchive) {
            // Archiving ends every journey; the automation then keeps its history read-only.
            store::TokenFilter f;
            f.automation_id = a.id;
            f.statuses = {core::TokenStatus::kActive};
            f.limit = 1000;
            while (true) {
              RIVULET_ASSIGN_OR_RETURN(auto active, txn.ListTokens(ws, f));
              for (auto& t : active) {
                t.status = core::TokenStatus::kExited;
                t.wake_at.reset();
                t.waiting_event.clear();
                t.updated_at = now;
                RIVULET_RETURN_IF_ERROR(txn.UpdateToken(t));
                effects.Count(a.id, "", counter::kExited);
              }
              if (active.size() < static_cast<size_t>(f.limit)) break;
            }
            to = AutomationStatus::kArchived;
          }
          a.status = to;
          if (to == AutomationStatus::kRunning) {
            effects.WakeAt(now);
            enroll_audience = true;
          }
        }
        a.updated_at = now;
        RIVULET_RETURN_IF_ERROR(txn.UpdateAutomation(a));
        if (enroll_audience) {
          RIVULET_RETURN_IF_ERROR(journeys->EnrollAudience(txn, a, now, effects).status());
        }
        return a;
      },
      std::move(done));
}

void Automations::Delete(int64_t ws, const std::string& uuid, Callback<bool> done) {
  WriteWithEffects<bool>(
      store_, hooks_,
      [ws, uuid](store::WriteTxn& txn, Effects&) -> Result<bool> {
        RIVULET_ASSIGN_OR_RETURN(Automation a, txn.FindAutomation(ws, uuid));
        if (a.status == AutomationStatus::kRunning) {
          return core::FailedPrecondition("a RUNNING automation cannot be deleted; pause it first");
        }
        RIVULET_RETURN_IF_ERROR(txn.DeleteAutomation(ws, a.id));
        return true;
      },
      std::move(done));
}

void Automations::EnrollMany(int64_t ws, const std::string& automation_uuid,
                             std::vector<ContactInput> contacts, EnrollOptions options,
                             Callback<std::vector<EnrollResult>> done) {
  core::Millis now = clock_.Now();
  Journeys* journeys = &journeys_;
  store::WriteHint hint{ws, {}};
  for (const ContactInput& in : contacts) Contacts::AddToHint(hint, in);
  WriteWithEffects<std::vector<EnrollResult>>(
      store_, hooks_,
      [ws, automation_uuid, contacts = std::move(contacts), options, now, journeys](
          store::WriteTxn& txn, Effects& effects) -> Result<std::vector<EnrollResult>> {
        RIVULET_ASSIGN_OR_RETURN(Automation a, txn.FindAutomation(ws, automation_uuid));
        std::vector<EnrollResult> out;
        out.reserve(contacts.size());
        for (const auto& in : contacts) {
          auto identified = Contacts::Identify(txn, ws, in, now, journeys, effects);
          if (!identified.ok()) {
            if (identified.status().code() != core::Code::kNotFound || !in.UuidOnly()) {
              return identified.status();
            }
            out.push_back({std::nullopt, core::NotFound("contact not found"), *in.uuid});
            continue;
          }
          core::Contact contact = std::move(identified).value();
          auto token = journeys->Enroll(txn, a, contact, options, now, effects);
          if (token.ok()) {
            out.push_back({std::move(token).value(), Status::Ok(), contact.uuid});
          } else if (token.status().code() == core::Code::kFailedPrecondition) {
            out.push_back({std::nullopt, token.status(), contact.uuid});
          } else {
            return token.status();
          }
        }
        return out;
      },
      std::move(done), std::move(hint));
}

void Automations::Enroll(int64_t ws, const std::string& automation_uuid, ContactInput contact,
                         EnrollOptions options, Callback<EnrollResult> done) {
  std::vector<ContactInput> one;
  one.push_back(std::move(contact));
  EnrollMany(ws, automation_uuid, std::move(one), std::move(options),
             [done = std::move(done)](Result<std::vector<EnrollResult>> r) {
               if (!r.ok()) return done(r.status());
               EnrollResult& e = r->front();
               if (!e.token) return done(e.status);
               done(std::move(e));
             });
}

void Automations::EnrollExisting(int64_t ws, const std::string& automation_uuid,
                                 const std::string& contact_uuid, EnrollOptions options,
                                 Admission admit, Callback<EnrollResult> done) {
  core::Millis now = clock_.Now();
  Journeys* journeys = &journeys_;
  WriteWithEffects<EnrollResult>(
      store_, hooks_,
      [ws, automation_uuid, contact_uuid, options = std::move(options), admit = std::move(admit),
       now, journeys](store::WriteTxn& txn, Effects& effects) -> Result<EnrollResult> {
        auto contact = txn.FindContact(ws, {core::ContactRef::Kind::kUuid, contact_uuid});
        if (!contact.ok()) {
          if (contact.status().code() != core::Code::kNotFound) return contact.status();
          return core::NotFound("contact not found").WithField("contact", "not found");
        }
        auto automation = txn.FindAutomation(ws, automation_uuid);
        if (!automation.ok()) {
          if (automation.status().code() != core::Code::kNotFound) return automation.status();
          return core::NotFound("automation not found").WithField("automation", "not found");
        }
        if (admit) RIVULET_RETURN_IF_ERROR(admit(*automation));
        RIVULET_ASSIGN_OR_RETURN(
            core::Token token, journeys->Enroll(txn, *automation, *contact, options, now, effects));
        return EnrollResult{std::move(token), Status::Ok(), contact->uuid};
      },
      std::move(done));
}

}  // namespace rivulet::engine
