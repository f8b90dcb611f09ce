// Customer tokens: one token, and the search of current customers in the node.
#include "api/contactflow/common.h"
#include "api/contactflow/routes.h"
#include "api/contactflow/token_json.h"

namespace rivulet::api::contactflow {

void RegisterTokenRoutes(http::Router& router, Services& s) {
  AddSync(router, "GET", "/contactflow/tokens/{tokenUuid}",
          [&s](const Call& call) -> core::Result<Response> {
            RIVULET_ASSIGN_OR_RETURN(std::string uuid, UuidParam(call, "tokenUuid"));
            json::object out;
            RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
              RIVULET_ASSIGN_OR_RETURN(core::Token t, txn.FindToken(call.workspace_id(), uuid));
              RIVULET_ASSIGN_OR_RETURN(core::Automation a, txn.FindAutomationById(t.automation_id));
              RIVULET_ASSIGN_OR_RETURN(core::Contact c,
                                       txn.FindContactById(call.workspace_id(), t.contact_id));
              out = TokenToJson(t, c, a, false);
              return core::Status::Ok();
            }));
            return JsonResponse(200, out);
          });

  AddSync(router, "GET", "/contactflow/tokens", [&s](const Call& call) -> core::Result<Response> {
    RIVULET_ASSIGN_OR_RETURN(json::object q, ReadQuery(call, s.limits));
    FieldReader r(q);
    RIVULET_RETURN_IF_ERROR(r.OnlyKnown({"automationUuid", "stepUuid", "clabUuid", "recipient",
                                         "aggregatedStatus", "page", "size", "style", "sort"}));
    RIVULET_ASSIGN_OR_RETURN(TokenQuery query, ReadTokenQuery(r));
    RIVULET_ASSIGN_OR_RETURN(PageRequest page, ReadPage(r));
    RIVULET_ASSIGN_OR_RETURN(auto style, r.String("style", 32));
    RIVULET_ASSIGN_OR_RETURN(auto sort, r.String("sort", 32));
    store::TokenFilter f;
    if (sort) {
      if (*sort == "automationUuid")
        f.order = store::TokenOrder::kAutomation;
      else if (*sort == "clabUuid")
        f.order = store::TokenOrder::kContact;
      else if (*sort == "recipient")
        f.order = store::TokenOrder::kRecipient;
      else if (*sort == "stepUuid")
        f.order = store::TokenOrder::kStep;
      else if (*sort == "status")
        f.order = store::TokenOrder::kStatus;
      else
        return FieldError("sort",
                          "must be automationUuid, clabUuid, recipient, stepUuid or status");
    }
    bool compact = style && *style == "compact";
    json::array elements;
    int64_t total = 0;
    RIVULET_RETURN_IF_ERROR(s.store.Read([&](store::ReadTxn& txn) -> core::Status {
      RIVULET_ASSIGN_OR_RETURN(bool any, ResolveTokenQuery(txn, call.workspace_id(), query, f));
      if (!any) return core::Status::Ok();
      RIVULET_ASSIGN_OR_RETURN(total, txn.CountTokens(call.workspace_id(), f));
      f.offset = page.page * page.size;
      f.limit = static_cast<int>(page.size);
      RIVULET_ASSIGN_OR_RETURN(auto tokens, txn.ListTokens(call.workspace_id(), f));
      AutomationCache automations(txn);
      for (const auto& t : tokens) {
        RIVULET_ASSIGN_OR_RETURN(const core::Automation* a, automations.Get(t.automation_id));
        RIVULET_ASSIGN_OR_RETURN(core::Contact c,
                                 txn.FindContactById(call.workspace_id(), t.contact_id));
        elements.push_back(TokenToJson(t, c, *a, compact));
      }
      return core::Status::Ok();
    }));
    return JsonResponse(200, PageJson(std::move(elements), total, page));
  });
}

}  // namespace rivulet::api::contactflow
