// Fuzzes the JSON body → model mappings of the faces: the native API's contact, event and
// automation documents and the Leat face's run request. Every body either maps or fails with
// a field-level Status; an automation document that maps survives a round trip through its
// canonical form.
#include <boost/json.hpp>

#include "api/leat/leat_json.h"
#include "api/native/automation_json.h"
#include "api/native/contact_json.h"
#include "fuzz/fuzz_util.h"

using namespace rivulet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::AsText(data, size);
  auto body = fuzz::JsonBody(text);
  if (!body) return 0;

  auto run = api::leat::RunRequestFromJson(*body);
  if (run.ok()) {
    boost::system::error_code ec;
    boost::json::value d = boost::json::parse(run->data_json, ec);
    if (ec || !(d.is_object() || d.is_array()))
      fuzz::Fail("run data is not an object or array", text);
    if (run->data_json.size() > api::leat::kMaxRunDataBytes) fuzz::Fail("run data too big", text);
  } else if (run.status().fields().empty()) {
    fuzz::Fail("a run request error without field details", text);
  }

  if (!body->is_object()) return 0;
  const boost::json::object& obj = body->as_object();
  (void)api::native::ParseContactInput(obj);
  (void)api::native::ParseEventInput(obj);
  auto a = api::native::AutomationFromJson(obj);
  if (a.ok()) {
    boost::json::object first = api::native::AutomationToJson(*a);
    auto back = api::native::AutomationFromJson(first);
    if (!back.ok()) {
      fuzz::Fail("an automation's canonical document does not parse",
                 back.status().ToString() + "\n" + boost::json::serialize(first));
    }
    if (api::native::AutomationToJson(*back) != first) {
      fuzz::Fail("an automation's canonical document changes on a round trip",
                 boost::json::serialize(first));
    }
  }
  return 0;
}
