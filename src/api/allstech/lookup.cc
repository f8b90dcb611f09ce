#include "api/allstech/lookup.h"

#include <algorithm>
#include <boost/json.hpp>

#include "api/allstech/respond.h"
#include "api/allstech/validator.h"
#include "core/uuid.h"
#include "http/body.h"

namespace rivulet::api::allstech {
namespace json = boost::json;

core::Result<json::object> QueryOf(const http::Call& call, const http::Limits& limits) {
  return http::ParseQuery(call.request.query, limits);
}

core::Result<json::object> BodyOf(const http::Call& call, const http::Limits& limits) {
  RIVULET_ASSIGN_OR_RETURN(json::value v, http::ParseBody(call.request, limits));
  if (!v.is_object()) return core::InvalidArgument("The request body must be an object.");
  return std::move(v.as_object());
}

core::Result<std::string> RequiredUtr(const json::object& input) {
  Validator v(input);
  auto utr = v.String("utr", /*required=*/true, 64);
  RIVULET_RETURN_IF_ERROR(v.status());
  return *utr;
}

core::Result<Found> FindByUtr(store::ReadTxn& txn, int64_t ws, const std::string& utr) {
  if (!core::IsUuid(utr)) return core::NotFound(kRecordNotFound);
  auto a = txn.FindAutomation(ws, core::NormalizeUuid(utr));
  if (!a.ok()) {
    if (a.status().code() == core::Code::kNotFound) return core::NotFound(kRecordNotFound);
    return a.status();
  }
  Found f{std::move(a).value(), {}};
  f.fields = ReadFaceFields(f.automation);
  if (f.fields.deleted_at) return core::NotFound(kRecordNotFound);
  return f;
}

core::Result<Found> FindByUtr(Services& s, int64_t ws, const std::string& utr) {
  core::Result<Found> out = core::NotFound(kRecordNotFound);
  RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
    out = FindByUtr(txn, ws, utr);
    return core::Status::Ok();
  }));
  return out;
}

core::Result<std::vector<Found>> ListLive(store::ReadTxn& txn, int64_t ws) {
  std::vector<Found> out;
  store::AutomationFilter filter;
  filter.limit = 500;
  while (true) {
    RIVULET_ASSIGN_OR_RETURN(auto page, txn.ListAutomations(ws, filter));
    for (auto& a : page) {
      FaceFields f = ReadFaceFields(a);
      if (f.deleted_at) continue;
      out.push_back({std::move(a), std::move(f)});
    }
    if (page.size() < static_cast<size_t>(filter.limit)) break;
    filter.after_id = page.back().id;  // ids survive the moves above
  }
  std::sort(out.begin(), out.end(),
            [](const Found& x, const Found& y) { return x.automation.id > y.automation.id; });
  return out;
}

core::Result<core::Sender> SenderById(store::ReadTxn& txn, int64_t ws, int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(auto all, txn.ListSenders(ws));
  for (auto& s : all) {
    if (s.id == id) return std::move(s);
  }
  return core::NotFound("sender not found");
}

core::Result<core::MessageTemplate> TemplateById(store::ReadTxn& txn, int64_t ws, int64_t id) {
  RIVULET_ASSIGN_OR_RETURN(auto all, txn.ListTemplates(ws));
  for (auto& t : all) {
    if (t.id == id) return std::move(t);
  }
  return core::NotFound("template not found");
}

http::Request Meta(const http::Call& call) {
  http::Request meta;
  meta.request_id = call.request.request_id;
  return meta;
}

}  // namespace rivulet::api::allstech
