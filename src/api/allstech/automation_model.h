#ifndef RIVULET_API_ALLSTECH_AUTOMATION_MODEL_H_
#define RIVULET_API_ALLSTECH_AUTOMATION_MODEL_H_

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/automation.h"
#include "store/store.h"

// How an AllsTechnology automation maps onto the canonical core::Automation:
//   utr              = the automation uuid; id = its row id; user_id = the workspace id
//   status 1 / 0     = RUNNING / any other status
//   automation_for   = the audience (contacts_{contact type id} / segments_{segment id})
//   schedules        = a linear chain of (WAIT waiting_period, CLAB_CAMPAIGN e-mail) step
//                      pairs, one pair per schedule, in creation order
//   total_*          = the automation's engine counters (entered, delivered, unique_opens,
//                      opens, bounces, unsubscribes)
// The fields only this face knows (schedule ids and inputs, live_at, deleted_at, …) live in
// the automation's face data under "allstech". Internal to api/allstech/.
namespace rivulet::api::allstech {

struct Schedule {
  int64_t id = 0;
  std::string utr;
  int64_t sender_id = 0;
  std::string sender_uuid;
  std::string subject;
  int64_t waiting_period = 1;
  std::string waiting_type = "instantly";  // instantly, hours, days
  int64_t template_id = 0;
  std::string template_uuid;
  std::string preview_img;
  std::string template_json;
  std::string template_html;
  core::Millis created_at = 0;
  core::Millis updated_at = 0;
  std::string wait_step;  // step uuids of its pair
  std::string email_step;
};

struct FaceFields {
  std::string automation_for_table;  // "contacts_", "segments_" or "" (none)
  int64_t automation_for = 0;
  int64_t exit_criteria = 1;
  int64_t automation_type = 0;  // 0 welcome, 1 custom
  std::optional<core::Millis> live_at;
  std::optional<core::Millis> deleted_at;
  std::vector<Schedule> schedules;
};

// The face fields of an automation (defaults for automations made by other faces).
FaceFields ReadFaceFields(const core::Automation& a);
// face_data_json with the "allstech" member replaced by fields.
std::string WriteFaceFields(const std::string& face_data_json, const FaceFields& fields);

// The wait before a schedule's e-mail: instantly → 0, hours → N h, days → N d.
int64_t WaitSeconds(const Schedule& s);

// Rebuilds the automation's steps and connections from fields.schedules (step uuids taken
// from, or assigned to, each schedule).
void BuildSteps(core::Automation& a, FaceFields& fields, core::Millis now);

// The automation as the face shows it. Counters come from ReadCounters.
boost::json::object AutomationJson(const core::Automation& a, const FaceFields& fields,
                                   const std::vector<store::CounterValue>& counters,
                                   bool with_schedule_count);
boost::json::object ScheduleJson(const core::Automation& a, const Schedule& s,
                                 const std::string& public_base_url);

// Laravel's time formats: "2023-11-27T12:03:01.000000Z" and "2023-11-28 12:16:59".
std::string LaravelTimestamp(core::Millis t);
std::string LaravelDateTime(core::Millis t);

}  // namespace rivulet::api::allstech

#endif  // RIVULET_API_ALLSTECH_AUTOMATION_MODEL_H_
