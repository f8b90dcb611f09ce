#ifndef RIVULET_DELIVERY_WEBHOOK_SIGNATURE_H_
#define RIVULET_DELIVERY_WEBHOOK_SIGNATURE_H_

#include <string>
#include <string_view>

#include "core/clock.h"

namespace rivulet::delivery {

// Webhook signatures, so that a receiver can tell that a call came from Rivulet, unaltered,
// and recently.
//
// Rivulet sends the header
//   X-Rivulet-Signature: t=<unix seconds>,v1=<hex>
// where <hex> is the lowercase hex HMAC-SHA256, keyed with the webhook's secret, of the
// bytes "<unix seconds>.<raw request body>" (the decimal t exactly as in the header, a dot,
// then the body as sent, before any parsing). To verify: split the header at ',' into
// key=value pairs, recompute the HMAC over t + "." + body, compare it in constant time with
// every v1 value (there may be several while a secret is rotated), and reject a t farther
// than a few minutes from your clock (replays). Unknown keys are ignored, so that later
// schemes (v2=...) can be added beside v1.
inline constexpr std::string_view kWebhookSignatureHeader = "X-Rivulet-Signature";

// The header value for body sent at `timestamp` (rounded down to whole seconds).
std::string SignWebhook(std::string_view secret, core::Millis timestamp, std::string_view body);

// True when header_value carries a v1 signature of body under secret and its t lies within
// `tolerance` of `now` (either side). Malformed values are false, never an error.
bool VerifyWebhook(std::string_view secret, std::string_view header_value, std::string_view body,
                   core::Millis now, core::Millis tolerance = 5 * 60 * 1000);

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_WEBHOOK_SIGNATURE_H_
