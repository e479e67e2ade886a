// Durations as people type them on the command line: 250ms, 1s, 1.5s, 2m,
// 1h, 1d, 100us. The inverse of append_duration (format.hpp).
#pragma once

#include <optional>
#include <string_view>

#include "streamc/runtime/values.hpp"

namespace streamc::rt {

std::optional<Duration> parse_duration(std::string_view text);

}  // namespace streamc::rt
