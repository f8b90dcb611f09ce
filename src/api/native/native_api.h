#ifndef RIVULET_API_NATIVE_NATIVE_API_H_
#define RIVULET_API_NATIVE_NATIVE_API_H_

#include <functional>

#include "api/services.h"
#include "core/clock.h"
#include "http/router.h"

// Rivulet's own API under /v1: contacts, events, workspaces and credentials.
namespace rivulet::api::native {

// The face: Bearer auth (access token or API key) or the PublicKey/SecretKey pair; a principal with several workspaces
// names one in the X-Rivulet-Workspace header.
const http::Face& NativeFace();

void RegisterContactRoutes(http::Router& router, Services& services);
void RegisterEventRoutes(http::Router& router, Services& services);
void RegisterAdminRoutes(http::Router& router, Services& services);
void RegisterOpenApiRoute(http::Router& router);
void RegisterAutomationRoutes(http::Router& router, Services& services);
void RegisterResourceRoutes(http::Router& router, Services& services);
// Test only (`serve --test-clock`): POST /v1/admin/clock/advance {"seconds": N} (admin
// credential) moves clock forward by N seconds (1 to 10 years' worth) and calls
// advanced; answers {"now": "<ISO time>", "offset_seconds": N}. Not in the OpenAPI document.
void RegisterTestClockRoute(http::Router& router, core::OffsetClock& clock,
                            std::function<void()> advanced);

inline void RegisterNativeApi(http::Router& router, Services& services) {
  RegisterContactRoutes(router, services);
  RegisterEventRoutes(router, services);
  RegisterAdminRoutes(router, services);
  RegisterAutomationRoutes(router, services);
  RegisterResourceRoutes(router, services);
  RegisterOpenApiRoute(router);
}

}  // namespace rivulet::api::native

#endif  // RIVULET_API_NATIVE_NATIVE_API_H_
