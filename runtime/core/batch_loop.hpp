// The micro-batch loop: at each trigger, take every source's available
// records, run the batch function over them, report progress.
//
// Continuous: the first batch at once, then on the interval grid (a batch
// that overruns starts the next one immediately, no pile-up; like Spark's
// ProcessingTime trigger). --once: wait until every source is complete, run
// one batch. --available-now: batches until every source is exhausted,
// paced by the interval only when a live source (socket) takes part.
#pragma once

#include <atomic>
#include <memory>

#include "core/clock.hpp"
#include "core/program_engine.hpp"
#include "core/progress.hpp"

namespace streamc::rt {

class BatchLoop {
 public:
  BatchLoop(ProgramEngine& engine, Clock clock, const std::atomic<int>& stop);

  // Runs until the mode's end, --max-batches, or `stop`. Throws FatalError.
  void run();
  int64_t batches_run() const { return next_id_; }

 private:
  // Runs one batch at `time`; returns true when every source is exhausted.
  bool run_batch(Timestamp time);
  Timestamp manual_time() const;
  bool has_live_source() const;
  // Under the manual clock nothing sleeps; wait (up to one interval of real
  // time) for a live source to have news instead of spinning empty batches.
  void wait_for_live_news() const;

  ProgramEngine& engine_;
  Clock clock_;
  const std::atomic<int>& stop_;
  std::unique_ptr<ProgressWriter> progress_;
  Batch batch_;
  int64_t next_id_ = 0;
};

}  // namespace streamc::rt
