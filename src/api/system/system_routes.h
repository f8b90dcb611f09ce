#ifndef RIVULET_API_SYSTEM_SYSTEM_ROUTES_H_
#define RIVULET_API_SYSTEM_SYSTEM_ROUTES_H_

#include "api/services.h"
#include "http/router.h"

// Endpoints outside any vendor face: health, readiness, metrics, and the OAuth2 token
// endpoint shared by the faces that use bearer tokens.
namespace rivulet::api::system {

const http::Face& SystemFace();
const http::Face& OAuthFace();
void RegisterSystemRoutes(http::Router& router, Services& services);

}  // namespace rivulet::api::system

#endif  // RIVULET_API_SYSTEM_SYSTEM_ROUTES_H_
