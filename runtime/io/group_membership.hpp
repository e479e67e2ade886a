// A program whose Kafka source has `group:` is a member of that consumer
// group (DESIGN.md, "Scale-out"): Kafka assigns each copy of the binary some
// of the topic's partitions and moves them when a copy joins, leaves or
// dies. Each assigned partition is a task, run by its own engine with its
// own state and checkpoint (core/group_runner.hpp). This is the runner's
// view of the membership; io/kafka_group.cpp is the Kafka side, so the core
// does not depend on librdkafka.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace streamc::rt {

class CheckpointStore;

// One input partition of the group's source.
struct TaskId {
  std::string topic;
  int32_t partition = 0;
  // "orders-3": the task's name in progress reports, part files and
  // checkpoint paths (Kafka Streams names tasks "0_3"; a topic-partition
  // name is what a Kafka user reads in kcat and lag tools).
  std::string name() const { return topic + "-" + std::to_string(partition); }
  friend bool operator<(const TaskId& a, const TaskId& b) {
    return a.topic != b.topic ? a.topic < b.topic : a.partition < b.partition;
  }
  friend bool operator==(const TaskId& a, const TaskId& b) { return a.topic == b.topic && a.partition == b.partition; }
};

class GroupMembership {
 public:
  virtual ~GroupMembership() = default;
  // "consumer group 'counts' on 127.0.0.1:9092", for messages.
  virtual std::string describe() const = 0;
  // Joins the group (subscribes to the topics). `stop_task` is called for
  // each task the copy loses, from within poll(), and must return only when
  // the task has stopped and its last commit is durable: the partition may
  // move to another copy as soon as it returns.
  virtual void join(std::function<void(const TaskId&)> stop_task) = 0;
  // Serves the group protocol (heartbeats are librdkafka's; rebalances
  // happen here) and returns the tasks gained since the last call.
  virtual std::vector<TaskId> poll() = 0;
  // Where a task keeps its checkpoint: the group's changelog topic in
  // Kafka, whichever copy runs it. `cache_dir` (the run's --checkpoint, or
  // empty) keeps a local cache of the task's records there, so that a
  // restore on this machine reads only the records after it.
  virtual std::function<std::unique_ptr<CheckpointStore>()> task_store(const TaskId& task,
                                                                      const std::string& cache_dir) const = 0;
  // What the restores since the last call read, for the rebalance line:
  // "N changelog records, M of them from the local cache", or empty.
  virtual std::string restore_summary() { return {}; }
  // Leaves the group (the tasks move to the other copies at once, rather
  // than after the session timeout).
  virtual void leave() = 0;
};

}  // namespace streamc::rt
