#include "core/progress.hpp"

#include <cerrno>
#include <cstring>

#include "streamc/runtime/format.hpp"

namespace streamc::rt {

std::string progress_json(const BatchProgress& p) {
  int64_t rows = 0, rejected = 0;
  for (const auto& s : p.sources) {
    rows += s.input_rows;
    rejected += s.rejected_rows;
  }
  std::string out = "{\"batchId\":";
  append_json(out, p.batch_id);
  out += ",\"timestamp\":";
  append_json(out, p.time);
  out += ",\"numInputRows\":";
  append_json(out, rows);
  out += ",\"numRejectedRows\":";
  append_json(out, rejected);
  out += ",\"processedRowsPerSecond\":";
  append_json(out, p.duration_us > 0 ? static_cast<double>(rows) * 1e6 / static_cast<double>(p.duration_us) : 0.0);
  out += ",\"durationMs\":{\"total\":";
  append_json(out, p.duration_us / 1000);
  out += "},\"sources\":[";
  for (size_t i = 0; i < p.sources.size(); ++i) {
    if (i) out += ',';
    out += "{\"name\":";
    append_json(out, p.sources[i].name);
    out += ",\"numInputRows\":";
    append_json(out, p.sources[i].input_rows);
    out += ",\"numRejectedRows\":";
    append_json(out, p.sources[i].rejected_rows);
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

void ProgressWriter::write(const BatchProgress& p) {
  std::string line = progress_json(p);
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0)
    throw FatalError("cannot write progress to '" + target_ + "': " + std::strerror(errno));
}

}  // namespace streamc::rt
