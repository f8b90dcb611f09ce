#ifndef RIVULET_API_CONTACTFLOW_WORKER_H_
#define RIVULET_API_CONTACTFLOW_WORKER_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "delivery/http_sender.h"
#include "delivery/smtp_sender.h"

namespace rivulet::api::contactflow {

// One background thread for the face's slow outbound calls (test e-mails; batch
// notifications go through the outbox), so that HTTP I/O threads never wait on a remote
// server. Jobs run in order. Stop() lets queued jobs finish. The senders outlive the worker.
class Worker {
 public:
  Worker(delivery::EmailSender& email, delivery::HttpSender& http) : email_(email), http_(http) {}
  ~Worker() { Stop(); }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void Start();
  void Stop();
  // Queues a job; after Stop() it runs on the caller's thread.
  void Post(std::function<void()> job);

  delivery::EmailSender& email() { return email_; }
  delivery::HttpSender& http() { return http_; }

 private:
  void Run();

  delivery::EmailSender& email_;
  delivery::HttpSender& http_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool running_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rivulet::api::contactflow

#endif  // RIVULET_API_CONTACTFLOW_WORKER_H_
