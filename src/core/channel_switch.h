#ifndef RIVULET_CORE_CHANNEL_SWITCH_H_
#define RIVULET_CORE_CHANNEL_SWITCH_H_

#include "core/model.h"

namespace rivulet::core {

// Whether the workspace's e-mail or SMS channel is switched on: the Contactflow node flags
// `emailActive` / `smsActive` kept in `Workspace::settings_json` (absent or not a boolean:
// on). The engine sends nothing on a switched-off channel: a message step is skipped (counted
// as skipped, the token follows its default branch), and a message queued before the switch
// went off is not sent (decision 15).
bool ChannelActive(const Workspace& ws, Channel channel);

}  // namespace rivulet::core

#endif  // RIVULET_CORE_CHANNEL_SWITCH_H_
