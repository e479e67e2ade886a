// socket(host, port): a TCP client that reads lines, like Spark's
// socketTextStream (format json: one record per non-blank line; csv: one per
// line, but a quoted field may span lines; no header). A receiver thread connects (retrying with backoff),
// splits the stream into lines and appends them to a buffer that the next
// batch takes whole. A line longer than max_record_bytes is skipped as it
// arrives and rejected by the next batch (on_error), so one peer's endless
// line costs no memory.
//
// Continuous mode: a refused or dropped connection is retried forever
// (100 ms doubling to 5 s), with one notice on stderr per state change.
// --once / --available-now: the server closing the connection ends the
// source; not connecting within `connect_deadline` is a fatal error.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "io/source.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

struct SocketSettings {
  int64_t backoff_initial_ms = 100;
  int64_t backoff_max_ms = 5000;
  int64_t connect_deadline_ms = 5000;  // bounded modes only
  // Where state-change notices go (default: one line on stderr).
  std::function<void(const std::string&)> notice;
};

class SocketSource final : public Source {
 public:
  SocketSource(std::string name, std::string host, int64_t port, SourceOptions options,
               SocketSettings settings = {});
  ~SocketSource() override;

  void start(RunMode mode) override;
  bool poll(SourceIntake intake) override;
  bool complete() const override;
  bool has_news() const override;
  bool live() const override { return true; }

  bool connected() const { return connected_.load(); }

  // Checkpoints: what a socket sent is gone once taken, so a re-run batch
  // gets what has arrived since: at most once across crashes. The offset
  // only records how many records were received.
  std::string kind() const override { return "socket"; }
  std::string last_offset() const override { return std::to_string(received_); }
  bool replayable() const override { return false; }
  int64_t position() const override { return received_; }
  // Bytes polled so far, and received but not yet polled.
  std::optional<SourceBacklog> backlog() const override;

 private:
  enum class State { Initial, Connected, Failing, Closed };
  void receive_loop();
  // Returns a connected socket, or -1 with `error` set.
  int connect_once(std::string& error);
  // Reads until the peer closes or stop; returns when the connection ended.
  void read_connection(int fd);
  // Waits up to `ms` or until stop; returns false on stop.
  bool wait(int64_t ms);
  void set_state(State s, const std::string& detail = {});
  void deliver(std::string_view text);

  std::string host_;
  int64_t port_;
  SourceOptions options_;
  SocketSettings settings_;
  RunMode mode_ = RunMode::Continuous;

  std::thread thread_;
  int wake_[2] = {-1, -1};  // self-pipe that interrupts poll(2) on stop
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};

  State state_ = State::Initial;  // receiver thread only
  std::string last_error_;        // receiver thread only
  std::string partial_;           // receiver thread only: an unfinished line
  size_t skipped_ = 0;            // receiver thread only: bytes of a line over the limit, so far
  std::string skipped_head_;      // receiver thread only: that line's first bytes
  int64_t line_ = 0;              // receiver thread only: lines of this connection so far

  int64_t received_ = 0;  // records delivered by this run's polls
  std::atomic<int64_t> bytes_taken_{0};  // by this run's polls (backlog())
  std::string carry_;  // poll only: the start of a CSV record still inside quotes

  mutable std::mutex mu_;
  std::string ready_;  // complete lines, each ending in '\n'
  std::vector<OversizedRecord> oversized_;  // lines skipped for their size
  bool ended_ = false;
  std::string failure_;
};

}  // namespace streamc::rt
