#include "ui/ui_server.hpp"

#include <httplib.h>

#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "base/clock.hpp"
#include "streamc/runtime/format.hpp"

namespace streamc::rt {

extern const char kUiPage[];  // page.html, embedded by the build (ui_page.cpp)

UiServer::UiServer(const std::string& host, int port, UiInfo info)
    : info_(std::move(info)), metrics_(info_.program, info_.start_time_us), server_(std::make_unique<httplib::Server>()) {
  httplib::Server& s = *server_;
  // A slow or silent client gives up its connection after a few seconds;
  // two workers are plenty for a page and a scraper, and keep memory small.
  s.set_read_timeout(5, 0);
  s.set_write_timeout(5, 0);
  s.set_keep_alive_timeout(5);
  s.set_keep_alive_max_count(100);
  s.set_payload_max_length(64 * 1024);
  s.new_task_queue = [] { return new httplib::ThreadPool(2); };
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a
  // second program on the same port would share it instead of failing.
  s.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(kUiPage, "text/html; charset=utf-8");
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.text(), "text/plain; version=0.0.4; charset=utf-8");
  });
  s.Get("/progress", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(progress_array(), "application/json");
  });
  s.Get("/status", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(status_json(), "application/json");
  });
  s.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(mu_);
    if (!ended_) {
      res.set_content("ok\n", "text/plain; charset=utf-8");
    } else {
      res.status = 503;
      res.set_content(error_.empty() ? "stopped\n" : "failed: " + error_ + "\n", "text/plain; charset=utf-8");
    }
  });
  errno = 0;
  if (!s.bind_to_port(host, port)) {
    const int err = errno;
    throw FatalError("--ui: cannot listen on " + host + ":" + std::to_string(port) +
                     (err ? std::string(": ") + std::strerror(err) : std::string()));
  }
  port_ = port;
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() does nothing before the accept loop runs: wait for it, so that
  // a run shorter than a thread's start-up still stops its server.
  for (int i = 0; i < 5000 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

UiServer::~UiServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

void UiServer::batch_done(const BatchProgress& p) {
  metrics_.record(p);
  auto json = std::make_shared<const std::string>(progress_json(p));
  if (!p.idle) last_batch_.store(p.batch_id, std::memory_order_relaxed);
  std::lock_guard lock(mu_);
  recent_.push_back(std::move(json));
  if (recent_.size() > kRecent) recent_.pop_front();
}

void UiServer::loop_ended(const std::string& reason) {
  std::lock_guard lock(mu_);
  ended_ = true;
  error_ = reason;
}

std::string UiServer::progress_array() const {
  std::vector<std::shared_ptr<const std::string>> records;
  {
    std::lock_guard lock(mu_);
    records.assign(recent_.begin(), recent_.end());
  }
  std::string out = "[";
  for (size_t i = 0; i < records.size(); ++i) {
    if (i) out += ",\n";
    out += *records[i];
  }
  out += "]\n";
  return out;
}

std::string UiServer::status_json() const {
  bool ended;
  std::string error;
  {
    std::lock_guard lock(mu_);
    ended = ended_;
    error = error_;
  }
  std::string out = "{\"program\":";
  append_json_string(out, info_.program);
  out += ",\"status\":";
  append_json_string(out, !ended ? "running" : error.empty() ? "stopped" : "failed");
  if (!error.empty()) {
    out += ",\"error\":";
    append_json_string(out, error);
  }
  out += ",\"batchId\":";
  append_json(out, last_batch_.load(std::memory_order_relaxed));
  out += ",\"uptimeSeconds\":";
  append_json(out, static_cast<double>(Clock::now_us() - info_.start_time_us) / 1e6);
  out += ",\"params\":{";
  for (size_t i = 0; i < info_.params.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, info_.params[i].first);
    out += ':';
    append_json_string(out, info_.params[i].second);
  }
  out += "}}\n";
  return out;
}

}  // namespace streamc::rt
