#include "store/store.h"

#include <future>

namespace rivulet::store {

Result<bool> WriteTxn::FinishOutboxAttempt(const core::OutboxMessage& m, int claimed_attempts) {
  RIVULET_ASSIGN_OR_RETURN(core::OutboxMessage current, FindOutboxMessage(m.uuid));
  if (current.status != "sending" || current.attempts != claimed_attempts) return false;
  current.status = m.status;
  current.attempts = m.attempts;
  current.next_attempt_at = m.next_attempt_at;
  current.lease_until = m.lease_until;
  current.last_error = m.last_error;
  current.sent_at = m.sent_at;
  RIVULET_RETURN_IF_ERROR(UpdateOutboxMessage(current));
  return true;
}

Status Store::WriteAndWait(WriteFn fn) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  Write(std::move(fn), [promise](Status st) { promise->set_value(std::move(st)); });
  return future.get();
}

}  // namespace rivulet::store
