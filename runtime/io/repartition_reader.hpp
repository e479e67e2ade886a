// The reading side of a repartition topic (KafkaSourceOptions::repartition;
// the writing side is a KafkaSink with KafkaSinkOptions::repartition).
//
// Every data message names its producer (the task that wrote it), the
// producer's batch and its index among that batch's messages to this
// partition (headers streamc.producer, streamc.batch, streamc.seq); at its
// commit the producer ends the batch on each partition it wrote with a
// marker (streamc.producer, streamc.batch, streamc.marker: how many data
// messages the batch has there). A producer re-running a batch after a
// crash re-sends the same messages in the same order, interleaved in the
// partition with what its first attempt (or a zombie) sent.
//
// So a reader keeps, per producer, the last batch it delivered (`applied`),
// and per batch of a range read: a producer batch's messages are collected
// in seq order (a seq seen before is a re-sent copy: skipped; a seq beyond
// the next one is a protocol error); its marker delivers them, once, when
// all have come, in the order the markers appear; anything of a batch at or
// below `applied` is skipped. A batch still incomplete when the range ends
// is not held over: the next batch reads again from its first message.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "io/kafka_source.hpp"

namespace streamc::rt {

// Per producer, the last batch delivered.
using RepartitionApplied = std::map<std::string, int64_t>;

// One partition of a repartition source's offsets/<batch> line: the range
// the batch read, `applied` before it (a re-run of the batch starts there)
// and after it with the offset the next batch reads from (a restart after
// the batch's commit starts there):
//   "g-by_country-repartition/2:100-250 from=orders-0:4,orders-3:7 next=180 to=orders-0:5,orders-3:8"
// Producer names are percent-encoded outside [A-Za-z0-9._-].
struct RepartitionRange {
  KafkaRange range;
  RepartitionApplied from;
  int64_t next = 0;
  RepartitionApplied to;
};
std::string format_repartition_ranges(const std::vector<RepartitionRange>& ranges);
// Throws FatalError naming `what` when the line is not such a list.
std::vector<RepartitionRange> parse_repartition_ranges(std::string_view line, const std::string& what);

class RepartitionReader {
 public:
  // `who` and the topic and partition name the reader in errors.
  RepartitionReader(std::string who, std::string topic, int32_t partition)
      : who_(std::move(who)), topic_(std::move(topic)), partition_(partition) {}
  ~RepartitionReader() {
    drop_ready();
    drop_pending();
  }
  RepartitionReader(const RepartitionReader&) = delete;
  RepartitionReader& operator=(const RepartitionReader&) = delete;

  const RepartitionApplied& applied() const { return applied_; }
  // Where a restored or re-run batch starts.
  void set_applied(RepartitionApplied applied) { applied_ = std::move(applied); }

  // One message of the range being read, in offset order. Returns true when
  // the reader keeps the message (a record of a batch whose marker has not
  // come yet); otherwise the caller destroys it. Throws FatalError naming
  // topic, partition and offset for a message that breaks the protocol.
  bool offer(rd_kafka_message_t* m);
  // After offer(): the records of the batch its marker completed, in seq
  // order (none otherwise), which the caller takes; they live until the
  // next offer() or end_range().
  const std::vector<rd_kafka_message_t*>& ready() const { return ready_; }

  // The range has been read up to `end`: returns the offset the next batch
  // reads from (the first message of the earliest batch still incomplete,
  // else `end`) and drops the incomplete batches' messages.
  int64_t end_range(int64_t end);

 private:
  struct Pending {
    int64_t expected = 0;  // the next seq
    std::vector<rd_kafka_message_t*> messages;
  };
  void drop_pending();
  void drop_ready();

  std::string who_, topic_;
  int32_t partition_;
  RepartitionApplied applied_;
  std::map<std::pair<std::string, int64_t>, Pending> pending_;  // by (producer, batch)
  std::vector<rd_kafka_message_t*> ready_;
};

}  // namespace streamc::rt
