// --progress FILE|-: one JSON line per batch, a small subset of Spark's
// StreamingQueryProgress (batchId, timestamp, numInputRows, numRejectedRows
// (all sources), durationMs, per-source rows and rejected records).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "streamc/runtime/values.hpp"

namespace streamc::rt {

struct SourceProgress {
  std::string name;
  int64_t input_rows = 0;
  int64_t rejected_rows = 0;
};

struct BatchProgress {
  int64_t batch_id = 0;
  Timestamp time;
  int64_t duration_us = 0;
  std::vector<SourceProgress> sources;
};

std::string progress_json(const BatchProgress& p);

class ProgressWriter {
 public:
  // "-" is stdout. Throws FatalError when the file cannot be opened.
  explicit ProgressWriter(const std::string& target);
  ~ProgressWriter();
  ProgressWriter(const ProgressWriter&) = delete;
  ProgressWriter& operator=(const ProgressWriter&) = delete;

  void write(const BatchProgress& p);

 private:
  std::string target_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
};

}  // namespace streamc::rt
