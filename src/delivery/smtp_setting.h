#ifndef RIVULET_DELIVERY_SMTP_SETTING_H_
#define RIVULET_DELIVERY_SMTP_SETTING_H_

#include <string_view>

#include "core/status.h"
#include "delivery/smtp_sender.h"

namespace rivulet::delivery {

// The SmtpSettings of a workspace's SMTP setting value ({"url","username","password",
// "tls":"none|starttls|required","verify_peer","helo_domain"}); helo_domain defaults to the
// domain of from_address. FailedPrecondition when the value has no url.
core::Result<SmtpSettings> SmtpSettingsFromValue(std::string_view value_json,
                                                 std::string_view from_address);

}  // namespace rivulet::delivery

#endif  // RIVULET_DELIVERY_SMTP_SETTING_H_
