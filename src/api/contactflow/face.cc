#include "api/contactflow/common.h"
#include "api/contactflow/contactflow_api.h"
#include "api/contactflow/routes.h"

namespace rivulet::api::contactflow {

const http::Face& ContactflowFace() {
  static const http::Face face{
      .name = "contactflow",
      .prefix = "/contactflow",
      .auth = http::AuthScheme::kOAuthBearer,
      .workspace_header = "Node",
      .workspace_header_required = true,
      .render_error = ErrorResponse,
  };
  return face;
}

void RegisterContactflowApi(http::Router& router, Services& services, Worker& worker) {
  RegisterNodeRoutes(router, services);
  RegisterSettingRoutes(router, services);
  RegisterAutomationRoutes(router, services);
  RegisterCustomerRoutes(router, services);
  RegisterTokenRoutes(router, services);
  RegisterFeedbackRoutes(router, services);
  RegisterDefinitionRoutes(router, services);
  RegisterReportRoutes(router, services);
  RegisterContentRoutes(router, services, worker);
  RegisterOpenApiRoute(router);
}

}  // namespace rivulet::api::contactflow
