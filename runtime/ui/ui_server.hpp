// --ui [HOST:]PORT: an HTTP server on its own threads inside the binary
// (cpp-httplib), serving
//   /          the page (page.html, built into the binary): live charts
//   /metrics   Prometheus text format (ui/metrics.hpp)
//   /progress  the last kRecent progress records, a JSON array, newest last
//   /status    program, parameters, status, batch id, uptime (for the page)
//   /healthz   200 while the batch loop runs, 503 once it failed or stopped
// The loop hands each batch's progress over (batch_done) and goes on: the
// server never holds a lock while it talks to a client, reads and writes
// time out, and nothing it does changes the pipeline.
#pragma once

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/progress.hpp"
#include "ui/metrics.hpp"

namespace httplib {
class Server;
}

namespace streamc::rt {

struct UiInfo {
  std::string program;
  std::vector<std::pair<std::string, std::string>> params;  // name, value as text
  int64_t start_time_us = 0;
};

class UiServer final : public ProgressObserver {
 public:
  static constexpr size_t kRecent = 100;  // Spark's numRecentProgressUpdates

  // Binds host:port and starts serving; throws FatalError when it cannot.
  UiServer(const std::string& host, int port, UiInfo info);
  ~UiServer() override;  // stops the server and joins its thread
  UiServer(const UiServer&) = delete;
  UiServer& operator=(const UiServer&) = delete;

  void batch_done(const BatchProgress& p) override;
  // The batch loop ended: with an error (`reason`), or not.
  void loop_ended(const std::string& reason = {});
  int port() const { return port_; }

 private:
  std::string status_json() const;
  std::string progress_array() const;

  UiInfo info_;
  Metrics metrics_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int64_t> last_batch_{-1};
  mutable std::mutex mu_;  // guards recent_ and ended_/error_; held only to copy pointers and flags
  std::deque<std::shared_ptr<const std::string>> recent_;
  bool ended_ = false;
  std::string error_;
};

}  // namespace streamc::rt
