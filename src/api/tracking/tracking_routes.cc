#include "api/tracking/tracking_routes.h"

#include <boost/json.hpp>

#include "api/json_input.h"
#include "api/native/native_api.h"
#include "api/native/respond.h"
#include "core/crypto.h"
#include "core/uuid.h"
#include "http/body.h"
#include "http/form.h"

namespace rivulet::api::tracking {
namespace json = boost::json;
using engine::Journeys;
using http::Call;
using http::Respond;
using http::Response;

namespace {

// A transparent 1×1 GIF.
constexpr unsigned char kPixel[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00,
                                    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x21,
                                    0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
                                    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44,
                                    0x01, 0x00, 0x3b};

Response Page(int status, const std::string& title, const std::string& body) {
  Response r = Response::Text(
      status,
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title +
          "</title></head><body style=\"font-family:sans-serif;max-width:32em;margin:4em auto\">" +
          body + "</body></html>",
      "text/html; charset=utf-8");
  r.headers.Add("Cache-Control", "no-store");
  return r;
}

Response TrackingError(const core::Status& st, const http::Request&) {
  int status = http::HttpStatusFor(st.code());
  return Page(status, "Rivulet", "<p>This link is not valid.</p>");
}

std::string QueryValue(const Call& call, const char* name) {
  http::FormLimits limits;
  limits.max_fields = 16;
  auto fields = http::ParseUrlEncoded(call.request.query, limits);
  if (!fields.ok()) return "";
  for (const auto& f : *fields) {
    if (f.name == name) return f.value;
  }
  return "";
}

// Records the event in its own transaction; reports the outcome to done.
void Record(Services& s, std::string message_uuid, Journeys::MessageEvent what,
            std::function<void(core::Status)> done) {
  core::Millis now = s.clock.Now();
  engine::WriteWithEffects<bool>(
      s.store, nullptr,
      [&journeys = s.journeys, message_uuid, what, now](store::WriteTxn& txn,
                                                        engine::Effects& effects) -> core::Result<bool> {
        RIVULET_RETURN_IF_ERROR(journeys.RecordMessageEvent(txn, message_uuid, what, now, effects));
        return true;
      },
      [done = std::move(done)](core::Result<bool> r) { done(r.status()); });
}

}  // namespace

const http::Face& TrackingFace() {
  static const http::Face face{.name = "tracking",
                               .prefix = "/t",
                               .auth = http::AuthScheme::kNone,
                               .workspace_header = "",
                               .workspace_header_required = false,
                               .render_error = TrackingError};
  return face;
}

void RegisterTrackingRoutes(http::Router& router, Services& s) {
  const http::Face* face = &TrackingFace();
  http::RouteOptions open{.public_route = true, .needs_workspace = false};

  router.Add(face, "GET", "/t/o/{file}", [&s](const Call& call, Respond respond) {
    std::string file(call.Param("file"));
    std::string uuid = file.size() > 4 && file.substr(file.size() - 4) == ".gif"
                           ? file.substr(0, file.size() - 4) : file;
    auto pixel = [] {
      Response r = Response::Text(200, std::string(reinterpret_cast<const char*>(kPixel), sizeof(kPixel)),
                                  "image/gif");
      r.headers.Add("Cache-Control", "no-store, no-cache, must-revalidate");
      return r;
    };
    if (!core::IsUuid(uuid) || !s.journeys.CheckLinkSignature("o", uuid, QueryValue(call, "s"))) {
      return respond(pixel());
    }
    Record(s, core::NormalizeUuid(uuid), Journeys::MessageEvent::kOpened,
           [respond = std::move(respond), pixel](core::Status) { respond(pixel()); });
  }, open);

  router.Add(face, "GET", "/t/c/{uuid}", [&s](const Call& call, Respond respond) {
    std::string uuid(call.Param("uuid"));
    std::string target = QueryValue(call, "u");
    bool scheme_ok = target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0;
    if (!core::IsUuid(uuid) || !scheme_ok || target.find_first_of("\r\n") != std::string::npos ||
        !core::ConstantTimeEquals(s.journeys.ClickSignature(uuid, target), QueryValue(call, "s"))) {
      return respond(Page(400, "Invalid link", "<p>This link is not valid.</p>"));
    }
    Record(s, core::NormalizeUuid(uuid), Journeys::MessageEvent::kClicked,
           [respond = std::move(respond), target](core::Status) {
             Response r;
             r.status = 302;
             r.content_type.clear();
             r.headers.Add("Location", target);
             r.headers.Add("Cache-Control", "no-store");
             respond(std::move(r));
           });
  }, open);

  auto unsubscribe_ok = [&s](const Call& call, std::string* uuid) {
    *uuid = std::string(call.Param("uuid"));
    return core::IsUuid(*uuid) && s.journeys.CheckLinkSignature("u", *uuid, QueryValue(call, "s"));
  };

  router.Add(face, "GET", "/t/u/{uuid}", http::Sync([unsubscribe_ok](const Call& call) {
    std::string uuid;
    if (!unsubscribe_ok(call, &uuid)) return Page(400, "Invalid link", "<p>This link is not valid.</p>");
    // Only the checked uuid and signature (hex) go into the page; nothing else from the URL.
    std::string action = "/t/u/" + core::NormalizeUuid(uuid) + "?s=" + QueryValue(call, "s");
    // A GET never unsubscribes: mail scanners follow links. The form POSTs.
    return Page(200, "Unsubscribe",
                "<h1>Unsubscribe</h1><p>Stop receiving these e-mails?</p><form method=\"post\" "
                "action=\"" + action + "\"><input type=\"hidden\" name=\"List-Unsubscribe\" "
                "value=\"One-Click\"><button type=\"submit\">Unsubscribe</button></form>");
  }), open);

  router.Add(face, "POST", "/t/u/{uuid}", [&s, unsubscribe_ok](const Call& call, Respond respond) {
    std::string uuid;
    if (!unsubscribe_ok(call, &uuid)) {
      return respond(Page(400, "Invalid link", "<p>This link is not valid.</p>"));
    }
    Record(s, core::NormalizeUuid(uuid), Journeys::MessageEvent::kUnsubscribed,
           [respond = std::move(respond)](core::Status st) {
             if (!st.ok() && st.code() != core::Code::kNotFound) {
               return respond(Page(503, "Try again", "<p>Please try again in a moment.</p>"));
             }
             respond(Page(200, "Unsubscribed", "<h1>You are unsubscribed</h1>"));
           });
  }, open);

  // Bounce intake, authenticated like the native API.
  router.Add(&native::NativeFace(), "POST", "/v1/bounces", [&s](const Call& call, Respond respond) {
    auto body = http::ParseBody(call.request, s.limits);
    if (!body.ok()) return respond(native::ErrorResponse(body.status(), call.request));
    auto obj = AsObject(*body, "request body");
    if (!obj.ok()) return respond(native::ErrorResponse(obj.status(), call.request));
    FieldReader r(**obj);
    if (auto st = r.OnlyKnown({"message_id", "message_uuid", "type", "reason"}); !st.ok()) {
      return respond(native::ErrorResponse(st, call.request));
    }
    auto id = r.String("message_id", 300);
    auto uuid = r.String("message_uuid", 64);
    if (!id.ok() || !uuid.ok()) {
      return respond(native::ErrorResponse(!id.ok() ? id.status() : uuid.status(), call.request));
    }
    std::string m = uuid->value_or("");
    if (m.empty() && *id) {
      std::string v = **id;
      if (!v.empty() && v.front() == '<') v = v.substr(1);
      if (!v.empty() && v.back() == '>') v.pop_back();
      m = v.substr(0, v.find('@'));
    }
    if (!core::IsUuid(m)) {
      return respond(native::ErrorResponse(
          FieldError("message_id", "must be a Message-ID or message uuid Rivulet sent"), call.request));
    }
    m = core::NormalizeUuid(m);
    int64_t ws = call.workspace_id();
    core::Millis now = s.clock.Now();
    http::Request meta;
    meta.request_id = call.request.request_id;
    engine::WriteWithEffects<bool>(
        s.store, nullptr,
        [&journeys = s.journeys, m, ws, now](store::WriteTxn& txn,
                                             engine::Effects& effects) -> core::Result<bool> {
          RIVULET_ASSIGN_OR_RETURN(core::OutboxMessage msg, txn.FindOutboxMessage(m));
          if (msg.workspace_id != ws) return core::NotFound("message not found");
          RIVULET_RETURN_IF_ERROR(
              journeys.RecordMessageEvent(txn, m, Journeys::MessageEvent::kBounced, now, effects));
          return true;
        },
        [meta, respond = std::move(respond)](core::Result<bool> r) {
          if (!r.ok()) return respond(native::ErrorResponse(r.status(), meta));
          respond(native::JsonResponse(202, json::object{{"recorded", true}}));
        });
  });
}

}  // namespace rivulet::api::tracking
