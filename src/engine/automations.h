#ifndef RIVULET_ENGINE_AUTOMATIONS_H_
#define RIVULET_ENGINE_AUTOMATIONS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/automation.h"
#include "engine/contacts.h"
#include "engine/journeys.h"

namespace rivulet::engine {

// Automation lifecycle: create, replace the graph (DRAFT or PAUSED only), change status
// through the legal transitions (validating before COMMITTED and RUNNING), delete, enroll.
// Callbacks run after the commit on a store thread.
class Automations {
 public:
  Automations(store::Store& store, const core::Clock& clock, Journeys& journeys,
              const EngineHooks* hooks)
      : store_(store), clock_(clock), journeys_(journeys), hooks_(hooks) {}

  // Stores a new DRAFT automation (uuid generated when empty).
  void Create(int64_t workspace_id, core::Automation automation, Callback<core::Automation> done);
  // Replaces everything but uuid, status and created_at. FailedPrecondition unless the
  // automation is DRAFT or PAUSED (its running tokens keep their step uuids).
  void Replace(int64_t workspace_id, const std::string& uuid, core::Automation automation,
               Callback<core::Automation> done);

  // Read-modify-write of a DRAFT or PAUSED automation in one transaction: edit changes it
  // (and may use txn for related rows, e.g. sequences); uuid, status and created_at are
  // kept. edit's error aborts the change. FailedPrecondition when not editable.
  using EditFn = std::function<Status(store::WriteTxn&, core::Automation&)>;
  void Edit(int64_t workspace_id, const std::string& uuid, EditFn edit,
            Callback<core::Automation> done);

  struct StatusChange {
    std::optional<core::AutomationStatus> status;
    std::optional<std::string> name;
    bool remove_expired_customers = false;  // PAUSED → RUNNING: exit tokens whose wait ran out
    std::optional<std::string> face_data_json;  // replaces the face fields in the same commit
  };
  // Applies a status change (and/or a rename). Moving to COMMITTED or RUNNING validates the
  // automation and its references; problems come back as InvalidArgument with one field per
  // step. Moving to RUNNING enrolls the automation's audience (EnrollAudience). TO_ARCHIVE
  // exits every active token and archives; TO_DELETE deletes.
  void ChangeStatus(int64_t workspace_id, const std::string& uuid, StatusChange change,
                    Callback<core::Automation> done);

  // Deletes an automation that is not RUNNING, with its tokens and messages.
  void Delete(int64_t workspace_id, const std::string& uuid, Callback<bool> done);

  // Starts a token for the contact (found by its identifiers, created when absent unless
  // only a uuid is given) with run data.
  struct EnrollResult;
  void Enroll(int64_t workspace_id, const std::string& automation_uuid, ContactInput contact,
              EnrollOptions options, Callback<EnrollResult> done);
  // Enrolls many contacts in one transaction; returns, per contact, the token or the reason
  // it did not enter.
  struct EnrollResult {
    std::optional<core::Token> token;
    core::Status status;
    std::string contact_uuid;
  };
  void EnrollMany(int64_t workspace_id, const std::string& automation_uuid,
                  std::vector<ContactInput> contacts, EnrollOptions options,
                  Callback<std::vector<EnrollResult>> done);

  // Starts a token for an existing contact, both named by uuid, with run data; creates
  // nothing else. The contact is looked up first, then the automation, in this workspace
  // only: a missing one is NotFound with a field detail naming it ("contact" or
  // "automation"). `admit`, when set, sees the automation inside the same transaction and
  // may refuse it with any Status, before anything changes. Refusals of Journeys::Enroll
  // (status, end date, uniqueToken) are FailedPrecondition.
  using Admission = std::function<Status(const core::Automation&)>;
  void EnrollExisting(int64_t workspace_id, const std::string& automation_uuid,
                      const std::string& contact_uuid, EnrollOptions options, Admission admit,
                      Callback<EnrollResult> done);

  // Checks an automation and its references to workspace senders, templates and audience.
  static Status Validate(store::ReadTxn& txn, const core::Automation& automation);

 private:
  store::Store& store_;
  const core::Clock& clock_;
  Journeys& journeys_;
  const EngineHooks* hooks_;
};

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_AUTOMATIONS_H_
