// What the batch loop asks of an input: start, then per batch "give me every
// record available now". Records are string_views into buffers the source
// hands over with them; the batch keeps those buffers alive until it ends.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streamc/runtime/api.hpp"  // RunMode (sources bounded in a mode report when they are done)

namespace streamc::rt {

// How far a source has got: `done` units taken so far and `pending` units
// known to be waiting (files listed but not taken, bytes received but not
// polled, Kafka offsets behind the end). For metrics (streamc_source_lag)
// and the terminal progress line, which reads it from another thread while
// the loop polls: implementations read atomics or take their own lock.
struct SourceBacklog {
  int64_t done = 0;
  int64_t pending = 0;
  const char* unit = "";  // "files", "bytes", "offsets"
};

// A record longer than SourceOptions::max_record_bytes, which the source
// skipped instead of delivering: the batch rejects it under on_error.
struct OversizedRecord {
  std::string reason;  // its size, the limit and where it was
  std::string head;    // its first bytes, for the message and the errors file
};

// `where`: "in FILE, line N", "line N from HOST:PORT".
inline OversizedRecord oversized_record(int64_t bytes, int64_t limit, const std::string& where, std::string_view head) {
  constexpr size_t kHead = 200;
  return {"record of " + std::to_string(bytes) + " bytes is longer than max_record_bytes (" + std::to_string(limit) +
              ") " + where + "; skipped",
          std::string(head.substr(0, kHead)) + (head.size() > kHead ? "..." : "")};
}

// Where one poll puts its records and the buffers those records point into
// (each with kRecordPadding readable bytes after its end: PaddedBuffer),
// plus what some sources need to know of the batch.
struct SourceIntake {
  std::vector<std::string_view>& records;
  std::vector<std::shared_ptr<const void>>& buffers;
  std::vector<CsvSegment>* csv_segments = nullptr;  // CSV files with a header
  std::vector<RecordOrigin>* origins = nullptr;     // files: which file each buffer holds
  GeneratedRange* generated = nullptr;              // generate sources
  std::vector<OversizedRecord>* oversized = nullptr;  // records over the size limit, rejected by the batch
  std::vector<KafkaMessage>* kafka_messages = nullptr;  // Kafka sources with format: raw: one per record
  std::vector<KafkaSpan>* kafka_spans = nullptr;        // Kafka sources: where each message came from
  int64_t batch_id = 0;
  Timestamp time{};
  int64_t interval_us = 1'000'000;
  // A batch without data (the last one of a bounded run with a watermark):
  // deliver nothing, take nothing.
  bool no_data = false;
};

class Source {
 public:
  virtual ~Source() = default;
  const std::string& name() const { return name_; }

  // Called once before the first batch (the files source lists what is
  // "available now"; the socket source starts its receiver thread).
  virtual void start(RunMode mode) = 0;

  // Appends every record available now. Returns true when, in a bounded mode
  // (Once / AvailableNow), nothing more will ever come. Throws FatalError
  // when the source cannot go on (an unreadable file, a socket that never
  // connected under --once).
  virtual bool poll(SourceIntake intake) = 0;

  // Pieces (SourceOptions::in_pieces): poll delivers the batch's first
  // piece and takes the rest, which next_piece delivers one at a time, each
  // once the previous piece's buffers are released (the loop keeps the
  // buffers of a source that reads_in_pieces() apart for that); next_piece
  // is false when nothing of the batch is left.
  virtual bool reads_in_pieces() const { return false; }
  virtual bool next_piece(SourceIntake /*intake*/) { return false; }
  // Under --once: true when a poll now would return everything (a socket:
  // the server closed the connection, or connecting failed for good).
  virtual bool complete() const { return true; }

  // True when a poll now would return records or end the source; lets the
  // loop avoid running empty batches when it does not sleep.
  virtual bool has_news() const { return true; }

  // Whether batches should be paced at the interval in --available-now mode
  // (live sources: yes; files: no, run batches back to back).
  virtual bool live() const { return false; }

  // ---- checkpoints (checkpoint/checkpoint.hpp)
  // "files", "socket", "generate", "kafka".
  virtual std::string kind() const = 0;
  // The checkpoint's plan signature of the source: its kind, and for Kafka
  // its topics ("kafka topics=[a,b]"), so a restart with other topics stops.
  virtual std::string signature() const { return kind(); }
  // For the progress report (Spark's shape): the offsets this batch started
  // and ended at and the latest ones the source saw, as JSON
  // ({"topic":{"0":12}}), and how far behind the latest offsets each
  // partition is. Empty for sources whose offsets are plain numbers.
  struct OffsetsReport {
    std::string start, end, latest;
    int64_t min_behind = 0, max_behind = 0;
    double avg_behind = 0;
  };
  virtual std::optional<OffsetsReport> offsets_report() const { return std::nullopt; }
  // After a poll: what it delivered, as one line of text for offsets/<batch>,
  // and (files) the list of what it took for sources/<name>/<batch>.
  virtual std::string last_offset() const { return {}; }
  virtual std::vector<std::string> last_log() const { return {}; }
  // Before start(), on restart: the offset of the last committed batch
  // (empty when none) and the logs of every committed batch, in order.
  virtual void restore(std::string_view /*last_offset*/, const std::vector<std::string>& /*logs*/) {}
  // The next poll delivers exactly what a logged offset and log describe
  // (the re-run of a batch that was logged but not committed).
  virtual void replay(std::string_view /*offset*/, const std::vector<std::string>& /*log*/) {}
  // After the batch whose log this is is committed (durably, with a
  // checkpoint): what the source does with what it took (files: Spark's
  // cleanSource). May run on the checkpoint writer's thread.
  virtual void clean(const std::vector<std::string>& /*log*/) const {}
  // The last poll fixed where a new query starts (Kafka's `starting`): the
  // batch runs even without records, so that its offsets are logged and a
  // restart (or the copy that takes a task over) starts there, not at a
  // later `latest` (Spark's empty batch 0 of a Kafka query).
  virtual bool starts_query() const { return false; }
  // Sources that cannot re-deliver (socket) are at-most-once across crashes.
  virtual bool replayable() const { return true; }
  // For the progress report: files taken, rows generated, lines received.
  virtual int64_t position() const { return 0; }
  // Metrics and the terminal line: what is done and pending (SourceBacklog);
  // nothing for a source that cannot tell.
  virtual std::optional<SourceBacklog> backlog() const { return std::nullopt; }
  // For the progress report and the start: what keeps the source from
  // delivering, in one line ("directory 'evnts' does not exist"); empty when
  // nothing does.
  virtual std::string problem() const { return {}; }

 protected:
  explicit Source(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

}  // namespace streamc::rt
