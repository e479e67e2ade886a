#include "io/kafka_group.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <cstring>

#include "io/kafka_changelog.hpp"
#include "io/kafka_client.hpp"
#include "io/kafka_internal_topic.hpp"

namespace streamc::rt {
namespace {

class KafkaGroupMember final : public GroupMembership {
 public:
  KafkaGroupMember(const std::string& source, KafkaSourceOptions options)
      : options_(std::move(options)),
        client_(RD_KAFKA_CONSUMER, "kafka source '" + source + "' (group '" + options_.group + "')", options_.brokers,
                options_.options,
                {{"group.id", options_.group},
                 {"partition.assignment.strategy", "cooperative-sticky"},
                 {"enable.auto.commit", "false"},
                 {"enable.auto.offset.store", "false"},
                 {"auto.offset.reset", "latest"},
                 {"allow.auto.create.topics", "false"}},
                nullptr, &KafkaGroupMember::on_rebalance, this) {}

  ~KafkaGroupMember() override {
    if (!left_) rd_kafka_consumer_close(client_.handle());
  }

  std::string describe() const override {
    return "consumer group '" + options_.group + "' on " + options_.brokers;
  }

  void join(std::function<void(const TaskId&)> stop_task) override {
    stop_task_ = std::move(stop_task);
    // The repartition topics' partitions are tasks too (of the program's
    // later sub-topologies): the topics are made first when missing, with
    // as many partitions as the first topic; so is the changelog (a
    // cluster that does not make topics on first use would refuse it).
    for (const auto& t : options_.internal_topics)
      ensure_internal_topic(client_.who(), options_.brokers, options_.options, t, options_.topics.front());
    ensure_internal_topic(client_.who(), options_.brokers, options_.options, changelog_topic(),
                          options_.topics.front());
    rd_kafka_topic_partition_list_t* topics =
        rd_kafka_topic_partition_list_new(static_cast<int>(options_.topics.size() + options_.internal_topics.size()));
    for (const auto& t : options_.topics) rd_kafka_topic_partition_list_add(topics, t.c_str(), RD_KAFKA_PARTITION_UA);
    for (const auto& t : options_.internal_topics) rd_kafka_topic_partition_list_add(topics, t.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(client_.handle(), topics);
    rd_kafka_topic_partition_list_destroy(topics);
    if (err) throw FatalError(client_.who() + ": cannot join " + describe() + ": " + rd_kafka_err2str(err));
  }

  std::vector<TaskId> poll() override {
    // Rebalances are served by the consumer poll; a message (none should
    // come: every assigned partition is paused) is dropped.
    while (rd_kafka_message_t* m = rd_kafka_consumer_poll(client_.handle(), 0)) {
      if (m->err && m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        const rd_kafka_resp_err_t err = m->err;
        rd_kafka_message_destroy(m);
        if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
          throw FatalError(client_.who() + ": " + rd_kafka_err2str(err));
        client_.status(client_.who() + ": " + rd_kafka_err2str(err) + "; retrying");
        continue;
      }
      rd_kafka_message_destroy(m);
    }
    client_.check_fatal();
    std::vector<TaskId> out;
    std::swap(out, gained_);
    return out;
  }

  // <group>-changelog: every task's checkpoint, keyed by task (the topic
  // may have fewer partitions than there are tasks: the test broker makes
  // any topic with 4, and tasks share them).
  std::function<std::unique_ptr<CheckpointStore>()> task_store(const TaskId& task,
                                                              const std::string& cache_dir) const override {
    return [brokers = options_.brokers, opts = options_.options, topic = changelog_topic(), name = task.name(),
            cache_dir, stats = stats_] { return make_kafka_changelog_store(brokers, opts, topic, name, cache_dir, stats); };
  }

  std::string restore_summary() override {
    const int64_t cached = stats_->cached.exchange(0), fetched = stats_->fetched.exchange(0);
    if (cached == 0) return {};
    return std::to_string(cached + fetched) + " changelog records, " + std::to_string(cached) +
           " of them from the local cache";
  }

  void leave() override {
    if (left_) return;
    left_ = true;
    rd_kafka_consumer_close(client_.handle());
  }

 private:
  std::string changelog_topic() const { return options_.group + "-changelog"; }

  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                           void* opaque) {
    auto* self = static_cast<KafkaGroupMember*>(static_cast<KafkaClient*>(opaque)->owner());
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      if (cooperative) {
        if (rd_kafka_error_t* e = rd_kafka_incremental_assign(rk, parts)) rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(rk, parts);
      }
      // The member only holds the partitions; the tasks read them.
      rd_kafka_pause_partitions(rk, parts);
      for (int i = 0; i < parts->cnt; ++i) self->gained_.push_back({parts->elems[i].topic, parts->elems[i].partition});
    } else {
      // Stopped before the partitions are given up: the next owner
      // restores what this copy committed last.
      for (int i = 0; i < parts->cnt; ++i) {
        TaskId t{parts->elems[i].topic, parts->elems[i].partition};
        auto it = std::find(self->gained_.begin(), self->gained_.end(), t);
        if (it != self->gained_.end()) self->gained_.erase(it);  // gained and lost within one poll: never started
        else if (self->stop_task_) self->stop_task_(t);
      }
      if (cooperative) {
        if (rd_kafka_error_t* e = rd_kafka_incremental_unassign(rk, parts)) rd_kafka_error_destroy(e);
      } else {
        rd_kafka_assign(rk, nullptr);
      }
    }
  }

  KafkaSourceOptions options_;
  KafkaClient client_;
  std::function<void(const TaskId&)> stop_task_;
  std::vector<TaskId> gained_;  // since the last poll
  bool left_ = false;
  std::shared_ptr<ChangelogRestoreStats> stats_ = std::make_shared<ChangelogRestoreStats>();
};

}  // namespace

std::unique_ptr<GroupMembership> make_kafka_group_member(const std::string& source, const KafkaSourceOptions& options) {
  return std::make_unique<KafkaGroupMember>(source, options);
}

}  // namespace streamc::rt
