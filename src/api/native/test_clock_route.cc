// The black-box test clock's control route (`serve --test-clock` only).
#include <boost/json.hpp>

#include "api/json_input.h"
#include "api/native/native_api.h"
#include "api/native/respond.h"
#include "core/time_format.h"
#include "http/body.h"

namespace rivulet::api::native {
namespace json = boost::json;

namespace {
constexpr int64_t kMaxAdvanceSeconds = int64_t{10} * 366 * 24 * 3600;
}  // namespace

void RegisterTestClockRoute(http::Router& router, core::OffsetClock& clock,
                            std::function<void()> advanced) {
  http::RouteOptions admin{.needs_workspace = false, .admin_only = true};
  router.Add(
      &NativeFace(), "POST", "/v1/admin/clock/advance",
      http::Sync(
          [&clock, advanced = std::move(advanced)](const http::Call& call) -> http::Response {
            auto body = http::ParseBody(call.request, http::Limits{});
            if (!body.ok()) return ErrorResponse(body.status(), call.request);
            auto obj = AsObject(*body, "request body");
            if (!obj.ok()) return ErrorResponse(obj.status(), call.request);
            FieldReader r(**obj);
            if (auto st = r.OnlyKnown({"seconds"}); !st.ok())
              return ErrorResponse(st, call.request);
            auto seconds = r.Int("seconds", /*required=*/true);
            if (!seconds.ok()) return ErrorResponse(seconds.status(), call.request);
            if (**seconds < 1 || **seconds > kMaxAdvanceSeconds) {
              return ErrorResponse(FieldError("seconds", "must be 1 to 316224000"), call.request);
            }
            clock.Advance(**seconds * 1000);
            advanced();
            return JsonResponse(200, json::object{{"now", core::FormatIsoUtc(clock.Now(), true)},
                                                  {"offset_seconds", clock.offset() / 1000}});
          }),
      admin);
}

}  // namespace rivulet::api::native
