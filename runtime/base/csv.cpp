// split_csv (csv.hpp): the fields of one CSV record, as generated decoders,
// the files source's headers, `streamc read` and the compiler's schema
// inference (streamc_text) split them.
#include "streamc/runtime/csv.hpp"

#include <cstring>

namespace streamc::rt {
namespace {

// With kReport, `problem` gets the first thing that makes the record
// malformed; without, this is the decoders' hot path and notes nothing.
template <bool kReport>
bool split(std::string_view record, char delim, std::vector<std::string_view>& fields, Arena& arena,
           CsvProblem* problem) {
  const auto note = [&](CsvProblem::Kind kind, const char* at) {
    if constexpr (kReport) {
      if (problem->kind == CsvProblem::None) *problem = {kind, static_cast<size_t>(at - record.data())};
    }
  };
  fields.clear();
  bool ok = true;
  const char* p = record.data();
  const char* end = p + record.size();
  for (;;) {
    if (p < end && *p == '"') {
      // Quoted: find the closing quote, noting whether any "" needs undoing.
      const char* start = ++p;
      bool escaped = false;
      const char* close = nullptr;
      while (p < end) {
        const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
        if (!q) break;
        if (q + 1 < end && q[1] == '"') {
          escaped = true;
          p = q + 2;
          continue;
        }
        close = q;
        break;
      }
      if (!close) {
        ok = false;
        note(CsvProblem::UnterminatedQuote, start - 1);
      }
      const char* stop = close ? close : end;
      std::string_view raw(start, static_cast<size_t>(stop - start));
      std::string_view value = raw;
      if (escaped) {
        char* out = arena.allocate(raw.size());
        size_t n = 0;
        for (size_t i = 0; i < raw.size(); ++i) {
          out[n++] = raw[i];
          if (raw[i] == '"' && i + 1 < raw.size() && raw[i + 1] == '"') ++i;
        }
        value = std::string_view(out, n);
      }
      p = close ? close + 1 : end;
      // Anything between the closing quote and the delimiter is malformed.
      const char* next = p;
      while (next < end && *next != delim) ++next;
      if (next != p) {
        ok = false;
        note(CsvProblem::TextAfterQuote, p);
        value = arena.concat(value, std::string_view(p, static_cast<size_t>(next - p)));
      }
      fields.push_back(value);
      p = next;
    } else {
      const char* q = p < end ? static_cast<const char*>(std::memchr(p, delim, static_cast<size_t>(end - p))) : nullptr;
      const char* stop = q ? q : end;
      fields.emplace_back(p, static_cast<size_t>(stop - p));
      p = stop;
    }
    if (p >= end) break;
    ++p;  // the delimiter
    if (p == end) {
      fields.emplace_back(end, 0);  // "a," ends with an empty field
      break;
    }
  }
  return ok;
}

}  // namespace

bool split_csv(std::string_view record, char delim, std::vector<std::string_view>& fields, Arena& arena) {
  return split<false>(record, delim, fields, arena, nullptr);
}

bool split_csv(std::string_view record, char delim, std::vector<std::string_view>& fields, Arena& arena,
               CsvProblem& problem) {
  problem = {};
  return split<true>(record, delim, fields, arena, &problem);
}

}  // namespace streamc::rt
