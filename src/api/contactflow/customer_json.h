#ifndef RIVULET_API_CONTACTFLOW_CUSTOMER_JSON_H_
#define RIVULET_API_CONTACTFLOW_CUSTOMER_JSON_H_

#include <boost/json.hpp>
#include <string>

#include "core/journey.h"
#include "core/model.h"
#include "engine/contacts.h"

// Customer / CustomerOfBatch {uuid, userPk, clabUuid, attributes, automationUuid,
// automationName}: a contact (userPk = external id, clabUuid = contact uuid, e-mail and
// phone from attributes.email / attributes.phone or attributes.mobilePhone) entering an
// automation. The attributes are the token's run data ({{run.data.x}} in templates) and the
// new contact's attributes when it did not exist. Once in, a customer's uuid is its token's.
namespace rivulet::api::contactflow {

struct CustomerInput {
  engine::ContactInput contact;
  std::string run_data_json = "{}";
};

// path names the object in errors ("customers[3]"). automation_uuid, when given in the body,
// must be the path's.
core::Result<CustomerInput> CustomerFromJson(const boost::json::object& obj,
                                             const std::string& path,
                                             const std::string& automation_uuid);

boost::json::object CustomerToJson(const core::Token& t, const core::Contact& c,
                                   const core::Automation& a);

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_CUSTOMER_JSON_H_
