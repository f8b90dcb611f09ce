#ifndef RIVULET_API_CONTACTFLOW_BATCH_NOTIFIER_H_
#define RIVULET_API_CONTACTFLOW_BATCH_NOTIFIER_H_

#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "api/contactflow/worker.h"
#include "api/services.h"
#include "core/journey.h"
#include "engine/batches.h"

// BatchNotification {type: WEBHOOK | EMAIL, url (WEBHOOK), recipient (EMAIL)}: told when a
// closed batch has been processed (its customers released), then recorded on the source as
// *_NOTIFIED or *_NOT_NOTIFIED.
namespace rivulet::api::contactflow {

// Checks a notification object and returns its stored form (serialized).
core::Result<std::string> ReadNotification(const boost::json::value& v);

// Delivers the source's notification on the worker (webhook POST, or e-mail through the
// node's SMTP setting from its first sender) and records the outcome.
void Notify(Services& s, Worker& worker, std::shared_ptr<engine::Batches> batches,
            const std::string& automation_uuid, const core::BatchSource& source);

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_BATCH_NOTIFIER_H_
