// The progress line of a bounded run (--once, --available-now) when stderr
// is a terminal, redrawn a few times a second and erased at the end:
//
//   lines 3/10 files · 1.2M rows · 250k rows/s · 0:05 elapsed · ~0:12 left
//
// Done and total come from the sources' backlog() (files, offsets, bytes),
// rows from the batches that finished. Nothing at all when stderr is not a
// terminal.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/progress.hpp"
#include "io/source.hpp"

namespace streamc::rt {

class TerminalProgress final : public ProgressObserver {
 public:
  // Whether a run in `mode` with this stderr shows the line.
  static bool wanted(RunMode mode);

  // Starts drawing; `sources` must outlive this object.
  explicit TerminalProgress(const std::vector<std::unique_ptr<Source>>& sources);
  ~TerminalProgress() override;  // stops and erases the line
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void batch_done(const BatchProgress& p) override;

  // The line for these figures (no terminal codes), for tests.
  static std::string line(const std::vector<std::pair<std::string, SourceBacklog>>& backlogs, int64_t rows,
                          double elapsed_s);

 private:
  void run();

  const std::vector<std::unique_ptr<Source>>& sources_;
  std::atomic<int64_t> rows_{0};
  int64_t start_us_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace streamc::rt
