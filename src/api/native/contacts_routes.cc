#include <boost/json.hpp>

#include "api/json_input.h"
#include "api/native/contact_json.h"
#include "api/native/native_api.h"
#include "api/native/paging.h"
#include "api/native/respond.h"
#include "core/contact_rules.h"
#include "core/time_format.h"
#include "http/body.h"

namespace rivulet::api::native {
namespace json = boost::json;
using http::Call;
using http::Respond;
using http::Response;

namespace {

constexpr size_t kBatchBodyBytes = 32 << 20;

// Parses the body as one JSON object or answers with the error.
core::Result<json::object> BodyObject(const Call& call, const http::Limits& limits) {
  RIVULET_ASSIGN_OR_RETURN(json::value v, http::ParseBody(call.request, limits));
  if (!v.is_object()) return core::InvalidArgument("request body must be a JSON object");
  return std::move(v.as_object());
}

// A callback that renders a ContactChange or an error, with the request's id kept. The
// routes have it run on the request's thread (complete_on), not the store's.
engine::Callback<engine::ContactChange> ReplyContact(const http::Request& req, Respond respond,
                                                     int created_status) {
  http::Request meta;
  meta.request_id = req.request_id;
  meta.path = req.path;
  return
      [meta, respond = std::move(respond), created_status](core::Result<engine::ContactChange> r) {
        if (!r.ok()) return respond(ErrorResponse(r.status(), meta));
        json::object body{{"contact", ContactToJson(r->contact)}, {"created", r->created}};
        respond(JsonResponse(r->created ? created_status : 200, body));
      };
}

core::Result<core::ContactRef> RefParam(const Call& call) {
  auto ref = core::ParseContactRef(call.Param("ref"));
  if (!ref.ok()) {
    core::Status st = ref.status();
    return st.WithField("ref", "must be a uuid, an e-mail, or email:/phone:/external_id: reference");
  }
  return ref;
}

}  // namespace

void RegisterContactRoutes(http::Router& router, Services& s) {
  const http::Face* face = &NativeFace();

  router.Add(face, "POST", "/v1/contacts", [&s](const Call& call, Respond respond) {
    auto body = BodyObject(call, s.limits);
    if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
    auto input = ParseContactInput(*body);
    if (!input.ok()) return respond(ErrorResponse(input.status(), call.request));
    s.contacts.Create(call.workspace_id(), std::move(input).value(),
                      ReplyContact(call.request, std::move(respond), 201), call.request.thread);
  });

  router.Add(face, "POST", "/v1/contacts/upsert", [&s](const Call& call, Respond respond) {
    auto body = BodyObject(call, s.limits);
    if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
    auto input = ParseContactInput(*body);
    if (!input.ok()) return respond(ErrorResponse(input.status(), call.request));
    if (!input->HasIdentifier()) {
      return respond(ErrorResponse(
          FieldError("contact", "an identifier (uuid, email, phone or external_id) is required"),
          call.request));
    }
    s.contacts.Upsert(call.workspace_id(), std::move(input).value(),
                      ReplyContact(call.request, std::move(respond), 201), call.request.thread);
  });

  router.Add(
      face, "POST", "/v1/contacts/batch",
      [&s](const Call& call, Respond respond) {
        http::Limits limits = s.limits;
        limits.max_body_bytes = kBatchBodyBytes;
        auto body = BodyObject(call, limits);
        if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
        const json::value* list = body->if_contains("contacts");
        if (!list || !list->is_array()) {
          return respond(ErrorResponse(FieldError("contacts", "must be an array"), call.request));
        }
        if (list->as_array().size() > engine::Contacts::kMaxBatch) {
          return respond(ErrorResponse(
              core::PayloadTooLarge("at most 10000 contacts per batch").WithField("contacts", "too many items"),
              call.request));
        }
        std::vector<engine::ContactInput> inputs;
        inputs.reserve(list->as_array().size());
        for (size_t i = 0; i < list->as_array().size(); ++i) {
          std::string path = "contacts[" + std::to_string(i) + "]";
          const json::value& item = list->as_array()[i];
          if (!item.is_object()) {
            return respond(ErrorResponse(FieldError(path, "must be an object"), call.request));
          }
          auto in = ParseContactInput(item.as_object(), path);
          if (!in.ok()) return respond(ErrorResponse(in.status(), call.request));
          if (!in->HasIdentifier()) {
            return respond(ErrorResponse(FieldError(path, "needs an identifier"), call.request));
          }
          inputs.push_back(std::move(in).value());
        }
        http::Request meta;
        meta.request_id = call.request.request_id;
        auto reply = [meta, respond = std::move(respond)](
                         core::Result<std::vector<engine::ContactChange>> r) {
          if (!r.ok()) return respond(ErrorResponse(r.status(), meta));
          json::array items;
          int64_t created = 0, updated = 0;
          for (const auto& ch : *r) {
            created += ch.created;
            updated += !ch.created && ch.changed;
            items.push_back(json::object{{"uuid", ch.contact.uuid}, {"created", ch.created}});
          }
          respond(JsonResponse(200, json::object{{"created", created},
                                                 {"updated", updated},
                                                 {"contacts", std::move(items)}}));
        };
        // Up to 10,000 items to render: on the request's thread, not the store's.
        s.contacts.UpsertBatch(call.workspace_id(), std::move(inputs), std::move(reply),
                               call.request.thread);
      },
      http::RouteOptions{.max_body_bytes = kBatchBodyBytes});

  router.Add(face, "GET", "/v1/contacts", http::Sync([&s](const Call& call) -> Response {
    auto q = http::ParseQuery(call.request.query, s.limits);
    if (!q.ok()) return ErrorResponse(q.status(), call.request);
    FieldReader r(*q);
    store::ContactFilter f;
    auto fail = [&](const core::Status& st) { return ErrorResponse(st, call.request); };
    if (auto st = r.OnlyKnown({"email", "phone", "external_id", "tag", "updated_after", "limit",
                               "cursor"});
        !st.ok()) {
      return fail(st);
    }
    auto email = r.String("email", 320);
    auto phone = r.String("phone", 64);
    auto ext = r.String("external_id", 255);
    auto tag = r.String("tag", 64);
    auto after = r.String("updated_after", 64);
    auto paging = ReadPaging(r);
    for (const core::Status* st : {&email.status(), &phone.status(), &ext.status(), &tag.status(),
                                   &after.status(), &paging.status()}) {
      if (!st->ok()) return fail(*st);
    }
    if (*email) {
      auto n = core::NormalizeEmail(**email);
      if (!n.ok()) return fail(FieldError("email", "is not an e-mail address"));
      f.email = *n;
    }
    if (*phone) {
      auto n = core::NormalizePhone(**phone);
      if (!n.ok()) return fail(FieldError("phone", "is not a phone number"));
      f.phone = *n;
    }
    f.external_id = *ext;
    f.tag = *tag;
    if (*after) {
      auto t = core::ParseIsoTime(**after);
      if (!t.ok()) return fail(FieldError("updated_after", "must be an ISO-8601 date-time"));
      f.updated_after = *t;
    }
    f.limit = paging->limit;
    f.after_id = paging->after_id;
    std::vector<core::Contact> rows;
    core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(rows, txn.ListContacts(call.workspace_id(), f));
      return core::Status::Ok();
    });
    if (!st.ok()) return fail(st);
    return PageResponse(rows, *paging, ContactToJson);
  }));

  router.Add(face, "GET", "/v1/contacts/{ref}", http::Sync([&s](const Call& call) -> Response {
    auto ref = RefParam(call);
    if (!ref.ok()) return ErrorResponse(ref.status(), call.request);
    core::Contact c;
    core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(c, txn.FindContact(call.workspace_id(), *ref));
      return core::Status::Ok();
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return JsonResponse(200, json::object{{"contact", ContactToJson(c)}});
  }));

  router.Add(face, "PATCH", "/v1/contacts/{ref}", [&s](const Call& call, Respond respond) {
    auto ref = RefParam(call);
    if (!ref.ok()) return respond(ErrorResponse(ref.status(), call.request));
    auto body = BodyObject(call, s.limits);
    if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
    auto input = ParseContactInput(*body);
    if (!input.ok()) return respond(ErrorResponse(input.status(), call.request));
    if (input->uuid) {
      return respond(ErrorResponse(FieldError("uuid", "cannot be changed"), call.request));
    }
    s.contacts.Update(call.workspace_id(), *ref, std::move(input).value(),
                      ReplyContact(call.request, std::move(respond), 200), call.request.thread);
  });

  router.Add(face, "DELETE", "/v1/contacts/{ref}", [&s](const Call& call, Respond respond) {
    auto ref = RefParam(call);
    if (!ref.ok()) return respond(ErrorResponse(ref.status(), call.request));
    http::Request meta;
    meta.request_id = call.request.request_id;
    s.contacts.Erase(call.workspace_id(), *ref,
                     [meta, respond = std::move(respond)](core::Result<bool> r) {
                       respond(r.ok() ? Response::NoContent() : ErrorResponse(r.status(), meta));
                     });
  });

  // Subscribe or unsubscribe: {"channel":"email"|"sms","subscribed":bool,"group":"…"?}
  router.Add(face, "POST", "/v1/contacts/{ref}/subscriptions",
             [&s](const Call& call, Respond respond) {
               auto ref = RefParam(call);
               if (!ref.ok()) return respond(ErrorResponse(ref.status(), call.request));
               auto body = BodyObject(call, s.limits);
               if (!body.ok()) return respond(ErrorResponse(body.status(), call.request));
               FieldReader r(*body);
               auto fail = [&](const core::Status& st) {
                 respond(ErrorResponse(st, call.request));
               };
               if (auto st = r.OnlyKnown({"channel", "subscribed", "group"}); !st.ok()) {
                 return fail(st);
               }
               auto channel = r.String("channel", 16, true);
               auto subscribed = r.Bool("subscribed");
               auto group = r.String("group", 64);
               if (!channel.ok()) return fail(channel.status());
               if (!subscribed.ok()) return fail(subscribed.status());
               if (!group.ok()) return fail(group.status());
               if (**channel != "email" && **channel != "sms") {
                 return fail(FieldError("channel", "must be email or sms"));
               }
               if (!*subscribed) return fail(FieldError("subscribed", "is required"));
               s.contacts.SetSubscription(
                   call.workspace_id(), *ref,
                   **channel == "email" ? core::Channel::kEmail : core::Channel::kSms, *group,
                   **subscribed, ReplyContact(call.request, std::move(respond), 200),
                   call.request.thread);
             });

  router.Add(face, "GET", "/v1/contacts/{ref}/events",
             http::Sync([&s](const Call& call) -> Response {
               auto ref = RefParam(call);
               if (!ref.ok()) return ErrorResponse(ref.status(), call.request);
               auto q = http::ParseQuery(call.request.query, s.limits);
               if (!q.ok()) return ErrorResponse(q.status(), call.request);
               FieldReader r(*q);
               if (auto st = r.OnlyKnown({"type", "limit", "cursor"}); !st.ok()) {
                 return ErrorResponse(st, call.request);
               }
               auto paging = ReadPaging(r);
               auto type = r.String("type", 64);
               if (!paging.ok()) return ErrorResponse(paging.status(), call.request);
               if (!type.ok()) return ErrorResponse(type.status(), call.request);
               store::EventFilter f;
               f.limit = paging->limit;
               f.after_id = paging->after_id;
               f.type = *type;
               std::vector<core::Event> rows;
               core::Status st = s.store.Read([&](store::ReadTxn& txn) -> core::Status {
                 RIVULET_ASSIGN_OR_RETURN(core::Contact c, txn.FindContact(call.workspace_id(), *ref));
                 f.contact_id = c.id;
                 RIVULET_ASSIGN_OR_RETURN(rows, txn.ListEvents(call.workspace_id(), f));
                 return core::Status::Ok();
               });
               if (!st.ok()) return ErrorResponse(st, call.request);
               return PageResponse(rows, *paging, EventToJson);
             }));
}

}  // namespace rivulet::api::native
