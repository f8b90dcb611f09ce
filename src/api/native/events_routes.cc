#include <boost/json.hpp>

#include "api/json_input.h"
#include "api/native/contact_json.h"
#include "api/native/event_body_scan.h"
#include "api/native/native_api.h"
#include "api/native/paging.h"
#include "api/native/respond.h"
#include "core/contact_rules.h"
#include "http/body.h"

namespace rivulet::api::native {
namespace json = boost::json;
using http::Call;
using http::Respond;
using http::Response;

namespace {
constexpr size_t kEventsBodyBytes = 8 << 20;

// The general reading of a POST /v1/events body: one event object, or {"events":[…]} with
// up to 1,000 (then batch is set).
core::Result<std::vector<engine::EventInput>> ParseEventsBody(const http::Request& request,
                                                              const http::Limits& limits,
                                                              bool& batch) {
  RIVULET_ASSIGN_OR_RETURN(json::value body, http::ParseBody(request, limits));
  if (!body.is_object()) return core::InvalidArgument("request body must be a JSON object");
  const json::object& obj = body.as_object();
  batch = obj.contains("events");
  std::vector<engine::EventInput> inputs;
  if (!batch) {
    RIVULET_ASSIGN_OR_RETURN(engine::EventInput in, ParseEventInput(obj));
    inputs.push_back(std::move(in));
    return inputs;
  }
  if (obj.size() != 1 || !obj.at("events").is_array()) {
    return FieldError("events", "must be the only field, an array of events");
  }
  const auto& arr = obj.at("events").as_array();
  if (arr.empty() || arr.size() > engine::Events::kMaxBatch) {
    return core::Status(arr.empty() ? core::Code::kInvalidArgument : core::Code::kPayloadTooLarge,
                        "events must hold 1 to 1000 events")
        .WithField("events", "must hold 1 to 1000 events");
  }
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string path = "events[" + std::to_string(i) + "]";
    if (!arr[i].is_object()) return FieldError(path, "must be an object");
    RIVULET_ASSIGN_OR_RETURN(engine::EventInput in, ParseEventInput(arr[i].as_object(), path));
    inputs.push_back(std::move(in));
  }
  return inputs;
}

}  // namespace

void RegisterEventRoutes(http::Router& router, Services& s) {
  const http::Face* face = &NativeFace();

  // One event object, or {"events":[…]} with up to 1,000. Acknowledged after the commit:
  // 201 when something new was stored, 200 when every event repeated an idempotency key.
  router.Add(
      face, "POST", "/v1/events",
      [&s](const Call& call, Respond respond) {
        http::Limits limits = s.limits;
        limits.max_body_bytes = kEventsBodyBytes;
        bool batch = false;
        std::vector<engine::EventInput> inputs;
        std::optional<engine::EventInput> common;
        if (http::IsJsonContentType(call.request.headers.Get("Content-Type").value_or(""))) {
          common = ScanCommonEvent(call.request.body, limits.max_json_depth);
        }
        if (common) {
          inputs.push_back(std::move(*common));
        } else {
          auto parsed = ParseEventsBody(call.request, limits, batch);
          if (!parsed.ok()) return respond(ErrorResponse(parsed.status(), call.request));
          inputs = std::move(parsed).value();
        }
        if (!batch && !inputs[0].idempotency_key) {
          if (auto h = call.request.headers.Get("Idempotency-Key"); h && !h->empty()) {
            if (h->size() > kMaxIdempotencyKeyBytes || !core::IsValidUtf8(*h)) {
              return respond(ErrorResponse(
                  FieldError("Idempotency-Key", "must be at most " +
                                                    std::to_string(kMaxIdempotencyKeyBytes) +
                                                    " bytes of UTF-8"),
                  call.request));
            }
            inputs[0].idempotency_key = std::string(*h);
          }
        }
        http::Request meta;
        meta.request_id = call.request.request_id;
        auto acknowledge = [meta, batch, respond = std::move(respond)](
                               core::Result<std::vector<engine::IngestedEvent>> r) {
          if (!r.ok()) return respond(ErrorResponse(r.status(), meta));
          bool any_new = false;
          std::string body = batch ? "{\"events\":[" : "{\"event\":";
          body.reserve(body.size() + 256 * r->size());  // ~210 each
          for (size_t i = 0; i < r->size(); ++i) {
            const auto& ie = (*r)[i];
            any_new = any_new || !ie.duplicate;
            if (i > 0) body.push_back(',');
            AppendEventAckJson(body, ie.event, ie.duplicate);
          }
          body.append(batch ? "]}\n" : "}\n");
          respond(Response::Json(any_new ? 201 : 200, std::move(body)));
        };
        // Acknowledged on the request's thread, not on the store's.
        s.events.Ingest(call.workspace_id(), std::move(inputs), std::move(acknowledge),
                        call.request.thread);
      },
      http::RouteOptions{.max_body_bytes = kEventsBodyBytes});

  router.Add(face, "GET", "/v1/events", http::Sync([&s](const Call& call) -> Response {
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
      RIVULET_ASSIGN_OR_RETURN(rows, txn.ListEvents(call.workspace_id(), f));
      return core::Status::Ok();
    });
    if (!st.ok()) return ErrorResponse(st, call.request);
    return PageResponse(rows, *paging, EventToJson);
  }));
}

}  // namespace rivulet::api::native
