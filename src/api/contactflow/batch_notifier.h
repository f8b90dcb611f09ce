#ifndef RIVULET_API_CONTACTFLOW_BATCH_NOTIFIER_H_
#define RIVULET_API_CONTACTFLOW_BATCH_NOTIFIER_H_

#include <boost/json/value.hpp>
#include <string>

#include "core/status.h"

// BatchNotification {type: WEBHOOK | EMAIL, url (WEBHOOK), recipient (EMAIL)}: told when a
// closed batch has been processed (its customers released). The engine queues it in the
// outbox with the LAST packet and records the outcome on the source as *_NOTIFIED or
// *_NOT_NOTIFIED (engine/batches.h).
namespace rivulet::api::contactflow {

// Checks a notification object and returns its stored form (serialized).
core::Result<std::string> ReadNotification(const boost::json::value& v);

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_BATCH_NOTIFIER_H_
