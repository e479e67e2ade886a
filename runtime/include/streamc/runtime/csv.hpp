// CSV fields for generated decoders. The sources frame CSV input into
// records (quote-aware: a quoted field may hold newlines); a decoder splits
// one record into fields with split_csv and, for files with a header, maps
// its schema's fields to columns through the file's CsvHeader.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "streamc/runtime/arena.hpp"

namespace streamc::rt {

// Splits one record into its fields (RFC 4180): `"a,b"` is one field `a,b`,
// `""` inside quotes is one `"`. Fields are views into `record` when they
// need no unescaping, else copies in `arena`. `fields` is cleared first; an
// empty record is one empty field. Returns false when the record is not
// well-formed (an unterminated quote, text after a closing quote); the
// fields are still filled as leniently as possible (text after a closing
// quote is appended, an unterminated quote runs to the end).
bool split_csv(std::string_view record, char delim, std::vector<std::string_view>& fields, Arena& arena);

// What made a record malformed, and where: a byte offset into the record.
struct CsvProblem {
  enum Kind {
    None,
    UnterminatedQuote,  // `at` the quote that opens the field
    TextAfterQuote,     // `at` the first character after the closing quote
  };
  Kind kind = None;
  size_t at = 0;
};

// split_csv that also says, when it returns false, the first problem it
// found (for messages: the compiler's schema inference names the line).
bool split_csv(std::string_view record, char delim, std::vector<std::string_view>& fields, Arena& arena,
               CsvProblem& problem);

// The header line of one CSV file: its column names. The sources create one
// per file; its address and `id` stay the same for all records of that file,
// and `id` is never reused within the process, so a decoder may cache its
// schema-field-to-column mapping by `id` across batches.
struct CsvHeader {
  uint64_t id = 0;
  std::string file;                // the file it came from (for messages)
  std::vector<std::string> names;  // as written, unquoted

  // The column index of `name` (exact match), or -1.
  int column(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) return static_cast<int>(i);
    return -1;
  }
};

// Runtime-internal: which header applies from which record of a batch on.
struct CsvSegment {
  size_t first_record = 0;
  std::shared_ptr<const CsvHeader> header;
};

}  // namespace streamc::rt
