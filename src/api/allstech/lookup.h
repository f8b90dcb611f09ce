#ifndef RIVULET_API_ALLSTECH_LOOKUP_H_
#define RIVULET_API_ALLSTECH_LOOKUP_H_

#include <string>
#include <vector>

#include "api/allstech/automation_model.h"
#include "api/services.h"
#include "http/router.h"

// Finding what a request names, with the face's "Record not found". Internal to
// api/allstech/.
namespace rivulet::api::allstech {

// The request's query or body decoded as one object, bounded by the service limits.
core::Result<boost::json::object> QueryOf(const http::Call& call, const http::Limits& limits);
core::Result<boost::json::object> BodyOf(const http::Call& call, const http::Limits& limits);

// The required "utr" of an object (Laravel error when missing).
core::Result<std::string> RequiredUtr(const boost::json::object& input);

// An automation of the workspace that is not soft-deleted, with its face fields.
struct Found {
  core::Automation automation;
  FaceFields fields;
};
core::Result<Found> FindByUtr(store::ReadTxn& txn, int64_t workspace_id, const std::string& utr);
core::Result<Found> FindByUtr(Services& s, int64_t workspace_id, const std::string& utr);

// Every automation of the workspace that is not soft-deleted, newest first.
core::Result<std::vector<Found>> ListLive(store::ReadTxn& txn, int64_t workspace_id);

// Workspace resources by their numeric ids (NotFound when absent).
core::Result<core::Sender> SenderById(store::ReadTxn& txn, int64_t workspace_id, int64_t id);
core::Result<core::MessageTemplate> TemplateById(store::ReadTxn& txn, int64_t workspace_id,
                                                 int64_t id);

// Request metadata an asynchronous reply needs.
http::Request Meta(const http::Call& call);

}  // namespace rivulet::api::allstech

#endif  // RIVULET_API_ALLSTECH_LOOKUP_H_
