// A consumer-group member's main loop (DESIGN.md, "Scale-out"): Kafka
// assigns this copy of the binary some partitions of the group's topic;
// each is a task, run by its own ProgramEngine (the program built anew for
// it, its Kafka source pinned to the partition) and its own BatchLoop with
// its own state and checkpoint. On every trigger each task runs one batch
// (a task with nothing new runs none). A rebalance starts the tasks gained,
// after restoring their checkpoints, and stops the tasks lost once their
// last commit is durable; it is one line on stderr.
//
// A task's checkpoint is kept in the group's changelog topic
// (<group>-changelog, io/kafka_changelog.hpp), restored by whichever copy
// runs the task; a checkpoint directory is not used.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.hpp"
#include "io/group_membership.hpp"
#include "core/program_engine.hpp"
#include "core/progress.hpp"

namespace streamc::rt {

class GroupRunner {
 public:
  // `first` is the program's first build, which joined the group; its
  // options are every task's. Observers see every task's batches.
  GroupRunner(ProgramEngine& first, std::function<void(Engine&)> build, Clock clock, const std::atomic<int>& stop);
  ~GroupRunner();
  void add_observer(ProgressObserver& o) { observers_.push_back(&o); }
  // Until `stop`; throws FatalError (naming the task) when a task cannot go on.
  void run();
  // Every task's rejected-record summary, at the end.
  void print_rejected_summary(std::FILE* out) const;

 private:
  struct Task;
  void start_task(const TaskId& id);
  void stop_task(const TaskId& id);
  // tasks_[i] found another copy took it over (CheckpointTakenOver `why`):
  // stopped without a commit, one line on stderr.
  void drop_fenced(size_t i, const std::string& why);
  // Polls the membership and starts the tasks gained (one line on stderr).
  void take_assignment();
  // "orders-0, orders-3"
  std::string running() const;

  ProgramEngine& first_;
  std::function<void(Engine&)> build_;
  Clock clock_;
  const std::atomic<int>& stop_;
  std::unique_ptr<GroupMembership> member_;
  std::vector<ProgressObserver*> observers_;
  std::vector<std::unique_ptr<Task>> tasks_;  // by TaskId
  std::vector<std::unique_ptr<ProgramEngine>> stopped_;  // kept for the summary at the end
  std::vector<std::string> lost_;  // stopped by the last poll, for its line
  std::string stop_error_;  // a task that failed to stop (reported after the poll)
};

}  // namespace streamc::rt
