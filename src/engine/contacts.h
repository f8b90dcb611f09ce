#ifndef RIVULET_ENGINE_CONTACTS_H_
#define RIVULET_ENGINE_CONTACTS_H_

#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/model.h"
#include "store/store.h"

namespace rivulet::engine {

class Journeys;
class Effects;
struct EngineHooks;

using core::Result;
using core::Status;

template <typename T>
using Callback = std::function<void(Result<T>)>;

// Starts an asynchronous operation and blocks until it calls back. For the CLI, tests and
// benchmarks; never on an HTTP I/O thread for a write that waits on other requests.
template <typename T>
Result<T> WaitFor(const std::function<void(Callback<T>)>& start) {
  std::promise<Result<T>> promise;
  auto future = promise.get_future();
  start([&promise](Result<T> r) { promise.set_value(std::move(r)); });
  return future.get();
}

// A validated, normalised description of a contact change, built by any face.
// Absent fields are left as they are; attributes merge key by key (a JSON null deletes).
struct ContactInput {
  std::optional<std::string> uuid;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> external_id;
  std::optional<std::string> attributes_json;    // a JSON object
  std::optional<std::vector<std::string>> tags;  // replaces the set
  std::vector<std::string> add_tags;
  std::vector<std::string> remove_tags;
  std::optional<std::string> timezone;

  bool HasIdentifier() const { return uuid || email || phone || external_id; }
  bool UuidOnly() const { return uuid && !email && !phone && !external_id; }
};

// The identifiers an existing contact is looked up by, in the order they are tried (the first
// found wins): uuid, external id, e-mail, phone.
std::vector<core::ContactRef> LookupOrder(const ContactInput& in);

struct ContactChange {
  core::Contact contact;
  bool created = false;
  bool changed = false;  // false when an upsert found nothing to change
};

// Contact lifecycle. Every change commits together with the `contact_created` /
// `contact_updated` event it emits. Callbacks run after the commit, on complete_on when
// one is given (see store::WriteHint), otherwise on a store thread.
class Contacts {
 public:
  // With journeys, the contact events it emits trigger automations; hooks learn of the
  // work that creates. Both may be null (then events are only stored).
  Contacts(store::Store& store, const core::Clock& clock, Journeys* journeys = nullptr,
           const EngineHooks* hooks = nullptr)
      : store_(store), clock_(clock), journeys_(journeys), hooks_(hooks) {}

  // Creates a contact; AlreadyExists if one of its identifiers is taken.
  void Create(int64_t workspace_id, ContactInput input, Callback<ContactChange> done,
              core::Executor* complete_on = nullptr);
  // Updates the contact matched by the first identifier present (uuid, external id, e-mail,
  // phone), or creates it.
  void Upsert(int64_t workspace_id, ContactInput input, Callback<ContactChange> done,
              core::Executor* complete_on = nullptr);
  // Upserts up to kMaxBatch contacts in one transaction: all or none.
  void UpsertBatch(int64_t workspace_id, std::vector<ContactInput> inputs,
                   Callback<std::vector<ContactChange>> done,
                   core::Executor* complete_on = nullptr);
  void Update(int64_t workspace_id, core::ContactRef ref, ContactInput input,
              Callback<ContactChange> done, core::Executor* complete_on = nullptr);
  // Sets the subscription to a channel, or to an unsubscribe group when group is given.
  void SetSubscription(int64_t workspace_id, core::ContactRef ref, core::Channel channel,
                       std::optional<std::string> group, bool subscribed,
                       Callback<ContactChange> done, core::Executor* complete_on = nullptr);
  // Erases the contact and its events (GDPR erasure).
  void Erase(int64_t workspace_id, core::ContactRef ref, Callback<bool> done);

  // The same operations for use inside a caller's write transaction.
  // kCreate: AlreadyExists when an identifier is taken. kUpsert: update the match or create.
  // kIdentify: return the match unchanged, or create it (events and enrollment name
  // contacts this way).
  enum class Mode { kCreate, kUpsert, kIdentify };
  static Result<ContactChange> UpsertInTxn(store::WriteTxn& txn, int64_t workspace_id,
                                           const ContactInput& input, core::Millis now, Mode mode,
                                           Journeys* journeys, Effects& effects);
  // The contact input names, changing none of its fields. A uuid alone must match (else
  // NotFound); other identifiers create the contact when none matches (kIdentify).
  static Result<core::Contact> Identify(store::WriteTxn& txn, int64_t workspace_id,
                                        const ContactInput& input, core::Millis now,
                                        Journeys* journeys, Effects& effects);
  // Adds to hint the identifier that finds input's contact if it exists (LookupOrder's
  // first), for a write job that will Identify it.
  static void AddToHint(store::WriteHint& hint, const ContactInput& input);
  // Stores a contact event and runs its triggers.
  static Status RecordEvent(store::WriteTxn& txn, core::Event& event, const core::Contact& contact,
                            core::Millis now, Journeys* journeys, Effects& effects);

  static constexpr size_t kMaxBatch = 10'000;

 private:
  // UpsertInTxn; second_look when a first insert collided with a contact created meanwhile.
  static Result<ContactChange> UpsertOnce(store::WriteTxn& txn, int64_t workspace_id,
                                          const ContactInput& input, core::Millis now, Mode mode,
                                          Journeys* journeys, Effects& effects, bool second_look);

  store::Store& store_;
  const core::Clock& clock_;
  Journeys* journeys_;
  const EngineHooks* hooks_;
};

// Applies a change to a contact in memory; returns true when anything changed.
bool ApplyContactInput(core::Contact& contact, const ContactInput& input);

// True when the contact is subscribed to channel (and not unsubscribed from group).
bool IsSubscribed(const core::Contact& contact, core::Channel channel,
                  const std::string& group = "");

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_CONTACTS_H_
