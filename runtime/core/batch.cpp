#include <algorithm>
#include <string>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {

const std::vector<std::string_view>& Batch::records(SourceId source) const {
  if (source.index < 0 || static_cast<size_t>(source.index) >= records_.size())
    throw FatalError("batch has no source #" + std::to_string(source.index));
  return records_[static_cast<size_t>(source.index)];
}

const CsvHeader* Batch::csv_header(SourceId source, size_t record_index) const {
  if (source.index < 0 || static_cast<size_t>(source.index) >= csv_segments_.size()) return nullptr;
  const auto& segs = csv_segments_[static_cast<size_t>(source.index)];
  // The last segment that starts at or before the record.
  auto it = std::upper_bound(segs.begin(), segs.end(), record_index,
                             [](size_t i, const CsvSegment& s) { return i < s.first_record; });
  if (it == segs.begin()) return nullptr;
  return std::prev(it)->header.get();
}

const RecordOrigin* Batch::origin_of(const char* at, size_t& hint) const {
  const size_t n = origins_.size();
  const size_t from = hint < n ? hint : 0;
  for (size_t k = 0; k < n; ++k) {
    size_t i = from + k < n ? from + k : from + k - n;
    const RecordOrigin& o = origins_[i];
    if (at >= o.begin && at < o.end) {
      hint = i;
      return &o;
    }
  }
  return nullptr;
}

std::string_view Batch::input_of(const char* at, size_t& hint) const {
  const RecordOrigin* o = origin_of(at, hint);
  return o ? std::string_view(o->begin, static_cast<size_t>(o->end - o->begin)) : std::string_view();
}

GeneratedRange Batch::generated(SourceId source) const {
  if (source.index < 0 || static_cast<size_t>(source.index) >= generated_.size()) return {};
  return generated_[static_cast<size_t>(source.index)];
}

void Batch::reject(SourceId source, std::string_view record, std::string_view reason) {
  if (!engine_) return;
  // A Kafka message is named by topic, partition and offset: the run of
  // records its value lies in (KafkaSpan) gives them.
  if (source.index >= 0 && static_cast<size_t>(source.index) < kafka_spans_.size()) {
    const auto& recs = records_[static_cast<size_t>(source.index)];
    for (const KafkaSpan& s : kafka_spans_[static_cast<size_t>(source.index)]) {
      if (record.data() < s.begin || record.data() > s.end || s.first + s.count > recs.size()) continue;
      auto from = recs.begin() + static_cast<std::ptrdiff_t>(s.first);
      auto it = std::lower_bound(from, from + static_cast<std::ptrdiff_t>(s.count), record.data(),
                                 [](std::string_view r, const char* at) { return r.data() < at; });
      if (it == from + static_cast<std::ptrdiff_t>(s.count) || it->data() != record.data()) continue;
      engine_->count_rejected(source, record, reason,
                              "topic " + std::string(s.topic) + ", partition " + std::to_string(s.partition) +
                                  ", offset " + std::to_string(s.offset + (it - from)));
      return;
    }
  }
  // Name the file and line of a record read from a file.
  const char* at = record.data();
  size_t hint = last_origin_ ? static_cast<size_t>(last_origin_ - origins_.data()) : 0;
  const RecordOrigin* o = origin_of(at, hint);
  if (!o) {
    engine_->count_rejected(source, record, reason, {});
    return;
  }
  const char* from = o->begin;
  int64_t line = 1;
  if (last_origin_ == o && last_at_ <= at) {
    from = last_at_;
    line = last_line_;
  }
  for (const char* p = from; p < at; ++p) line += *p == '\n';
  last_origin_ = o;
  last_at_ = at;
  last_line_ = line;
  std::string where = "in " + o->file + ", line " + std::to_string(line);
  engine_->count_rejected(source, record, reason, where);
}

}  // namespace streamc::rt
