#include "store/store.h"

#include <future>

namespace rivulet::store {

Status Store::WriteAndWait(WriteFn fn) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  Write(std::move(fn), [promise](Status st) { promise->set_value(std::move(st)); });
  return future.get();
}

}  // namespace rivulet::store
