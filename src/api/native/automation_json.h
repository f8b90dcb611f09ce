#ifndef RIVULET_API_NATIVE_AUTOMATION_JSON_H_
#define RIVULET_API_NATIVE_AUTOMATION_JSON_H_

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "core/automation.h"
#include "core/journey.h"
#include "store/store.h"

// The canonical automation document of the native API (also `rivulet automation apply`):
//   {"uuid","name","description","category","author","status","timezone",
//    "start_date","end_date","triggers":[{"event_type","condition"}],"unique_token",
//    "allow_reentry","exit_condition","unsubscribe_group",
//    "steps":[{"uuid","type","name","settings":{…}}],
//    "connections":[{"from","to","branch"}]}
namespace rivulet::api::native {

// Parses a document; read-only fields (status, created_at, updated_at, statistics) are
// ignored so that an exported document can be applied again.
core::Result<core::Automation> AutomationFromJson(const boost::json::object& doc);
boost::json::object AutomationToJson(const core::Automation& a);
// {"automation":{entered,completed,…},"steps":{"<uuid>":{entered,…}}}
boost::json::object StatisticsToJson(const std::vector<store::CounterValue>& counters);
boost::json::object TokenToJson(const core::Token& t, const std::string& automation_uuid,
                                const std::string& contact_uuid);

}  // namespace rivulet::api::native

#endif  // RIVULET_API_NATIVE_AUTOMATION_JSON_H_
