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
  }
  static std::vector<std::string_view>& records(Batch& b, size_t source) { return b.records_[source]; }
  static std::vector<std::shared_ptr<const void>>& buffers(Batch& b) { return b.buffers_; }
  // Keeps the capacity of the record vectors and the arena's first block.
  static void end(Batch& b) {
    for (auto& r : b.records_) r.clear();
    b.buffers_.clear();
    b.arena_.reset();
  }
};

}  // namespace streamc::rt
