// The micro-batch loop: at each trigger, take every source's available
// records, run the batch function over them, report progress.
//
// Continuous: the first batch at once, then on the interval grid (a batch
// that overruns starts the next one immediately, no pile-up; like Spark's
// ProcessingTime trigger). --once: wait until every source is complete, run
// one batch. --available-now: batches until every source is exhausted,
// paced by the interval only when a live source (socket) takes part. In
// both bounded modes a program with a watermark then runs one batch without
// data, so the windows that the final watermark closes are emitted.
//
// With a checkpoint (checkpoint/checkpoint.hpp) each batch is: poll the
// sources (or, on restart, re-deliver the logged offsets of a batch that
// never committed), log the offsets, run the batch function, save the state
// (a delta, and every --snapshot-every versions a snapshot too), commit
// every sink, write the commit log.
//
// The files are written by a background writer (checkpoint_writer.hpp) in
// that order, each durable before the next is written, while the loop goes
// on: the offsets are written while the batch computes, the state delta and
// the commit while the next batch computes. The loop waits only before its
// sinks commit, until the batch's offsets (and so everything before them)
// are durable; the next batch's offsets follow its commit. A program that
// writes files during the batch (a files sink's parts, rejected records)
// waits for the offsets before the batch runs instead, as Spark allows
// asynchronous offsets only with sinks that write nothing before commit. Snapshots go to
// a second writer that nothing waits for: a version's delta is always
// written, so a snapshot is only a shortcut for restarts.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint/checkpoint.hpp"
#include "checkpoint/checkpoint_writer.hpp"
#include "base/clock.hpp"
#include "core/program_engine.hpp"
#include "core/progress.hpp"

namespace streamc::rt {

class BatchLoop {
 public:
  BatchLoop(ProgramEngine& engine, Clock clock, const std::atomic<int>& stop);
  ~BatchLoop();

  // Runs until the mode's end, --max-batches, or `stop`. Throws FatalError.
  void run();
  // The same loop driven from outside, one batch at a time (a consumer
  // group's tasks, core/group_runner.cpp): start() restores the checkpoint
  // and starts the sources; each step() is one continuous trigger at
  // `trigger_us` (wall clock; the manual clock's time otherwise), re-running
  // a logged but uncommitted batch first; finish() waits until the last
  // commit is durable.
  void start();
  void step(int64_t trigger_us);
  void finish();
  int64_t batches_run() const { return next_id_; }
  // Told about every batch after --progress (the UI server, the terminal
  // line); must outlive the loop.
  void add_observer(ProgressObserver& o) { observers_.push_back(&o); }
  // The loop's checkpoint, once started (null without one).
  const Checkpoint* checkpoint() const { return checkpoint_.get(); }

 private:
  // run() without the final wait for the checkpoint writers.
  void run_batches();
  // Runs one batch at `time`; returns true when every source is exhausted.
  bool run_batch(Timestamp time, bool no_data = false);
  // With a checkpoint, before the sources start: check the plan, restore
  // the state and the sources' positions, find the batch to re-run.
  void recover();
  struct PhaseTimes {
    int64_t started, polled, logged, added, state_saved, committed;  // steady clock, µs
  };
  // The progress record of the batch that just ran; `idle`: of a trigger
  // that ran no batch (nothing read, nothing written; only t.started used).
  BatchProgress progress_of(int64_t id, Timestamp time, const PhaseTimes& t,
                            const std::vector<int64_t>& start_offsets, bool idle);
  // Where source `i`'s records go in this batch (its own buffers when it
  // reads in pieces), its oversized records to `oversized`.
  SourceIntake intake_of(size_t i, Timestamp time, bool no_data, std::vector<OversizedRecord>& oversized);
  // Empties the batch (BatchAccess::end) and the pieces' buffers.
  void end_batch();
  // Batch::next_piece: releases source `i`'s piece and asks for the next.
  bool next_piece(size_t i);
  bool limit_reached() const;
  bool watermark_moved() const;
  Timestamp manual_time() const;
  bool has_live_source() const;
  // Under the manual clock nothing sleeps; wait (up to one interval of real
  // time) for a live source to have news instead of spinning empty batches.
  void wait_for_live_news() const;

  ProgramEngine& engine_;
  Clock clock_;
  const std::atomic<int>& stop_;
  std::unique_ptr<ProgressWriter> progress_;
  std::vector<ProgressObserver*> observers_;
  Batch batch_;
  // Per source read in pieces: the current piece's buffers, where its
  // files begin (their RecordOrigins), and the records of earlier pieces.
  std::vector<std::vector<std::shared_ptr<const void>>> piece_buffers_;
  std::vector<std::vector<const char*>> piece_origins_;
  std::vector<int64_t> piece_rows_;
  int64_t next_id_ = 0;
  int64_t run_batches_ = 0;  // batches of this run (--max-batches)
  std::unique_ptr<Checkpoint> checkpoint_;
  bool offsets_before_batch_ = false;  // something writes files during the batch
  // Buffers of encoded state files, reused batch after batch.
  BufferPool delta_buffers_{4}, snapshot_buffers_{1};
  // After checkpoint_ and the pools: their tasks use them, so they finish first.
  std::unique_ptr<CheckpointWriter> log_writer_;       // offsets, source logs, deltas, commits
  std::unique_ptr<CheckpointWriter> snapshot_writer_;  // snapshots
  std::optional<LoggedBatch> replay_;
  std::vector<std::vector<std::string>> replay_logs_;  // per source
  std::string run_id_;
  int64_t previous_start_us_ = 0;
  int64_t last_progress_us_ = 0;  // steady clock, when the last progress record was written
  std::optional<int64_t> last_watermark_;  // the watermark the last batch used
};

}  // namespace streamc::rt
