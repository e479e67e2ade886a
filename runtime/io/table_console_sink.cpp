// console() for records: Spark's console sink, which prints each batch with
// Dataset.show(numRows, truncate). The layout follows Spark's showString.
#include <cstdio>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {
namespace {

// Spark escapes control characters in cells (SchemaUtils.escapeMetaCharacters).
std::string escape_meta(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\f': out += "\\f"; break;
      case '\b': out += "\\b"; break;
      case '\v': out += "\\v"; break;
      case '\a': out += "\\a"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

// One UTF-8 sequence at s[i]: its code point and byte length (a stray byte
// counts as one character, as the JVM's decoder would give U+FFFD).
char32_t decode(std::string_view s, size_t i, size_t& len) {
  auto c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + n > s.size()) n = 1;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) n = 1;
  len = n;
  if (n == 1) return c < 0x80 ? c : 0xFFFD;
  char32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return cp;
}

// Java string length (UTF-16 code units) of one code point.
size_t java_units(char32_t cp) { return cp >= 0x10000 ? 2 : 1; }

// Spark's Utils.stringHalfWidth: characters, with East Asian full-width ones
// counted twice.
bool full_width(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE10 && c <= 0xFE19) || (c >= 0xFE30 && c <= 0xFE6F) ||
         (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6);
}

size_t java_length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0, len; i < s.size(); i += len) n += java_units(decode(s, i, len));
  return n;
}

size_t half_width(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0, len; i < s.size(); i += len) {
    char32_t cp = decode(s, i, len);
    n += java_units(cp) + (full_width(cp) ? 1 : 0);
  }
  return n;
}

// The first `units` Java characters of s (never splitting a code point).
std::string_view java_prefix(std::string_view s, size_t units) {
  size_t n = 0, i = 0;
  while (i < s.size()) {
    size_t len;
    size_t u = java_units(decode(s, i, len));
    if (n + u > units) break;
    n += u;
    i += len;
  }
  return s.substr(0, i);
}

constexpr size_t kTruncate = 20;

std::string truncate_cell(std::string s) {
  if (java_length(s) <= kTruncate) return s;
  std::string out(java_prefix(s, kTruncate - 3));
  out += "...";
  return out;
}

}  // namespace

TableConsoleSink::TableConsoleSink(std::string name, TableConsoleOptions options)
    : Sink(std::move(name)), options_(options) {
  if (options_.rows < 0) options_.rows = 0;
}

std::string TableConsoleSink::render(int64_t batch_id, const std::vector<std::string>& columns,
                                     const std::vector<std::vector<std::string>>& cells, bool more) const {
  // Header names are escaped but never truncated; cells are both.
  std::vector<std::vector<std::string>> rows;
  rows.reserve(cells.size() + 1);
  std::vector<std::string> header;
  for (const auto& c : columns) header.push_back(escape_meta(c));
  rows.push_back(std::move(header));
  for (const auto& row : cells) {
    std::vector<std::string> r;
    for (const auto& c : row) r.push_back(options_.truncate ? truncate_cell(escape_meta(c)) : escape_meta(c));
    r.resize(columns.size());
    rows.push_back(std::move(r));
  }
  std::vector<size_t> widths(columns.size(), 3);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], half_width(r[i]));

  std::string out = "-------------------------------------------\nBatch: " + std::to_string(batch_id) +
                    (options_.task.empty() ? "" : " (task " + options_.task + ")") +
                    "\n-------------------------------------------\n";
  // Scala's addString(sb, start, sep, end): "+" w1 "+" w2 "+\n", "++\n" for none.
  std::string sep = "+";
  for (size_t i = 0; i < widths.size(); ++i) {
    if (i) sep.push_back('+');
    sep.append(widths[i], '-');
  }
  sep += "+\n";
  auto line = [&](const std::vector<std::string>& r) {
    out.push_back('|');
    for (size_t i = 0; i < r.size(); ++i) {
      if (i) out.push_back('|');
      size_t pad = widths[i] - half_width(r[i]);
      if (options_.truncate) out.append(pad, ' ');
      out.append(r[i]);
      if (!options_.truncate) out.append(pad, ' ');
    }
    out += "|\n";
  };
  out += sep;
  line(rows[0]);
  out += sep;
  for (size_t i = 1; i < rows.size(); ++i) line(rows[i]);
  out += sep;
  if (more) out += "only showing top " + std::to_string(options_.rows) + (options_.rows == 1 ? " row\n" : " rows\n");
  out.push_back('\n');
  return out;
}

void TableConsoleSink::print_table(const Batch& batch, const std::vector<std::string>& columns,
                                   const std::vector<std::vector<std::string>>& cells, bool more) {
  std::string out = render(batch.id(), columns, cells, more);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

}  // namespace streamc::rt
