#ifndef RIVULET_CORE_THREAD_NAME_H_
#define RIVULET_CORE_THREAD_NAME_H_

#include <pthread.h>

#include <string>

namespace rivulet::core {

// Names the calling thread as `top -H`, `perf` and /proc/PID/task/*/comm show it. Linux keeps
// at most 15 characters; longer names are cut.
inline void NameThisThread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace rivulet::core

#endif  // RIVULET_CORE_THREAD_NAME_H_
