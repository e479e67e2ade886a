// COPY text format for the postgres sink's fields (streamc/runtime/postgres.hpp).
#include <charconv>
#include <cmath>

#include "streamc/runtime/postgres.hpp"

namespace streamc::rt {

void append_copy_text(std::string& out, std::string_view s) {
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char* esc = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : nullptr;
    if (!esc) continue;
    out.append(s.data() + run, i - run);
    out.append(esc);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

void append_copy_float(std::string& out, double v) {
  if (std::isnan(v)) {
    out.append("NaN");
  } else if (std::isinf(v)) {
    out.append(v < 0 ? "-Infinity" : "Infinity");
  } else {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
  }
}

void append_copy_duration(std::string& out, Duration d) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, d.micros);
  out.append(buf, res.ptr);
  out.append(" microseconds");
}

}  // namespace streamc::rt
