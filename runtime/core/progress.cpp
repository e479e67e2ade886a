#include "core/progress.hpp"

#include <cerrno>
#include <cstring>

#include "streamc/runtime/format.hpp"

namespace streamc::rt {

namespace {

double per_second(int64_t rows, int64_t us) {
  return us > 0 ? static_cast<double>(rows) * 1e6 / static_cast<double>(us) : 0.0;
}

void key(std::string& out, const char* name) {
  out += '"';
  out += name;
  out += "\":";
}

}  // namespace

std::string progress_json(const BatchProgress& p) {
  int64_t rows = 0, rejected = 0;
  for (const auto& s : p.sources) {
    rows += s.input_rows;
    rejected += s.rejected_rows;
  }
  std::string out = "{";
  if (!p.id.empty()) {
    key(out, "id");
    append_json_string(out, p.id);
    out += ',';
    key(out, "runId");
    append_json_string(out, p.run_id);
    out += ',';
    key(out, "name");
    append_json_string(out, p.name);
    out += ',';
  }
  if (!p.task.empty()) {
    key(out, "task");
    append_json_string(out, p.task);
    out += ',';
  }
  key(out, "batchId");
  append_json(out, p.batch_id);
  out += ",\"timestamp\":";
  append_json(out, p.time);
  out += ",\"numInputRows\":";
  append_json(out, rows);
  out += ",\"numRejectedRows\":";
  append_json(out, rejected);
  out += ",\"inputRowsPerSecond\":";
  append_json(out, per_second(rows, p.since_previous_us));
  out += ",\"processedRowsPerSecond\":";
  append_json(out, per_second(rows, p.duration_us));
  out += ",\"durationMs\":{";
  const std::pair<const char*, int64_t> phases[] = {{"getBatch", p.get_batch_us},       {"walCommit", p.wal_commit_us},
                                                    {"addBatch", p.add_batch_us},       {"stateCommit", p.state_commit_us},
                                                    {"commitOffsets", p.commit_offsets_us}, {"triggerExecution", p.duration_us}};
  bool first = true;
  for (const auto& [name, us] : phases) {
    if (!first) out += ',';
    first = false;
    key(out, name);
    // Milliseconds, to the microsecond: a fast batch's phases are not all 0.
    append_json(out, static_cast<double>(us) / 1000.0);
  }
  out += '}';
  if (p.watermark) {
    out += ",\"eventTime\":{\"watermark\":";
    append_json(out, *p.watermark);
    out += '}';
  }
  out += ",\"stateOperators\":[";
  for (size_t i = 0; i < p.states.size(); ++i) {
    const auto& s = p.states[i];
    if (i) out += ',';
    out += "{\"operatorName\":";
    append_json_string(out, s.name);
    out += ",\"numRowsTotal\":";
    append_json(out, s.rows_total);
    out += ",\"numRowsUpdated\":";
    append_json(out, s.rows_updated);
    out += ",\"memoryUsedBytes\":";
    append_json(out, s.memory_bytes);
    out += ",\"numRowsDroppedByWatermark\":";
    append_json(out, s.dropped_by_watermark);
    out += '}';
  }
  out += "],\"sources\":[";
  for (size_t i = 0; i < p.sources.size(); ++i) {
    const auto& s = p.sources[i];
    if (i) out += ',';
    out += "{\"name\":";
    append_json_string(out, s.name);
    out += ",\"numInputRows\":";
    append_json(out, s.input_rows);
    out += ",\"numRejectedRows\":";
    append_json(out, s.rejected_rows);
    if (!s.rejected_by_text.empty()) {
      out += ",\"rejectedByReason\":{";
      for (size_t r = 0; r < s.rejected_by_text.size(); ++r) {
        if (r) out += ',';
        append_json_string(out, s.rejected_by_text[r].first);
        out += ':';
        append_json(out, s.rejected_by_text[r].second);
      }
      out += '}';
    }
    if (!s.problem.empty()) {
      out += ",\"problem\":";
      append_json_string(out, s.problem);
    }
    out += ",\"description\":";
    append_json_string(out, s.description);
    if (s.offsets) {
      // Spark's Kafka source: offsets per topic and partition, and its
      // metrics as strings, as SourceProgress shows them.
      out += ",\"startOffset\":" + s.offsets->start;
      out += ",\"endOffset\":" + s.offsets->end;
      out += ",\"latestOffset\":" + s.offsets->latest;
      out += ",\"metrics\":{\"avgOffsetsBehindLatest\":";
      std::string avg;
      append_json(avg, s.offsets->avg_behind);
      append_json_string(out, avg);
      out += ",\"maxOffsetsBehindLatest\":";
      append_json_string(out, std::to_string(s.offsets->max_behind));
      out += ",\"minOffsetsBehindLatest\":";
      append_json_string(out, std::to_string(s.offsets->min_behind));
      out += '}';
    } else {
      out += ",\"startOffset\":";
      append_json(out, s.start_offset);
      out += ",\"endOffset\":";
      append_json(out, s.end_offset);
    }
    out += ",\"inputRowsPerSecond\":";
    append_json(out, per_second(s.input_rows, p.since_previous_us));
    out += ",\"processedRowsPerSecond\":";
    append_json(out, per_second(s.input_rows, p.duration_us));
    out += '}';
  }
  out += ']';
  // Spark has one sink per query; a program may have several: one
  // description naming them all, and their rows summed.
  out += ",\"sink\":{\"description\":";
  std::string desc;
  int64_t out_rows = 0;
  for (const auto& s : p.sinks) {
    desc += (desc.empty() ? "" : ", ") + s.description;
    out_rows += s.output_rows;
  }
  append_json_string(out, desc);
  out += ",\"numOutputRows\":";
  append_json(out, out_rows);
  // Each sink on its own, as each of Spark's queries has its own "sink".
  out += "},\"sinks\":[";
  for (size_t i = 0; i < p.sinks.size(); ++i) {
    out += i ? ",{\"description\":" : "{\"description\":";
    append_json_string(out, p.sinks[i].description);
    out += ",\"numOutputRows\":";
    append_json(out, p.sinks[i].output_rows);
    out += '}';
  }
  out += "]}";
  return out;
}

ProgressWriter::ProgressWriter(const std::string& target) : target_(target) {
  if (target == "-") {
    file_ = stdout;
    return;
  }
  file_ = std::fopen(target.c_str(), "we");
  if (!file_) throw FatalError("cannot open progress file '" + target + "': " + std::strerror(errno));
  owned_ = true;
}

ProgressWriter::~ProgressWriter() {
  if (owned_) std::fclose(file_);
}

void ProgressWriter::batch_done(const BatchProgress& p) {
  std::string line = progress_json(p);
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
    throw FatalError("cannot write progress to '" + target_ + "': " + std::strerror(errno));
}

}  // namespace streamc::rt
