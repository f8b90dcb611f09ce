#ifndef RIVULET_ENGINE_SECRET_REDACTION_H_
#define RIVULET_ENGINE_SECRET_REDACTION_H_

#include <string>
#include <string_view>

namespace rivulet::engine {

// text with every API key, access token and secret key it contains (recognised by the
// "rvk_", "rvt_" and "sk_" prefixes engine::Accounts gives them) cut to the prefix and four
// characters plus "…", for logs: a client that puts a secret in a URL must not leave it in
// the access log. Defined in accounts.cc, beside the prefixes.
std::string RedactSecrets(std::string_view text);

}  // namespace rivulet::engine

#endif  // RIVULET_ENGINE_SECRET_REDACTION_H_
