// One record per line: '\n' ends a line and a '\r' before it is dropped; a
// last line without '\n' still counts; empty input has no lines.
#pragma once

#include <cstring>
#include <string_view>
#include <vector>

namespace streamc::rt {

inline void split_lines(std::string_view text, std::vector<std::string_view>& out) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    const char* stop = line_end;
    if (stop > p && stop[-1] == '\r') --stop;
    out.emplace_back(p, static_cast<size_t>(stop - p));
    p = nl ? nl + 1 : end;
  }
}

}  // namespace streamc::rt
