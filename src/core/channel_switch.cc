#include "core/channel_switch.h"

#include "core/json_text.h"

namespace rivulet::core {

bool ChannelActive(const Workspace& ws, Channel channel) {
  if (ws.settings_json.empty() || ws.settings_json == "{}") return true;
  auto settings = ParseJsonObject(ws.settings_json);
  auto* flag = settings.if_contains(channel == Channel::kEmail ? "emailActive" : "smsActive");
  return !flag || !flag->is_bool() || flag->as_bool();
}

}  // namespace rivulet::core
