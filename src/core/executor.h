#ifndef RIVULET_CORE_EXECUTOR_H_
#define RIVULET_CORE_EXECUTOR_H_

#include <functional>

namespace rivulet::core {

// A thread (or pool) that runs posted work, in the order posted. The HTTP server's I/O
// threads are executors: work posted to one runs on the thread that serves the connection.
class Executor {
 public:
  virtual ~Executor() = default;
  // Queues work to run soon on the executor; never runs it inline. Thread-safe.
  virtual void Post(std::function<void()> work) = 0;
};

}  // namespace rivulet::core

#endif  // RIVULET_CORE_EXECUTOR_H_
