#ifndef RIVULET_API_CONTACTFLOW_NODE_JSON_H_
#define RIVULET_API_CONTACTFLOW_NODE_JSON_H_

#include <boost/json.hpp>

#include "core/model.h"
#include "core/status.h"

// A Contactflow node is a workspace: uuid, name, active and created are the workspace's;
// the other Node fields live in its settings_json under the same camelCase names.
namespace rivulet::api::contactflow {

boost::json::object NodeToJson(const core::Workspace& ws);
// Reads a Node body (POST) into ws (name required).
core::Status NodeFromJson(const boost::json::object& body, core::Workspace& ws);
// Applies a node update ({active (required), smsActive, emailActive, hubPhoneField}).
core::Status ApplyNodeUpdate(const boost::json::object& body, core::Workspace& ws);

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_NODE_JSON_H_
