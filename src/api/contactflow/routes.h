#ifndef RIVULET_API_CONTACTFLOW_ROUTES_H_
#define RIVULET_API_CONTACTFLOW_ROUTES_H_

#include <vector>

#include "api/contactflow/worker.h"
#include "api/services.h"
#include "http/router.h"

// The face's route groups, one file each; registered by RegisterContactflowApi.
namespace rivulet::api::contactflow {

void RegisterNodeRoutes(http::Router& router, Services& s);
void RegisterSettingRoutes(http::Router& router, Services& s);
void RegisterAutomationRoutes(http::Router& router, Services& s);
void RegisterCustomerRoutes(http::Router& router, Services& s);
void RegisterTokenRoutes(http::Router& router, Services& s);
void RegisterFeedbackRoutes(http::Router& router, Services& s);
void RegisterReportRoutes(http::Router& router, Services& s);
void RegisterContentRoutes(http::Router& router, Services& s, Worker& worker);
void RegisterDefinitionRoutes(http::Router& router, Services& s);
void RegisterOpenApiRoute(http::Router& router);

// The workspaces (nodes) a principal may act on; every workspace for an admin.
core::Result<std::vector<core::Workspace>> NodesOf(Services& s, const engine::Identity& who);

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_ROUTES_H_
