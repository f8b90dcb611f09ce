#ifndef RIVULET_API_TRACKING_TRACKING_ROUTES_H_
#define RIVULET_API_TRACKING_TRACKING_ROUTES_H_

#include "api/services.h"
#include "http/router.h"

// What recipients reach from an e-mail, without credentials but with signed links:
//   GET  /t/o/{message}.gif?s=…        open pixel (always a 1×1 GIF; counted when signed)
//   GET  /t/c/{message}?u=URL&s=…      click: counted, then 302 to URL (only if the signature
//                                      covers that URL: no open redirect)
//   GET  /t/u/{message}?s=…            unsubscribe confirmation page
//   POST /t/u/{message}?s=…            unsubscribe (RFC 8058 one-click, or the page's form)
// and, for mail servers and ESP webhooks, with the workspace's credentials:
//   POST /v1/bounces {"message_id":"<uuid>@rivulet" | "message_uuid":"…"}
namespace rivulet::api::tracking {

const http::Face& TrackingFace();
void RegisterTrackingRoutes(http::Router& router, Services& services);

}  // namespace rivulet::api::tracking

#endif  // RIVULET_API_TRACKING_TRACKING_ROUTES_H_
