// The runtime's view of a Batch's private parts: filled by the batch loop
// before the batch function runs, emptied after it returns.
#pragma once

#include "streamc/runtime/api.hpp"

namespace streamc::rt {

struct BatchAccess {
  static void begin(Batch& b, Engine* engine, int64_t id, Timestamp time, size_t sources) {
    b.engine_ = engine;
    b.id_ = id;
    b.time_ = time;
    b.records_.resize(sources);
    b.csv_segments_.resize(sources);
    b.generated_.resize(sources);
    b.kafka_messages_.resize(sources);
    b.kafka_spans_.resize(sources);
  }
  static std::vector<std::string_view>& records(Batch& b, size_t source) { return b.records_[source]; }
  static std::vector<CsvSegment>& csv_segments(Batch& b, size_t source) { return b.csv_segments_[source]; }
  static GeneratedRange& generated(Batch& b, size_t source) { return b.generated_[source]; }
  static std::vector<KafkaMessage>& kafka_messages(Batch& b, size_t source) { return b.kafka_messages_[source]; }
  static std::vector<KafkaSpan>& kafka_spans(Batch& b, size_t source) { return b.kafka_spans_[source]; }
  static std::vector<std::shared_ptr<const void>>& buffers(Batch& b) { return b.buffers_; }
  static std::vector<RecordOrigin>& origins(Batch& b) { return b.origins_; }
  static void on_next_piece(Batch& b, std::function<bool(size_t)> fn) { b.next_piece_ = std::move(fn); }
  // A piece's input is released: forget where the last rejected record was.
  static void forget_last_origin(Batch& b) { b.last_origin_ = nullptr; }
  // Keeps the capacity of the record vectors and the arena's first block.
  static void end(Batch& b) {
    for (auto& r : b.records_) r.clear();
    for (auto& s : b.csv_segments_) s.clear();
    for (auto& g : b.generated_) g = {};
    for (auto& m : b.kafka_messages_) m.clear();
    for (auto& m : b.kafka_spans_) m.clear();
    b.buffers_.clear();
    b.origins_.clear();
    b.last_origin_ = nullptr;
    b.arena_.reset();
    b.has_watermark_ = false;
    b.watermark_ = {};
    b.late_rows_ = 0;
  }
};

}  // namespace streamc::rt
