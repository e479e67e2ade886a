// A task's checkpoint in a Kafka changelog topic (DESIGN.md, "Scale-out"):
// a copy of a program in a consumer group has no checkpoint directory, so
// the files of a task's checkpoint (checkpoint/checkpoint_store.hpp) are
// records in a topic, restored on whichever copy takes the task.
//
// Records (all of a task's go to one partition: Kafka's murmur2 of the task
// id modulo the topic's partitions, as the Java client places key = task
// id; tasks may share a partition and ignore each other's records):
//
//   key "<task>\t<rel path>"  value: the sealed checkpoint file   a write
//   key "<task>\t<rel path>"  no value (a tombstone)              a remove
//   key "<task>\t"            value "claim"                       a new owner
//   key "<task>\t"            value "live"                        a rewrite
//
// and every record has the header "streamc-epoch" (the owner's epoch, a
// decimal). Claims and rewrite markers are the task's control records; a
// control record also has "streamc-from": the offset of the control record
// from which on every file it relies on is in the log.
//
// Open (restore) reads the partition from its low to its high watermark and
// applies the task's records in log order into a map (rel path → bytes) that
// then serves read() and list(); with a local cache (`cache_dir`,
// io/changelog_cache.hpp) it applies the cached copies of the task's records
// and reads the partition only after them. Epochs fence zombies: the new owner claims
// the highest epoch seen + 1 and reads on up to its claim; a record whose
// epoch is lower than the claim in force at its place in the log is ignored,
// by every reader, so every owner sees the same history. A claim that does
// not raise the epoch (two copies claimed at once) loses: that open fails.
//
// Nothing relies on log compaction. Retention (the test broker keeps ~5 MiB
// per partition) drops old records: the store keeps what it still needs
// young by rewriting its live files behind a "live" marker when the task's
// bytes written since its oldest needed record pass max(rewrite_bytes,
// 2 × live bytes). A restore that finds the records it needs gone stops
// with a FatalError naming the task, topic and partition; it never restores
// part of a history. A task whose every record aged out looks new (Kafka
// keeps nothing to tell): retention must outlast a task left idle.
//
// Each write is one record, sent with acks=all by an idempotent producer,
// one at a time, and returns once the broker acknowledged it; a failed
// delivery is a FatalError naming topic, partition and error. A file larger
// than record_bytes (a state snapshot) is sent as consecutive records with
// the header "streamc-part: i/n"; a reader takes it only when all n parts
// follow each other in the task's records, so a file cut short by a crash
// leaves the one before it in place.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "checkpoint/checkpoint_store.hpp"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;
typedef struct rd_kafka_message_s rd_kafka_message_t;

namespace streamc::rt {

class KafkaClient;
class ChangelogTail;
class ChangelogCache;
struct ChangelogRecordView;

// Restored records of a copy's tasks: from their local caches and from the
// topic (for the copy's rebalance line).
struct ChangelogRestoreStats {
  std::atomic<int64_t> cached{0}, fetched{0};
};

struct KafkaChangelogOptions {
  std::string brokers;               // "host:port,…"
  std::vector<std::string> options;  // librdkafka settings, "name=value"
  std::string topic;                 // the changelog topic
  std::string task;                  // the task id, e.g. "orders-5" (no tab)
  int64_t rewrite_bytes = 1 << 20;   // see above
  int64_t record_bytes = 512 << 10;  // a larger file is sent in parts
  std::string cache_dir;             // a local cache of the task's records (io/changelog_cache.hpp), or none
  std::shared_ptr<ChangelogRestoreStats> stats;  // counts what restores read, or none
};

class KafkaChangelogStore final : public CheckpointStore {
 public:
  explicit KafkaChangelogStore(KafkaChangelogOptions options);
  ~KafkaChangelogStore() override;

  void open() override;
  void write(const std::string& rel, std::string_view bytes, const char* probe = nullptr) override;
  std::optional<std::string> read(const std::string& rel) const override;
  std::vector<int64_t> list(const std::string& rel_dir, std::string_view suffix = {}) const override;
  void remove(const std::string& rel) override;
  // "kafka changelog topic T partition P offset O, task orders-5, file
  // offsets/7" (the offset of the record holding the file, when there is one).
  std::string describe(const std::string& rel) const override;
  // Reads the partition after this owner's claim through its last write:
  // a claim of the task with a higher epoch there (a copy that took the
  // task over while this one did not know) throws CheckpointTakenOver.
  void confirm_owner() override;

  // After open(): this owner's epoch and the task's partition.
  int64_t epoch() const { return epoch_; }
  int32_t partition() const { return partition_; }
  // Records this store has written (rewrites included), for tests.
  int64_t records_written() const;

 private:
  struct File {
    std::string bytes;
    int64_t offset = -1;  // of the record that wrote it
  };
  // What a read of the partition found, applied in log order.
  struct Replay;
  void apply(Replay& r, const ChangelogRecordView& m) const;
  // Reads the partition from r.next through offset `last` into `r`, with
  // `consumer` (made when there is none).
  void read_on(std::unique_ptr<KafkaClient>& consumer, Replay& r, int64_t last) const;
  // Reads the task's records below `high` (the high watermark) into `r`:
  // the cached ones and then the partition after them, or the partition
  // from `low` on. Returns the consumer that read them (or none), to read
  // on with.
  std::unique_ptr<KafkaClient> restore(Replay& r, ChangelogCache* cache, int64_t low, int64_t high);
  // Whether the next record `consumer` reads is `cached`.
  bool same_record(KafkaClient& consumer, const ChangelogRecordView& cached) const;
  // A consumer of the task's partition from offset `from` on.
  std::unique_ptr<KafkaClient> reader(int64_t from) const;
  // A record of this task: a file (or a part of one), a tombstone (no
  // value) or a control record.
  struct Record {
    std::string_view rel;
    std::optional<std::string_view> value;
    const char* control = nullptr;  // "claim" or "live"
    int64_t from = -1;              // of a control record
    std::string part;               // "i/n" of a file sent in n records
  };
  // Sends one record and waits for the broker; its offset.
  int64_t send(const Record& rec);
  // Sends a file in records of at most record_bytes; the first one's offset.
  int64_t send_file(const std::string& rel, std::string_view bytes);
  // Rewrites every live file behind a new marker when the records behind
  // them grew past the bound (under mu_).
  void maybe_rewrite();
  [[noreturn]] void fail(const std::string& why) const;
  std::string who() const;  // "kafka changelog 'topic' of task t", for status lines

  KafkaChangelogOptions o_;
  std::shared_ptr<KafkaClient> producer_;  // the process's (process_shared)
  rd_kafka_topic_t* topic_ = nullptr;
  int32_t partition_ = -1;
  int64_t epoch_ = 0;
  mutable std::mutex mu_;
  std::map<std::string, File> files_;
  int64_t live_bytes_ = 0;
  // The task's bytes written, counted from the restore on, and where the
  // oldest control record still needed (window_offset_) was in that count.
  int64_t task_bytes_ = 0, window_bytes_ = 0, window_offset_ = -1;
  int64_t records_written_ = 0;
  int64_t last_written_ = -1;  // the offset of this store's last record
  int64_t claim_ = -1;         // the offset of its claim
  std::shared_ptr<ChangelogTail> tail_;  // confirm_owner()'s reader, shared by the process's stores
  std::shared_ptr<ChangelogCache> cache_;  // the local cache the tail appends to, once open
  bool cache_registered_ = false;
};

// The store of `task`'s checkpoint in `topic` (see above).
// (`cache_dir`: a local cache of its records there; `stats`: counts what
// the restore read.)
std::unique_ptr<CheckpointStore> make_kafka_changelog_store(const std::string& brokers,
                                                            const std::vector<std::string>& options,
                                                            const std::string& topic, const std::string& task,
                                                            const std::string& cache_dir = {},
                                                            std::shared_ptr<ChangelogRestoreStats> stats = nullptr);

}  // namespace streamc::rt
