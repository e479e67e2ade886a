// kafka(topics, brokers: …): Spark's Kafka source, one copy reading every
// partition of its topics (no consumer group; #16 adds groups on top of the
// per-partition state kept here).
//
// Offsets are Spark's. At the start of a batch the source looks up each
// partition's earliest and latest offsets and fixes the batch's range per
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
// A batch's messages are in partition order (topic, partition, offset):
// their values, copied into one padded buffer, are the records; key, topic,
// partition, offset and timestamp are Batch::kafka_message.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "io/kafka_client.hpp"
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

// The offsets/<batch> line of a Kafka source: "events/0:0-12 events/1:5-9".
std::string format_kafka_ranges(const std::vector<KafkaRange>& ranges);
// Throws FatalError naming `what` when the line is not such a list.
std::vector<KafkaRange> parse_kafka_ranges(std::string_view line, const std::string& what);

// Spark's maxOffsetsPerTrigger: `limit` offsets split over the partitions by
// their lag (ceil below one offset, floor above), each capped at its latest.
// `ranges` hold [start, latest); their ends are lowered in place.
void cap_kafka_ranges(std::vector<KafkaRange>& ranges, int64_t limit);

class KafkaSource final : public Source {
 public:
  KafkaSource(std::string name, KafkaSourceOptions options, SourceOptions format);
  ~KafkaSource() override;

  void start(RunMode mode) override;
  bool poll(SourceIntake intake) override;
  bool complete() const override;
  bool has_news() const override;
  // Paced at the interval when running continuously; --available-now runs
  // its batches back to back, as Spark's AvailableNow does.
  bool live() const override { return mode_ == RunMode::Continuous; }

  std::string kind() const override { return "kafka"; }
  std::string signature() const override;
  std::string last_offset() const override { return format_kafka_ranges(last_ranges_); }
  void restore(std::string_view last_offset, const std::vector<std::string>& logs) override;
  void replay(std::string_view offset, const std::vector<std::string>& log) override;
  int64_t position() const override { return delivered_; }
  std::optional<OffsetsReport> offsets_report() const override;

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
    // Messages fetched beyond the current batch's end, for the next batch.
    std::vector<rd_kafka_message_t*> ahead;
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
  // Offsets [from, to) of a partition are gone: fail, or skip and count.
  void lost(const std::string& topic, int32_t partition, int64_t from, int64_t to);

  KafkaSourceOptions options_;
  SourceOptions format_;
  RunMode mode_ = RunMode::Continuous;
  std::unique_ptr<KafkaClient> client_;
  rd_kafka_queue_t* queue_ = nullptr;
  std::map<Key, Partition> partitions_;
  bool assigned_ = false;      // the consumer's assignment matches partitions_
  bool looked_once_ = false;   // the first look fixed `starting` and the bounded stops
  bool restored_ = false;      // a checkpoint gave the offsets: `starting` no longer applies
  std::optional<std::vector<KafkaRange>> replay_;
  std::vector<KafkaRange> last_ranges_;
  std::vector<std::string> topic_names_;  // stable storage the messages' topic views point into
  int64_t delivered_ = 0;
  int64_t lost_total_ = 0;
};

}  // namespace streamc::rt
