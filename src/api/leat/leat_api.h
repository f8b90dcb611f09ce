#ifndef RIVULET_API_LEAT_LEAT_API_H_
#define RIVULET_API_LEAT_LEAT_API_H_

#include "api/services.h"
#include "http/router.h"

// The Leat (Piggy) v3 Automations API under /api/v3/oauth/clients, plus the older page's
// /api/automations paths for Bearer-authenticated requests (see docs/architecture.md and
// docs/decisions/0007-leat-legacy-paths.md).
namespace rivulet::api::leat {

// The face: Authorization: Bearer <OAuth access token | API key>, the principal's only
// workspace (a Leat account), errors in Leat's envelope (leat_error.h).
const http::Face& LeatFace();

// GET  …/automations       the workspace's automations triggered by Leat events
// POST …/automations/runs  starts a run (a token) of a contact_updated automation
void RegisterLeatApi(http::Router& router, Services& services);

}  // namespace rivulet::api::leat

#endif  // RIVULET_API_LEAT_LEAT_API_H_
