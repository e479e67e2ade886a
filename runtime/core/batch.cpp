#include <string>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {

const std::vector<std::string_view>& Batch::records(SourceId source) const {
  if (source.index < 0 || static_cast<size_t>(source.index) >= records_.size())
    throw FatalError("batch has no source #" + std::to_string(source.index));
  return records_[static_cast<size_t>(source.index)];
}

void Batch::reject(SourceId source, std::string_view record, std::string_view reason) {
  if (engine_) engine_->count_rejected(source, record, reason);
}

}  // namespace streamc::rt
