#include "ui/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace streamc::rt {
namespace {

using prometheus::Labels;

template <class Builder>
auto& family(Builder builder, const char* name, const char* help, const std::string& query,
             prometheus::Registry& registry) {
  return builder.Name(name).Help(help).Labels({{"query", query}}).Register(registry);
}

double seconds(int64_t us) { return static_cast<double>(us) / 1e6; }

}  // namespace

Metrics::Metrics(const std::string& query, int64_t start_time_us)
    : registry_(std::make_shared<prometheus::Registry>()) {
  auto& r = *registry_;
  using prometheus::BuildCounter;
  using prometheus::BuildGauge;
  batches_ = &family(BuildCounter(), "streamc_batches_total", "Micro-batches run.", query, r);
  input_rows_ = &family(BuildCounter(), "streamc_input_rows_total", "Rows read, per source (numInputRows).", query, r);
  rejected_ = &family(BuildCounter(), "streamc_rejected_records_total",
                      "Records a source rejected (on_error permissive or drop), by kind of reason.", query, r);
  output_rows_ = &family(BuildCounter(), "streamc_output_rows_total", "Rows written, per sink (numOutputRows).", query, r);
  late_rows_ = &family(BuildCounter(), "streamc_late_rows_dropped_total",
                       "Rows dropped behind the watermark, per stateful operator (numRowsDroppedByWatermark).", query, r);
  duration_ = &family(prometheus::BuildHistogram(), "streamc_batch_duration_seconds",
                      "Time of a whole batch (durationMs.triggerExecution).", query, r);
  phases_ = &family(BuildCounter(), "streamc_batch_phase_seconds_total",
                    "Time spent per batch phase, by Spark's durationMs key.", query, r);
  state_rows_ = &family(BuildGauge(), "streamc_state_rows", "Rows of state, per stateful operator (numRowsTotal).",
                        query, r);
  state_bytes_ = &family(BuildGauge(), "streamc_state_memory_bytes",
                         "Memory of state, per stateful operator (memoryUsedBytes).", query, r);
  watermark_ = &family(BuildGauge(), "streamc_watermark_timestamp_seconds",
                       "The event-time watermark, seconds since the epoch.", query, r);
  event_time_lag_ = &family(BuildGauge(), "streamc_event_time_lag_seconds",
                            "How far the watermark is behind the batch's time.", query, r);
  source_lag_ = &family(BuildGauge(), "streamc_source_lag",
                        "Work a source knows is waiting: files not yet taken, bytes not yet polled, Kafka offsets "
                        "behind the end (label unit).",
                        query, r);
  checkpoint_seconds_ = &family(BuildCounter(), "streamc_checkpoint_write_seconds_total",
                                "Time spent writing checkpoint files (on the background writers).", query, r);
  checkpoint_bytes_ = &family(BuildCounter(), "streamc_checkpoint_written_bytes_total",
                              "Bytes of checkpoint files written.", query, r);
  last_batch_ = &family(BuildGauge(), "streamc_last_batch_id", "Id of the last batch that finished.", query, r);
  auto& start = family(BuildGauge(), "streamc_start_time_seconds", "When the program started, seconds since the epoch.",
                       query, r);
  start.Add({}).Set(seconds(start_time_us));
  info_ = &family(BuildGauge(), "streamc_info", "The query's id (stable across restarts) and this run's id.", query, r);
  duration_histogram_ = &duration_->Add(
      {}, prometheus::Histogram::BucketBoundaries{0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
  batches_->Add({});
  checkpoint_seconds_->Add({});
  checkpoint_bytes_->Add({});
  last_batch_->Add({}).Set(-1);
}

Metrics::~Metrics() = default;

void Metrics::record(const BatchProgress& p) {
  if (!info_set_) {
    info_->Add({{"id", p.id}, {"run_id", p.run_id}}).Set(1);
    info_set_ = true;
  }
  for (const auto& s : p.sources)
    if (s.backlog)
      source_lag_->Add({{"source", s.name}, {"unit", s.backlog->unit}}).Set(static_cast<double>(s.backlog->pending));
  if (p.idle) return;  // an idle trigger ran no batch: only what the sources wait on changed
  batches_->Add({}).Increment();
  last_batch_->Add({}).Set(static_cast<double>(p.batch_id));
  duration_histogram_->Observe(seconds(p.duration_us));
  const std::pair<const char*, int64_t> phases[] = {
      {"getBatch", p.get_batch_us},       {"walCommit", p.wal_commit_us},         {"addBatch", p.add_batch_us},
      {"stateCommit", p.state_commit_us}, {"commitOffsets", p.commit_offsets_us}, {"triggerExecution", p.duration_us}};
  for (const auto& [phase, us] : phases) phases_->Add({{"phase", phase}}).Increment(seconds(us));
  for (const auto& s : p.sources) {
    input_rows_->Add({{"source", s.name}}).Increment(static_cast<double>(s.input_rows));
    for (const auto& [reason, n] : s.rejected_by_reason)
      rejected_->Add({{"source", s.name}, {"reason", std::string(reason)}}).Increment(static_cast<double>(n));
  }
  for (const auto& s : p.sinks) output_rows_->Add({{"sink", s.name}}).Increment(static_cast<double>(s.output_rows));
  for (const auto& s : p.states) {
    late_rows_->Add({{"operator", s.name}}).Increment(static_cast<double>(s.dropped_by_watermark));
    state_rows_->Add({{"operator", s.name}}).Set(static_cast<double>(s.rows_total));
    state_bytes_->Add({{"operator", s.name}}).Set(static_cast<double>(s.memory_bytes));
  }
  if (p.watermark) {
    watermark_->Add({}).Set(seconds(p.watermark->micros));
    event_time_lag_->Add({}).Set(seconds(p.time.micros - p.watermark->micros));
  }
  if (p.checkpoint_bytes > checkpoint_bytes_seen_) {
    checkpoint_bytes_->Add({}).Increment(static_cast<double>(p.checkpoint_bytes - checkpoint_bytes_seen_));
    checkpoint_bytes_seen_ = p.checkpoint_bytes;
  }
  if (p.checkpoint_write_us > checkpoint_us_seen_) {
    checkpoint_seconds_->Add({}).Increment(seconds(p.checkpoint_write_us - checkpoint_us_seen_));
    checkpoint_us_seen_ = p.checkpoint_write_us;
  }
}

std::string Metrics::text() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }

}  // namespace streamc::rt
