// --progress FILE|-: one JSON line per batch in the shape of Spark's
// StreamingQueryProgress:
//
//   {"id":…,"runId":…,"name":…,"batchId":3,"timestamp":"…","numInputRows":N,
//    "numRejectedRows":N,"inputRowsPerSecond":x,"processedRowsPerSecond":x,
//    "durationMs":{"getBatch":…,"walCommit":…,"addBatch":…,"stateCommit":…,
//                  "commitOffsets":…,"triggerExecution":…},
//    "eventTime":{"watermark":"…"},                       (batches with one)
//    "stateOperators":[{"operatorName":…,"numRowsTotal":…,"numRowsUpdated":…,
//                       "memoryUsedBytes":…,"numRowsDroppedByWatermark":…}],
//    "sources":[{"name":…,"description":…,"startOffset":…,"endOffset":…,
//                ("latestOffset":…,"metrics":{"minOffsetsBehindLatest":"…",…}: Kafka)
//                "numInputRows":…,"numRejectedRows":…,
//                "rejectedByReason":{"missing field name":2,…},   (batches with any)
//                "problem":"directory 'x' does not exist",        (while there is one)
//                "inputRowsPerSecond":x,
//                "processedRowsPerSecond":x}],
//    "sink":{"description":…,"numOutputRows":…},          (all sinks: names joined, rows summed)
//    "sinks":[{"description":…,"numOutputRows":…},…]}     (one per sink, as Spark's queries)
// Durations are milliseconds with a fraction (microseconds).
//
// id is the checkpoint's query id (stable across restarts; without a
// checkpoint, the run id); runId is new every run.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/source.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {

struct SourceProgress {
  std::string name;
  int64_t input_rows = 0;
  int64_t rejected_rows = 0;
  std::string description;  // "FilesSource[lines]"
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  // Not in the JSON line; for metrics (ui/metrics.hpp).
  std::optional<SourceBacklog> backlog;
  std::vector<std::pair<std::string_view, int64_t>> rejected_by_reason;  // rejection_reason kinds
  // Kafka: offsets as Spark reports them ({"topic":{"0":12}}), latestOffset
  // and the offsets behind the latest (min/max/avg over partitions).
  std::optional<Source::OffsetsReport> offsets;
  // In the JSON line (rejectedByReason): the reasons' texts.
  std::vector<std::pair<std::string, int64_t>> rejected_by_text;  // "missing field name" -> 2
  std::string problem;  // what keeps the source from reading ("directory 'x' does not exist"), or empty
};

struct StateProgress {
  std::string name;
  int64_t rows_total = 0;
  int64_t rows_updated = 0;
  int64_t memory_bytes = 0;
  int64_t dropped_by_watermark = 0;
};

struct SinkProgress {
  std::string name;
  std::string description;
  int64_t output_rows = 0;
};

struct BatchProgress {
  std::string id, run_id, name;
  std::string task;  // a consumer-group member's task ("orders-3"), else empty
  int64_t batch_id = 0;
  Timestamp time;
  int64_t duration_us = 0;       // triggerExecution
  int64_t since_previous_us = 0;  // from the previous batch's start (inputRowsPerSecond), 0: first
  int64_t get_batch_us = 0, wal_commit_us = 0, add_batch_us = 0, state_commit_us = 0, commit_offsets_us = 0;
  std::optional<Timestamp> watermark;
  std::vector<SourceProgress> sources;
  std::vector<StateProgress> states;
  std::vector<SinkProgress> sinks;
  // Totals of this run, for metrics: checkpoint files written.
  int64_t checkpoint_bytes = 0, checkpoint_write_us = 0;
  // A trigger that ran no batch (Structured Streaming with nothing new):
  // Spark's idle progress event, nothing read or written; batch_id is the
  // next batch's.
  bool idle = false;
};

// Whatever follows the batches: the --progress writer, the --ui server, the
// terminal line. Called on the loop's thread after each batch (and for an
// idle trigger now and then, p.idle); must not block it.
class ProgressObserver {
 public:
  virtual ~ProgressObserver() = default;
  virtual void batch_done(const BatchProgress& p) = 0;
};

std::string progress_json(const BatchProgress& p);

class ProgressWriter final : public ProgressObserver {
 public:
  // "-" is stdout. Throws FatalError when the file cannot be opened.
  explicit ProgressWriter(const std::string& target);
  ~ProgressWriter();
  ProgressWriter(const ProgressWriter&) = delete;
  ProgressWriter& operator=(const ProgressWriter&) = delete;

  void batch_done(const BatchProgress& p) override;

 private:
  std::string target_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

}  // namespace streamc::rt
