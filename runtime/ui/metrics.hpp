// /metrics: the batch loop's progress as Prometheus metrics, kept in a
// prometheus-cpp registry (counters and gauges are atomics; the server
// thread collects and serializes them to the text format).
//
// Every metric has the label query (the program's name); the rest:
//   streamc_batches_total                      batches run
//   streamc_input_rows_total{source}           rows read
//   streamc_rejected_records_total{source,reason}   records rejected (on_error), by rejection_reason
//   streamc_output_rows_total{sink}            rows written
//   streamc_late_rows_dropped_total{operator}  rows behind the watermark
//   streamc_batch_duration_seconds             histogram of triggerExecution
//   streamc_batch_phase_seconds_total{phase}   Spark's durationMs keys (getBatch, walCommit, …)
//   streamc_state_rows{operator}, streamc_state_memory_bytes{operator}
//   streamc_watermark_timestamp_seconds, streamc_event_time_lag_seconds (batch time - watermark)
//   streamc_source_lag{source,unit}            pending work a source reports (files, bytes, offsets)
//   streamc_checkpoint_write_seconds_total, streamc_checkpoint_written_bytes_total
//   streamc_last_batch_id, streamc_start_time_seconds, streamc_info{id,run_id}
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/progress.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <class T>
class Family;
}  // namespace prometheus

namespace streamc::rt {

class Metrics {
 public:
  Metrics(const std::string& query, int64_t start_time_us);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The loop's thread, after each batch.
  void record(const BatchProgress& p);
  // Any thread: the text format (version 0.0.4).
  std::string text() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* batches_;
  prometheus::Family<prometheus::Counter>* input_rows_;
  prometheus::Family<prometheus::Counter>* rejected_;
  prometheus::Family<prometheus::Counter>* output_rows_;
  prometheus::Family<prometheus::Counter>* late_rows_;
  prometheus::Family<prometheus::Histogram>* duration_;
  prometheus::Family<prometheus::Counter>* phases_;
  prometheus::Family<prometheus::Gauge>* state_rows_;
  prometheus::Family<prometheus::Gauge>* state_bytes_;
  prometheus::Family<prometheus::Gauge>* watermark_;
  prometheus::Family<prometheus::Gauge>* event_time_lag_;
  prometheus::Family<prometheus::Gauge>* source_lag_;
  prometheus::Family<prometheus::Counter>* checkpoint_seconds_;
  prometheus::Family<prometheus::Counter>* checkpoint_bytes_;
  prometheus::Family<prometheus::Gauge>* last_batch_;
  prometheus::Family<prometheus::Gauge>* info_;
  prometheus::Histogram* duration_histogram_ = nullptr;
  bool info_set_ = false;
  // Totals already counted (the checkpoint's figures are totals).
  int64_t checkpoint_bytes_seen_ = 0, checkpoint_us_seen_ = 0;
};

}  // namespace streamc::rt
