#include "codegen/includes.hpp"

namespace streamc::codegen {

namespace {
// In the order of Includes::Header.
const char* const kRuntimeHeaders[Includes::kHeaders] = {
    "streamc/runtime/parallel.hpp",
    "streamc/runtime/split_range.hpp",
    "streamc/runtime/csv.hpp",
    "streamc/runtime/parse.hpp",
    "streamc/runtime/state.hpp",
    "streamc/runtime/group_state.hpp",
    "streamc/runtime/aggregates.hpp",
    "streamc/runtime/event_time.hpp",
    "streamc/runtime/table.hpp",
    "streamc/runtime/batch_window.hpp",
    "streamc/runtime/incremental_window.hpp",
    "streamc/runtime/session.hpp",
    "streamc/runtime/join_buffer.hpp",
    "streamc/runtime/json_decode.hpp",
    "streamc/runtime/postgres.hpp",
    "streamc/udf_glue.hpp",
};
}  // namespace

void Includes::use_function(const sema::Function& f) {
  const std::string& h = f.header;
  if (h.empty()) return;
  if (h.front() != '/') {
    stdlib_.emplace(h, "#include <" + h + ">\n");
    return;
  }
  // An imported header: its content hash (see sema::Function) goes into
  // the generated code, so into the build cache's key.
  imported_.emplace(h, "#include \"" + h + "\"  // content " + f.content_hash + "\n");
}

void Includes::merge(const Includes& other) {
  runtime_ |= other.runtime_;
  stdlib_.insert(other.stdlib_.begin(), other.stdlib_.end());
  imported_.insert(other.imported_.begin(), other.imported_.end());
}

std::string Includes::lines() const {
  std::string out = "#include <streamc/runtime/api.hpp>\n";
  for (int h = 0; h < kHeaders; ++h)
    if (runtime_.test(h)) out += std::string("#include <") + kRuntimeHeaders[h] + ">\n";
  for (const auto& [header, line] : stdlib_) out += line;
  for (const auto& [header, line] : imported_) out += line;
  return out;
}

}  // namespace streamc::codegen
