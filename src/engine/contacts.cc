#include "engine/contacts.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "core/json_text.h"
#include "core/uuid.h"
#include "engine/journeys.h"

namespace rivulet::engine {
namespace json = boost::json;

namespace {

const char* ChannelName(core::Channel c) { return c == core::Channel::kEmail ? "email" : "sms"; }

}  // namespace

bool ApplyContactInput(core::Contact& c, const ContactInput& in) {
  bool changed = false;
  auto set_opt = [&](std::optional<std::string>& field, const std::optional<std::string>& v) {
    if (v && field != v) {
      field = v;
      changed = true;
    }
  };
  set_opt(c.email, in.email);
  set_opt(c.phone, in.phone);
  set_opt(c.external_id, in.external_id);
  if (in.timezone && c.timezone != *in.timezone) {
    c.timezone = *in.timezone;
    changed = true;
  }
  if (in.attributes_json) {
    json::object attrs = core::ParseJsonObject(c.attributes_json);
    json::object patch = core::ParseJsonObject(*in.attributes_json);
    for (auto& [k, v] : patch) {
      auto it = attrs.find(k);
      if (v.is_null()) {
        if (it != attrs.end()) {
          attrs.erase(it);
          changed = true;
        }
      } else if (it == attrs.end() || it->value() != v) {
        attrs[k] = v;
        changed = true;
      }
    }
    c.attributes_json = json::serialize(attrs);
  }
  if (in.tags || !in.add_tags.empty() || !in.remove_tags.empty()) {
    std::set<std::string> tags;
    json::value parsed = json::parse(c.tags_json);
    if (parsed.is_array()) {
      for (auto& t : parsed.as_array()) {
        if (t.is_string()) tags.insert(std::string(t.as_string()));
      }
    }
    std::set<std::string> before = tags;
    if (in.tags) tags = std::set<std::string>(in.tags->begin(), in.tags->end());
    tags.insert(in.add_tags.begin(), in.add_tags.end());
    for (const auto& t : in.remove_tags) tags.erase(t);
    if (tags != before) {
      json::array arr;
      for (const auto& t : tags) arr.emplace_back(t);
      c.tags_json = json::serialize(arr);
      changed = true;
    }
  }
  return changed;
}

namespace {

Status EmitContactEvent(store::WriteTxn& txn, const core::Contact& c, const char* type,
                        core::Millis now, Journeys* journeys, Effects& effects) {
  core::Event e;
  e.workspace_id = c.workspace_id;
  e.uuid = core::NewUuidV7(now);
  e.contact_id = c.id;
  e.contact_uuid = c.uuid;
  e.type = type;
  e.data_json = "{}";
  e.occurred_at = e.received_at = now;
  return Contacts::RecordEvent(txn, e, c, now, journeys, effects);
}

// Finds the contact by the first identifier in input, in order of strength.
Result<core::Contact> FindByInput(store::ReadTxn& txn, int64_t ws, const ContactInput& in) {
  for (const core::ContactRef& ref : LookupOrder(in)) {
    auto found = txn.FindContact(ws, ref);
    if (found.ok() || found.status().code() != core::Code::kNotFound) return found;
  }
  return core::NotFound("contact not found");
}

}  // namespace

std::vector<core::ContactRef> LookupOrder(const ContactInput& in) {
  using K = core::ContactRef::Kind;
  std::vector<core::ContactRef> refs;
  if (in.uuid) refs.push_back({K::kUuid, *in.uuid});
  if (in.external_id) refs.push_back({K::kExternalId, *in.external_id});
  if (in.email) refs.push_back({K::kEmail, *in.email});
  if (in.phone) refs.push_back({K::kPhone, *in.phone});
  return refs;
}

Status Contacts::RecordEvent(store::WriteTxn& txn, core::Event& event, const core::Contact& contact,
                             core::Millis now, Journeys* journeys, Effects& effects) {
  RIVULET_RETURN_IF_ERROR(txn.InsertEvent(event));
  if (!journeys) return Status::Ok();
  return journeys->OnEvent(txn, event, contact, now, effects);
}

Result<core::Contact> Contacts::Identify(store::WriteTxn& txn, int64_t workspace_id,
                                         const ContactInput& input, core::Millis now,
                                         Journeys* journeys, Effects& effects) {
  if (input.UuidOnly())
    return txn.FindContact(workspace_id, {core::ContactRef::Kind::kUuid, *input.uuid});
  // A contact that exists (the usual case, as for every event after a contact's first) is
  // returned as found, without the ContactChange of an upsert around it. One not found goes
  // through the upsert, which looks once more before it creates (once per new contact).
  if (input.HasIdentifier()) {
    auto found = FindByInput(txn, workspace_id, input);
    if (found.status().code() != core::Code::kNotFound) return found;
  }
  RIVULET_ASSIGN_OR_RETURN(ContactChange ch, UpsertInTxn(txn, workspace_id, input, now,
                                                         Mode::kIdentify, journeys, effects));
  return std::move(ch.contact);
}

void Contacts::AddToHint(store::WriteHint& hint, const ContactInput& input) {
  auto refs = LookupOrder(input);
  if (!refs.empty()) hint.contacts.push_back(std::move(refs.front()));
}

Result<ContactChange> Contacts::UpsertInTxn(store::WriteTxn& txn, int64_t workspace_id,
                                            const ContactInput& input, core::Millis now, Mode mode,
                                            Journeys* journeys, Effects& effects) {
  return UpsertOnce(txn, workspace_id, input, now, mode, journeys, effects, /*second_look=*/false);
}

Result<ContactChange> Contacts::UpsertOnce(store::WriteTxn& txn, int64_t workspace_id,
                                           const ContactInput& input, core::Millis now, Mode mode,
                                           Journeys* journeys, Effects& effects, bool second_look) {
  ContactChange out;
  if (mode != Mode::kCreate && input.HasIdentifier()) {
    auto found = FindByInput(txn, workspace_id, input);
    if (found.ok()) {
      out.contact = std::move(found).value();
      if (mode == Mode::kIdentify) return out;
      ContactInput patch = input;
      patch.uuid.reset();
      out.changed = ApplyContactInput(out.contact, patch);
      if (out.changed) {
        out.contact.updated_at = now;
        RIVULET_RETURN_IF_ERROR(txn.UpdateContact(out.contact));
        RIVULET_RETURN_IF_ERROR(
            EmitContactEvent(txn, out.contact, "contact_updated", now, journeys, effects));
      }
      return out;
    }
    if (found.status().code() != core::Code::kNotFound) return found.status();
  }
  core::Contact& c = out.contact;
  c.workspace_id = workspace_id;
  c.uuid = input.uuid ? *input.uuid : core::NewUuidV7(now);
  ApplyContactInput(c, input);
  c.created_at = c.updated_at = now;
  Status st = txn.InsertContact(c);
  if (st.code() == core::Code::kAlreadyExists) {
    if (mode != Mode::kCreate && input.HasIdentifier() && !second_look) {
      // Not found, then a collision: another writer (process) created the contact since we
      // looked, and it is committed now (InsertContact leaves the transaction usable).
      return UpsertOnce(txn, workspace_id, input, now, mode, journeys, effects,
                        /*second_look=*/true);
    }
    return core::AlreadyExists("a contact with one of these identifiers already exists");
  }
  RIVULET_RETURN_IF_ERROR(st);
  RIVULET_RETURN_IF_ERROR(EmitContactEvent(txn, c, "contact_created", now, journeys, effects));
  out.created = out.changed = true;
  return out;
}

void Contacts::Create(int64_t ws, ContactInput input, Callback<ContactChange> done,
                      core::Executor* complete_on) {
  core::Millis now = clock_.Now();
  WriteWithEffects<ContactChange>(
      store_, hooks_,
      [ws, input = std::move(input), now, journeys = journeys_](store::WriteTxn& txn,
                                                                Effects& effects) {
        return UpsertInTxn(txn, ws, input, now, Mode::kCreate, journeys, effects);
      },
      std::move(done), store::WriteHint{.complete_on = complete_on});
}

void Contacts::Upsert(int64_t ws, ContactInput input, Callback<ContactChange> done,
                      core::Executor* complete_on) {
  core::Millis now = clock_.Now();
  WriteWithEffects<ContactChange>(
      store_, hooks_,
      [ws, input = std::move(input), now, journeys = journeys_](store::WriteTxn& txn,
                                                                Effects& effects) {
        return UpsertInTxn(txn, ws, input, now, Mode::kUpsert, journeys, effects);
      },
      std::move(done), store::WriteHint{.complete_on = complete_on});
}

void Contacts::UpsertBatch(int64_t ws, std::vector<ContactInput> inputs,
                           Callback<std::vector<ContactChange>> done, core::Executor* complete_on) {
  if (inputs.size() > kMaxBatch) {
    return done(core::PayloadTooLarge("at most 10000 contacts per batch"));
  }
  core::Millis now = clock_.Now();
  WriteWithEffects<std::vector<ContactChange>>(
      store_, hooks_,
      [ws, inputs = std::move(inputs), now, journeys = journeys_](
          store::WriteTxn& txn, Effects& effects) -> Result<std::vector<ContactChange>> {
        std::vector<ContactChange> out;
        out.reserve(inputs.size());
        for (size_t i = 0; i < inputs.size(); ++i) {
          auto r = UpsertInTxn(txn, ws, inputs[i], now, Mode::kUpsert, journeys, effects);
          if (!r.ok()) {
            Status st = r.status();
            return st.WithField("contacts[" + std::to_string(i) + "]", st.message());
          }
          out.push_back(std::move(r).value());
        }
        return out;
      },
      std::move(done), store::WriteHint{.complete_on = complete_on});
}

void Contacts::Update(int64_t ws, core::ContactRef ref, ContactInput input,
                      Callback<ContactChange> done, core::Executor* complete_on) {
  core::Millis now = clock_.Now();
  WriteWithEffects<ContactChange>(
      store_, hooks_,
      [ws, ref = std::move(ref), input = std::move(input), now, journeys = journeys_](
          store::WriteTxn& txn, Effects& effects) -> Result<ContactChange> {
        RIVULET_ASSIGN_OR_RETURN(core::Contact c, txn.FindContact(ws, ref));
        ContactChange out;
        out.contact = std::move(c);
        ContactInput patch = input;
        patch.uuid.reset();
        out.changed = ApplyContactInput(out.contact, patch);
        if (out.changed) {
          out.contact.updated_at = now;
          Status st = txn.UpdateContact(out.contact);
          if (st.code() == core::Code::kAlreadyExists) {
            return core::AlreadyExists("another contact already has one of these identifiers");
          }
          RIVULET_RETURN_IF_ERROR(st);
          RIVULET_RETURN_IF_ERROR(
              EmitContactEvent(txn, out.contact, "contact_updated", now, journeys, effects));
        }
        return out;
      },
      std::move(done), store::WriteHint{.complete_on = complete_on});
}

void Contacts::SetSubscription(int64_t ws, core::ContactRef ref, core::Channel channel,
                               std::optional<std::string> group, bool subscribed,
                               Callback<ContactChange> done, core::Executor* complete_on) {
  core::Millis now = clock_.Now();
  WriteWithEffects<ContactChange>(
      store_, hooks_,
      [=, journeys = journeys_](store::WriteTxn& txn, Effects& effects) -> Result<ContactChange> {
        RIVULET_ASSIGN_OR_RETURN(core::Contact c, txn.FindContact(ws, ref));
        json::object subs = core::ParseJsonObject(c.subscriptions_json);
        if (group) {
          json::object groups =
              subs["groups"].is_object() ? subs["groups"].as_object() : json::object();
          groups[*group] = subscribed;
          subs["groups"] = std::move(groups);
        } else {
          subs[ChannelName(channel)] = json::object{{"subscribed", subscribed}, {"at", now}};
        }
        std::string text = json::serialize(subs);
        ContactChange out{std::move(c), false, false};
        if (text != out.contact.subscriptions_json) {
          out.contact.subscriptions_json = std::move(text);
          out.contact.updated_at = now;
          out.changed = true;
          RIVULET_RETURN_IF_ERROR(txn.UpdateContact(out.contact));
          RIVULET_RETURN_IF_ERROR(
              EmitContactEvent(txn, out.contact, "contact_updated", now, journeys, effects));
        }
        return out;
      },
      std::move(done), store::WriteHint{.complete_on = complete_on});
}

void Contacts::Erase(int64_t ws, core::ContactRef ref, Callback<bool> done) {
  WriteWithEffects<bool>(
      store_, hooks_,
      [ws, ref = std::move(ref)](store::WriteTxn& txn, Effects&) -> Result<bool> {
        RIVULET_ASSIGN_OR_RETURN(core::Contact c, txn.FindContact(ws, ref));
        RIVULET_RETURN_IF_ERROR(txn.DeleteContact(ws, c.id));
        return true;
      },
      std::move(done));
}

bool IsSubscribed(const core::Contact& contact, core::Channel channel, const std::string& group) {
  json::object subs = core::ParseJsonObject(contact.subscriptions_json);
  if (auto* ch = subs.if_contains(ChannelName(channel)); ch && ch->is_object()) {
    if (auto* s = ch->as_object().if_contains("subscribed"); s && s->is_bool() && !s->as_bool()) {
      return false;
    }
  }
  if (!group.empty()) {
    if (auto* groups = subs.if_contains("groups"); groups && groups->is_object()) {
      if (auto* g = groups->as_object().if_contains(group); g && g->is_bool() && !g->as_bool()) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace rivulet::engine
