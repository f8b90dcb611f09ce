// Customers of an automation (tokens): add one, remove one, and batch enrollment.
#include <memory>

#include "api/contactflow/batch_notifier.h"
#include "api/contactflow/common.h"
#include "api/contactflow/customer_json.h"
#include "api/contactflow/routes.h"
#include "core/uuid.h"
#include "engine/batches.h"

namespace rivulet::api::contactflow {

namespace {

constexpr size_t kBatchBodyBytes = 32 << 20;  // 10,000 customers with attributes

// The seed's three fields, and Rivulet's counts: customers received in accepted packets,
// those that entered the automation, those refused, and those still to be expanded.
json::object BatchJson(const core::BatchSource& b) {
  return json::object{{"sourceLabel", b.label},
                      {"sourceUuid", b.uuid},
                      {"status", core::BatchStatusName(b.status)},
                      {"received", b.received},
                      {"customers", b.accepted},
                      {"rejected", b.rejected},
                      {"pending", b.received - b.accepted - b.rejected},
                      {"lastError", b.last_error}};
}

// The ?sourceUuid= of GET and DELETE …/customers/batch.
core::Result<std::string> SourceQuery(const Call& call, const http::Limits& limits) {
  RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, limits));
  FieldReader r(q);
  RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"sourceUuid"}));
  RIVULET_ASSIGN_OR_RETURN(auto source, r.String("sourceUuid", 64, true));
  if (!core::IsUuid(*source)) return FieldError("sourceUuid", "must be a uuid");
  return core::NormalizeUuid(*source);
}

core::Result<engine::BatchPacket> ReadPacket(const json::object& body,
                                             const std::string& automation_uuid) {
  FieldReader r(body);
  RIVULET_RETURN_IF_ERROR(
      r.OnlyKnown({"customers", "notification", "packet", "sourceLabel", "sourceUuid", "status"}));
  engine::BatchPacket p;
  RIVULET_ASSIGN_OR_RETURN(auto packet, r.String("packet", 16, true));
  if (*packet == "FIRST") {
    p.kind = engine::BatchPacket::Kind::kFirst;
  } else if (*packet == "MIDDLE") {
    p.kind = engine::BatchPacket::Kind::kMiddle;
  } else if (*packet == "LAST") {
    p.kind = engine::BatchPacket::Kind::kLast;
  } else {
    return FieldError("packet", "must be FIRST, MIDDLE or LAST");
  }
  RIVULET_ASSIGN_OR_RETURN(auto source, r.String("sourceUuid", 64, true));
  if (!core::IsUuid(*source)) return FieldError("sourceUuid", "must be a uuid");
  p.source_uuid = core::NormalizeUuid(*source);
  RIVULET_ASSIGN_OR_RETURN(auto label, r.String("sourceLabel", 200));
  p.label = label.value_or("");
  RIVULET_ASSIGN_OR_RETURN(auto status, r.String("status", 32));
  if (status && !core::ParseBatchStatus(*status))
    return FieldError("status", "is not a batch status");
  if (const json::value* n = r.Raw("notification"); n && !n->is_null()) {
    RIVULET_ASSIGN_OR_RETURN(p.notification_json, ReadNotification(*n));
  }
  const json::value* cs = r.Raw("customers");
  if (cs && !cs->is_null()) {
    if (!cs->is_array()) return FieldError("customers", "must be an array");
    if (cs->as_array().size() > engine::Batches::kMaxPacket) {
      return FieldError("customers", "a packet holds at most 10000 customers");
    }
    p.customers.reserve(cs->as_array().size());
    p.run_data_json.reserve(cs->as_array().size());
    for (size_t i = 0; i < cs->as_array().size(); ++i) {
      std::string path = "customers[" + std::to_string(i) + "]";
      const json::value& c = cs->as_array()[i];
      if (!c.is_object()) return FieldError(path, "must be an object");
      RIVULET_ASSIGN_OR_RETURN(CustomerInput in,
                               CustomerFromJson(c.as_object(), path, automation_uuid));
      p.customers.push_back(std::move(in.contact));
      p.run_data_json.push_back(std::move(in.run_data_json));
    }
  }
  return p;
}

// Exits the customer: a token uuid of the automation, or a contact (clabUuid) whose active
// tokens in it all exit. NotFound when neither is in the automation.
core::Status ExitCustomer(store::WriteTxn& txn, engine::Effects& effects, int64_t ws,
                          const std::string& automation_uuid, const std::string& customer,
                          core::Millis now) {
  RIVULET_ASSIGN_OR_RETURN(core::Automation a, txn.FindAutomation(ws, automation_uuid));
  std::vector<core::Token> tokens;
  auto token = txn.FindToken(ws, customer);
  if (token.ok() && token->automation_id == a.id) {
    if (token->status != core::TokenStatus::kActive) {
      return core::FailedPrecondition(std::string("the customer's journey is ") +
                                      core::TokenStatusName(token->status) + " already");
    }
    tokens.push_back(std::move(token).value());
  } else {
    auto contact = txn.FindContact(ws, {core::ContactRef::Kind::kUuid, customer});
    if (contact.ok()) {
      RIVULET_ASSIGN_OR_RETURN(auto all, txn.TokensOfContact(a.id, contact->id));
      for (auto& t : all) {
        if (t.status == core::TokenStatus::kActive) tokens.push_back(std::move(t));
      }
    }
  }
  if (tokens.empty()) return core::NotFound("customer " + customer + " is not in this automation");
  for (auto& t : tokens) {
    t.status = core::TokenStatus::kExited;
    t.wake_at.reset();
    t.waiting_event.clear();
    t.updated_at = now;
    RIVULET_RETURN_IF_ERROR(txn.UpdateToken(t));
    effects.Count(a.id, "", engine::counter::kExited);
  }
  return core::Status::Ok();
}

}  // namespace

void RegisterCustomerRoutes(http::Router& router, Services& s) {
  auto batches = std::make_shared<engine::Batches>(s.store, s.clock, s.journeys, s.hooks);

  AddAsync(router, "POST", "/contactflow/automations/{automationUuid}/customers",
           [&s](const Call& call, Respond respond) {
             auto uuid = UuidParam(call, "automationUuid");
             if (!uuid.ok()) return respond(ErrorResponse(uuid.status(), call.request));
             auto body = ReadBody(call, s.limits);
             if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
             auto in = CustomerFromJson(*body, "", *uuid);
             if (!in.ok()) return respond(ErrorResponse(in.status(), call.request));
             engine::EnrollOptions options;
             options.run_data_json = in->run_data_json;
             int64_t ws = call.workspace_id();
             s.automations.Enroll(
                 ws, *uuid, std::move(in->contact), options,
                 [&s, ws, meta = Meta(call.request),
                  respond = std::move(respond)](core::Result<engine::Automations::EnrollResult> r) {
                   if (!r.ok()) return respond(ErrorResponse(r.status(), meta));
                   json::object out;
                   core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
                     RIVULET_ASSIGN_OR_RETURN(core::Automation a,
                                              txn.FindAutomationById(r->token->automation_id));
                     RIVULET_ASSIGN_OR_RETURN(core::Contact c,
                                              txn.FindContactById(ws, r->token->contact_id));
                     out = CustomerToJson(*r->token, c, a);
                     return core::Status::Ok();
                   });
                   if (!st.ok()) return respond(ErrorResponse(st, meta));
                   respond(JsonResponse(201, out));
                 });
           });

  AddAsync(router, "DELETE", "/contactflow/automations/{automationUuid}/customers/{customerUuid}",
           [&s](const Call& call, Respond respond) {
             auto uuid = UuidParam(call, "automationUuid");
             if (!uuid.ok()) return respond(ErrorResponse(uuid.status(), call.request));
             auto customer = UuidParam(call, "customerUuid");
             if (!customer.ok()) return respond(ErrorResponse(customer.status(), call.request));
             int64_t ws = call.workspace_id();
             core::Millis now = s.clock.Now();
             engine::WriteWithEffects<bool>(
                 s.store, s.hooks,
                 [ws, a = *uuid, c = *customer, now](
                     store::WriteTxn& txn, engine::Effects& effects) -> core::Result<bool> {
                   RIVULET_RETURN_IF_ERROR(ExitCustomer(txn, effects, ws, a, c, now));
                   return true;
                 },
                 [meta = Meta(call.request), respond = std::move(respond)](core::Result<bool> r) {
                   respond(r.ok() ? Response::NoContent() : ErrorResponse(r.status(), meta));
                 });
           });

  http::RouteOptions big;
  big.max_body_bytes = kBatchBodyBytes;
  AddAsync(
      router, "POST", "/contactflow/automations/{automationUuid}/customers/batch",
      [&s, batches](const Call& call, Respond respond) {
        auto uuid = UuidParam(call, "automationUuid");
        if (!uuid.ok()) return respond(ErrorResponse(uuid.status(), call.request));
        http::Limits limits = s.limits;
        limits.max_body_bytes = kBatchBodyBytes;
        auto body = ReadBody(call, limits);
        if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
        auto packet = ReadPacket(*body, *uuid);
        if (!packet.ok()) return respond(ErrorResponse(packet.status(), call.request));
        batches->AddPacket(call.workspace_id(), *uuid, std::move(packet).value(),
                           [meta = Meta(call.request),
                            respond = std::move(respond)](core::Result<core::BatchSource> r) {
                             if (!r.ok()) return respond(ErrorResponse(r.status(), meta));
                             respond(JsonResponse(201, BatchJson(*r)));
                           });
      },
      big);

  AddAsync(router, "DELETE", "/contactflow/automations/{automationUuid}/customers/batch",
           [&s, batches](const Call& call, Respond respond) {
             auto uuid = UuidParam(call, "automationUuid");
             if (!uuid.ok()) return respond(ErrorResponse(uuid.status(), call.request));
             auto source = SourceQuery(call, s.limits);
             if (!source.ok()) return respond(ErrorResponse(source.status(), call.request));
             batches->DeleteOpen(
                 call.workspace_id(), *uuid, *source,
                 [meta = Meta(call.request), respond = std::move(respond)](core::Result<bool> r) {
                   respond(r.ok() ? Response::NoContent() : ErrorResponse(r.status(), meta));
                 });
           });

  // Rivulet's addition: where a batch source is (its packets are expanded in the background).
  AddSync(router, "GET", "/contactflow/automations/{automationUuid}/customers/batch",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(std::string uuid, UuidParam(call, "automationUuid"));
            RIVULET_ASSIGN_OR_RETURN(std::string source, SourceQuery(call, s.limits));
            json::object out;
            RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(core::Automation a,
                                       txn.FindAutomation(call.workspace_id(), uuid));
              RIVULET_ASSIGN_OR_RETURN(core::BatchSource b,
                                       txn.FindBatchSource(call.workspace_id(), a.id, source));
              out = BatchJson(b);
              return core::Status::Ok();
            }));
            return JsonResponse(200, out);
          });
}

}  // namespace rivulet::api::contactflow
