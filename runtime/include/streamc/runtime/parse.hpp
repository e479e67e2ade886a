// Text to SDL scalar values, as decoders of CSV fields and JSON strings use
// them. Every parser trims ASCII whitespace around the value first and
// returns nullopt for anything that is not entirely a value of its type, so
// generated code can apply the source's on_error mode per field.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "streamc/runtime/values.hpp"

namespace streamc::rt {

// ISO-8601 / RFC 3339 and the common variants of it:
//   2026-11-24                      (midnight UTC)
//   2026-11-24T13:00  2026-11-24T13:00:00  2026-11-24 13:00:00   (space for T)
//   2026-11-24T13:00:00.5  …:00.123456  (1-9 fraction digits; beyond
//                                         microseconds they are truncated)
//   …Z  …z  …+09:00  …-0500  …+09       (no zone means UTC)
// Rejects out-of-range fields (month 13, Feb 30, hour 24, second 60) and
// trailing garbage.
std::optional<Timestamp> parse_timestamp(std::string_view text);

// Epoch numbers as JSON carries them: seconds, with a fraction if any; a
// magnitude of 1e11 or more is taken as milliseconds (1e11 s is the year
// 5138, 1e11 ms is 1973-03-03), like most log producers mean it. Throws
// RecordError for NaN, infinities and values beyond the int64 microsecond range.
Timestamp timestamp_from_epoch_number(double x);
// The same rule for integers, exact (no rounding through double).
Timestamp timestamp_from_epoch_int(int64_t x);

// Decimal 64-bit integer with an optional sign: "42", "-7", "+3".
std::optional<int64_t> parse_int(std::string_view text);
// Decimal or scientific float; also nan/NaN, inf/Infinity/-Infinity.
std::optional<double> parse_float(std::string_view text);
// true / false in any letter case.
std::optional<bool> parse_bool(std::string_view text);

}  // namespace streamc::rt
