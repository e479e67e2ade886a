// Record framing per input format: where one record ends and the next
// begins. Records are views into the text; nothing is copied or validated
// (bad UTF-8 and malformed JSON pass through as bytes, to be rejected by the
// decoder one record at a time).
#pragma once

#include <string_view>
#include <vector>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {

// The text without a leading UTF-8 byte order mark.
std::string_view strip_bom(std::string_view text);

// True when `line` holds exactly one complete JSON value (objects and
// arrays are matched by a depth- and string-aware scan, not parsed).
bool is_complete_json_line(std::string_view line);

// JSON Lines: every non-blank line is a record ('\r' before '\n' dropped).
void frame_json_lines(std::string_view text, std::vector<std::string_view>& out);

// A JSON file: `multiline` 0 is JSON Lines, 1 the whole file (trimmed) as
// one record, -1 decides per file: JSON Lines when the first non-blank line
// is one complete value, else the whole file.
void frame_json_file(std::string_view text, int multiline, std::vector<std::string_view>& out);

// CSV records: a newline ends a record except inside a quoted field (a '"'
// at the start of a field opens one; "" inside is an escaped quote); '\r'
// before '\n' is dropped and empty records are skipped. Returns the number
// of bytes framed: all of `text` when `final`, else up to the start of a
// record whose quoted field is still open at the end of `text` (the caller
// keeps that tail for when more input arrives).
size_t frame_csv(std::string_view text, char delim, std::vector<std::string_view>& out, bool final = true);

// One file's records framed per its format while the file is read, a piece
// at a time, so that each piece is framed while it is still in the cache:
// `more` gets all of the file read so far (the same start every time) and
// frames what is complete, `finish` gets the whole file and frames the
// rest. The records are those of framing the whole file at once: lines for
// text (split_lines), JSON by the rule frame_json_file states (which is
// this, in one piece), frame_csv for CSV (a UTF-8
// byte order mark dropped first for both).
class FileFramer {
 public:
  FileFramer(SourceFormat format, int multiline, char delimiter)
      : format_(format), multiline_(multiline), delimiter_(delimiter) {}
  void more(std::string_view so_far, std::vector<std::string_view>& out) { step(so_far, out, false); }
  void finish(std::string_view text, std::vector<std::string_view>& out) { step(text, out, true); }

 private:
  void step(std::string_view text, std::vector<std::string_view>& out, bool final);

  SourceFormat format_;
  int multiline_;
  char delimiter_;
  bool started_ = false;
  size_t done_ = 0;  // bytes framed
};

}  // namespace streamc::rt
