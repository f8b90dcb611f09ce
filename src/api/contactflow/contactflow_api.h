#ifndef RIVULET_API_CONTACTFLOW_CONTACTFLOW_API_H_
#define RIVULET_API_CONTACTFLOW_CONTACTFLOW_API_H_

#include "api/contactflow/worker.h"
#include "api/services.h"
#include "http/router.h"

// The Contactlab Contactflow API 2.49 face under /contactflow: nodes are workspaces,
// automations the canonical ones, customers in an automation are tokens.
namespace rivulet::api::contactflow {

// OAuth2 bearer access tokens only; the `Node` header names the workspace wherever the
// vendor lists it. Errors: {"message","logref","errors":[{"path","message"}]}.
const http::Face& ContactflowFace();

// Registers every route. services and worker outlive the router.
void RegisterContactflowApi(http::Router& router, Services& services, Worker& worker);

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_CONTACTFLOW_API_H_
