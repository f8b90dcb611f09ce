#ifndef RIVULET_ENGINE_RESOURCES_H_
#define RIVULET_ENGINE_RESOURCES_H_

#include <string>

#include "core/journey.h"
#include "core/status.h"

// Rules for the workspace resources steps use: senders, templates and channel settings.
namespace rivulet::engine {

// Setting types: SMTP {"url","username","password","tls":"none|starttls|required",
// "verify_peer","unsubscribe_mailto"}, SMS_GATEWAY {"url","headers":{},"body":template},
// WEBHOOK_SIGNING {"secret"}, and Contactflow's CLAB_API_SOAP and HUB (kept as given).
core::Status ValidateSetting(const core::WorkspaceSetting& setting);
// The value with secrets (password, secret, tokens in headers) replaced by "********".
std::string MaskedSettingValue(const core::WorkspaceSetting& setting);
// A PUT keeps a secret the client sent back masked: replaces "********" with the stored one.
std::string MergeMaskedSecrets(const std::string& new_value, const std::string& stored_value);

core::Status ValidateSender(const core::Sender& sender);
// Subject, HTML and text must parse as templates; an e-mail template needs a subject and a
// body, an SMS template a text.
core::Status ValidateTemplate(const core::MessageTemplate& t);

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_RESOURCES_H_
