// Record framing per input format: where one record ends and the next
// begins. Records are views into the text; nothing is copied or validated
// (bad UTF-8 and malformed JSON pass through as bytes, to be rejected by the
// decoder one record at a time).
#pragma once

#include <string_view>
#include <vector>

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

}  // namespace streamc::rt
