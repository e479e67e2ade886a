// A background thread that writes checkpoint files in the order they are
// submitted (Spark's asynchronous state checkpointing, on one machine): the
// batch loop hands it a batch's offsets, state delta and commit as tasks and
// goes on computing, while each task's file is written, fsynced and renamed
// before the next task starts. The files therefore appear on disk in exactly
// the order the synchronous protocol would write them; only the loop's
// waiting moves. The loop waits (wait) where the protocol needs a file
// durable before it acts, e.g. the offsets of a batch before its sinks
// commit.
//
// After a task fails, every later task is skipped (a commit is never written
// after the state it follows failed), and submit/wait/drain rethrow the
// failure on the loop's thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace streamc::rt {

class CheckpointWriter {
 public:
  using Ticket = uint64_t;  // the n-th submitted task; 0: none
  CheckpointWriter();
  // Runs the tasks still queued (each is a valid next step of the
  // protocol), then joins the thread; failures are dropped here.
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  Ticket submit(std::function<void()> task);
  // Returns once task `t` and every task before it ran.
  void wait(Ticket t);
  void drain() { wait(submitted()); }
  Ticket submitted() const;

 private:
  void loop();
  void rethrow_locked() const;

  mutable std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<std::function<void()>> queue_;
  Ticket submitted_ = 0, finished_ = 0;
  std::exception_ptr error_;
  bool stopping_ = false;
  std::thread thread_;
};

// Byte buffers passed from the loop to a writer and back: a buffer keeps
// its capacity, so encoding the next file writes into pages the process
// already has. (Fresh pages cost a fault each; on a VM that was most of
// the time spent encoding a large delta.) Keeps at most `keep` buffers.
class BufferPool {
 public:
  explicit BufferPool(size_t keep) : keep_(keep) {}
  std::string take();  // empty, with the capacity of a returned buffer if any
  void give(std::string buffer);
  // Makes sure a pooled buffer holds `bytes` with its pages touched: run on
  // a writer thread before a large file (a snapshot) is encoded, so the
  // page faults of a first snapshot are not the loop's.
  void prepare(size_t bytes);

 private:
  std::mutex mu_;
  std::vector<std::string> free_;
  size_t keep_;
};

}  // namespace streamc::rt
