#ifndef RIVULET_API_ALLSTECH_ALLSTECH_API_H_
#define RIVULET_API_ALLSTECH_ALLSTECH_API_H_

#include "api/services.h"
#include "http/router.h"

// The AllsTechnology mail-automation API under /api: automations with e-mail schedules, and
// the senders, templates, contact types, segments and unsubscribe groups they reference.
// Authentication is the PublicKey + SecretKey header pair; the workspace is the key pair's
// (an AllsTechnology "user"). Every answer is {"status":"success","message":…} or
// {"status":"failed","errors":…}.
namespace rivulet::api::allstech {

const http::Face& AllsTechFace();

void RegisterAutomationRoutes(http::Router& router, Services& services);
void RegisterScheduleRoutes(http::Router& router, Services& services);
void RegisterResourceRoutes(http::Router& router, Services& services);

inline void RegisterAllsTechApi(http::Router& router, Services& services) {
  RegisterAutomationRoutes(router, services);
  RegisterScheduleRoutes(router, services);
  RegisterResourceRoutes(router, services);
}

}  // namespace rivulet::api::allstech

#endif  // RIVULET_API_ALLSTECH_ALLSTECH_API_H_
