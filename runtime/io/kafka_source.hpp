// kafka(topics, brokers: …): Spark's Kafka source, one copy reading every
// partition of its topics (no consumer group; #16 adds groups on top of the
// per-partition state kept here).
//
// Offsets are Spark's. At the start of a batch the source looks up each
// partition's earliest and latest offsets (at the brokers, through a lookup
// consumer: kafka_lookup_client) and fixes the batch's range per
// partition: from where the last batch ended to the latest offset, capped
// by max_offsets_per_batch split over the partitions by their lag (Spark's
// maxOffsetsPerTrigger rule). It reads exactly those ranges; the batch loop
// logs them (offsets/<batch>) before the batch runs, so a restart re-runs
// an uncommitted batch with exactly its ranges (replay), and Kafka in,
// files out is exactly once. `starting` applies to a new checkpoint only;
// partitions that appear later are read from their earliest offset. Offsets
// gone from the broker (retention) stop the program naming
// topic/partition/offset, or with fail_on_data_loss: false are skipped and
// counted. Under --once / --available-now the source reads up to the latest
// offsets it saw at its first look and is then exhausted.
//
// A batch's messages are in partition order (topic, partition, offset).
// Each value is copied once, as it arrives, out of librdkafka's buffers
// into a piece of memory of its partition, carved from a ReadRegion (huge
// pages, pooled: a batch's memory is touched once and reused by the next
// batches); the values are the records. Where they came from is kept per
// run of consecutive offsets (Batch KafkaSpan), and only format: raw keeps
// each message's key and timestamp (Batch::kafka_message).
//
// A repartition source (KafkaSourceOptions::repartition: a consumer-group
// task reading the internal topic another sub-topology writes) fetches the
// same way, but its records are the producer batches completed by an end
// marker in its range (io/repartition_reader.hpp): a batch reads from the
// first message of the earliest producer batch still incomplete (`next`),
// so it may read again what the last batch read, to the latest offset (not
// capped: a producer batch is delivered whole or not at all), and starts a
// new query at the earliest offset. Its offsets/<batch> line adds, per
// partition, what each producer had delivered before and after the batch.
#pragma once

#include <librdkafka/rdkafka.h>

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/kafka_client.hpp"
#include "io/padded_buffer.hpp"
#include "io/source.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

// One partition's offset range, as logged: [start, end).
struct KafkaRange {
  std::string topic;
  int32_t partition = 0;
  int64_t start = 0;
  int64_t end = 0;
};

// The words of an offsets/<batch> line (split at spaces).
std::vector<std::string_view> offset_line_words(std::string_view line);
// The offsets/<batch> line of a Kafka source: "events/0:0-12 events/1:5-9".
std::string format_kafka_ranges(const std::vector<KafkaRange>& ranges);
// Throws FatalError naming `what` when the line is not such a list.
std::vector<KafkaRange> parse_kafka_ranges(std::string_view line, const std::string& what);

// Spark's maxOffsetsPerTrigger: `limit` offsets split over the partitions by
// their lag (ceil below one offset, floor above), each capped at its latest.
// `ranges` hold [start, latest); their ends are lowered in place.
void cap_kafka_ranges(std::vector<KafkaRange>& ranges, int64_t limit);

class RepartitionReader;
struct RepartitionRange;

class KafkaSource final : public Source {
 public:
  KafkaSource(std::string name, KafkaSourceOptions options, SourceOptions format);
  ~KafkaSource() override;

  // A consumer-group task reads this one partition only.
  void pin(std::string topic, int32_t partition) { pinned_ = Key{std::move(topic), partition}; }

  void start(RunMode mode) override;
  bool poll(SourceIntake intake) override;
  bool complete() const override;
  bool has_news() const override;
  // Paced at the interval when running continuously; --available-now runs
  // its batches back to back, as Spark's AvailableNow does.
  bool live() const override { return mode_ == RunMode::Continuous; }

  std::string kind() const override { return "kafka"; }
  std::string signature() const override;
  std::string last_offset() const override;
  void restore(std::string_view last_offset, const std::vector<std::string>& logs) override;
  void replay(std::string_view offset, const std::vector<std::string>& log) override;
  int64_t position() const override { return delivered_; }
  bool starts_query() const override { return starts_query_; }
  std::optional<OffsetsReport> offsets_report() const override;
  // Offsets read by this run, and offsets behind the latest ones the last
  // look saw (summed over partitions).
  std::optional<SourceBacklog> backlog() const override {
    return SourceBacklog{offsets_done_.load(std::memory_order_relaxed), offsets_pending_.load(std::memory_order_relaxed),
                         "offsets"};
  }

 private:
  // Explicit per-partition state: where the next batch starts, what the
  // broker had at the last look, and (bounded modes) where reading stops.
  struct Partition {
    std::string topic;
    int32_t partition = 0;
    int64_t next = -1;      // -1: not decided yet (new partition or new query)
    int64_t earliest = 0;   // low watermark at the last look
    int64_t latest = 0;     // high watermark at the last look
    int64_t stop_at = -1;   // bounded modes: the latest offset seen at the first look (-1: none)
    // A repartition source: where the last batch's reading ended (`next`
    // may be before it), and which producer batches it delivered.
    int64_t read_to = -1;
    std::unique_ptr<RepartitionReader> reader;
    // Messages fetched beyond the current batch's end, for the next batch.
    std::vector<KafkaMessagePtr> ahead;
    // A batch's reading of the partition (capacity kept across batches):
    // its values, runs of offsets (first record index relative to the
    // partition's), messages (format: raw).
    std::vector<std::string_view> values;
    std::vector<KafkaSpan> spans;
    std::vector<KafkaMessage> messages;
    char* at = nullptr;  // where the next message is copied, in the open piece
    char* piece_end = nullptr;
  };
  using Key = std::pair<std::string, int32_t>;

  // Looks up the topics' partitions and their watermarks; false (with a
  // status line) when the brokers did not answer in time. A missing topic
  // is a FatalError.
  bool look();
  // The ranges of a new batch from the partitions' state.
  std::vector<KafkaRange> plan_ranges();
  // Reads exactly `ranges` (a replay, and --once, wait for every message);
  // a new batch whose reading stalls (nothing arrives for a few seconds: a
  // broker down) ends its ranges where the messages stopped, and the rest
  // comes in later batches. Appends the records to the intake.
  void fetch(std::vector<KafkaRange>& ranges, bool exact, SourceIntake& intake);
  void assign();
  // Where the partition's consumer reads on (its next batch starts at
  // `next`; a repartition source's may start before).
  static int64_t read_position(const Partition& p) { return p.read_to >= 0 ? p.read_to : p.next; }
  // A message of a batch's range: its record (a repartition source's
  // reader may keep it for later in the batch).
  void accept(Partition& p, KafkaMessagePtr m, SourceIntake& intake);
  RepartitionReader& reader(Partition& p);
  // Copies one message into its partition's memory.
  void take(Partition& p, const rd_kafka_message_t* m, SourceIntake& intake);
  // Room for `bytes` more in the partition's open piece, or a new piece.
  void room_for(Partition& p, size_t bytes, SourceIntake& intake);
  // offsets_pending_ from the partitions' state.
  void count_pending();
  // Offsets [from, to) of a partition are gone: fail, or skip and count.
  void lost(const std::string& topic, int32_t partition, int64_t from, int64_t to);

  KafkaSourceOptions options_;
  SourceOptions format_;
  RunMode mode_ = RunMode::Continuous;
  std::unique_ptr<KafkaClient> client_;
  // Looks (metadata, watermarks) go through a handle that fetches nothing
  // (kafka_lookup_client): the broker answers a connection's requests in
  // order, and the consumer's connection mostly has a fetch waiting there
  // for up to fetch.wait.max.ms at the end of its partitions.
  std::shared_ptr<KafkaClient> lookup_;
  rd_kafka_queue_t* queue_ = nullptr;
  std::map<Key, Partition> partitions_;
  std::optional<Key> pinned_;
  bool assigned_ = false;      // the consumer's assignment matches partitions_
  bool looked_once_ = false;   // the first look fixed `starting` and the bounded stops
  bool restored_ = false;      // a checkpoint gave the offsets: `starting` no longer applies
  bool starts_query_ = false;  // this poll's look was a new query's first: `starting` was applied
  std::optional<std::vector<KafkaRange>> replay_;
  std::vector<KafkaRange> last_ranges_;
  // A repartition source's logged lines: the batch to re-run, the last batch.
  std::vector<RepartitionRange> replay_repartition_, last_repartition_;
  // The region this batch's pieces are carved from (ReadRegion::take; the
  // batch holds it, and a new one once it is full).
  std::shared_ptr<ReadRegion> region_;
  int64_t delivered_ = 0;
  std::atomic<int64_t> offsets_done_{0}, offsets_pending_{0};
  int64_t lost_total_ = 0;
};

}  // namespace streamc::rt
