// Compile-time schema inference: `schema Bus = infer("samples/bus.json")`.
//
// Reads a sample file (JSON or CSV with a header) while compiling and returns
// the record type that describes it, the way Spark's schema inference does but
// with SDL's types:
//
//   JSON (simdjson DOM). The file is one document (an object, possibly
//   pretty-printed over many lines), an array of objects (each element is a
//   sample), or JSON Lines / concatenated documents (each object a sample).
//   - int and float in the same place widen to float;
//   - a field missing from some objects, or null in some, is optional `T?`;
//     a field that is only ever null is `string?` (Spark: string);
//   - nested objects are unioned field by field, recursively, in first-seen
//     field order; array elements are unified the same way (an empty array
//     contributes nothing; arrays that are always empty are `[string]`);
//   - strings that all look like ISO-8601 timestamps (looks_like_timestamp)
//     are `timestamp`; numbers are never guessed to be timestamps;
//   - incompatible types (int and string, object and scalar, …) are one
//     located error naming the JSON path and both types:
//       conflicting types for $.ServiceResult.msgBody.itemList[].gpsX: float and string (samples 1 and 3)
//   - field names must be SDL labels ([A-Za-z_][A-Za-z0-9_]*); keywords are
//     fine (SDL record fields may be keywords, `r.mode`).
//
//   CSV (RFC 4180: quoted fields, "" escapes, newlines inside quotes, CRLF),
//   read as a running program reads it (the runtime's rt::strip_bom,
//   rt::frame_csv and rt::split_csv): a byte order mark is dropped, '\n'
//   ends a record outside quotes ('\r' before it dropped, a lone '\r' is
//   text), empty lines are skipped, and a malformed record (an unterminated
//   quote, text after a closing quote) is an error naming its line.
//   The first row names the columns. Delimiter ',' unless the header line has
//   more ';' or more '\t' than ','. Each column is the first of int, float,
//   bool, timestamp that every non-empty value parses as, else string; a
//   column with an empty cell is optional (all empty: `string?`).
//
// Errors (unreadable file, invalid JSON with its line, conflicts, bad names)
// are reported at `where`, the `infer("…")` call, and give types::error().
#pragma once

#include <string>
#include <string_view>

#include "diag/diagnostics.hpp"
#include "sema/types.hpp"

namespace streamc::sema {

enum class SampleFormat {
  Json,
  Csv,
  Auto,  // by extension: .json .jsonl .ndjson → Json, .csv .tsv → Csv; otherwise by content
};

// The record type (named `schema_name`) of the samples in `sample_path`, or
// types::error() after one error at `where`. A relative path is opened as is
// (relative to the working directory): the caller resolves it against the
// .sdl file's directory.
TypeRef infer_schema(const std::string& sample_path, SampleFormat format, const std::string& schema_name,
                     Diagnostics& diags, SourceRange where);

// SDL source for a schema declaration: `schema Name {\n  field: T,\n  …\n}`,
// nested records inline and indented, lists `[T]`, optionals `T?`. Parses
// back to the same type.
std::string print_schema(const std::string& name, const TypeRef& type);

// Whether inference takes `text` as a timestamp: exactly when the runtime's
// decoders parse it as one (rt::parse_timestamp, the one set of value
// recognisers both use): ISO-8601 / RFC 3339 and its common variants,
// a date alone (midnight UTC) included; digits alone ("20210813142502")
// are not.
bool looks_like_timestamp(std::string_view text);

}  // namespace streamc::sema
