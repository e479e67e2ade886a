// SDL's built-in string functions. Plain C++: the importer reads the
// signatures of the STREAMC_UDF functions here the same way it reads a
// user's `import "udfs.hpp"`. Errors in one record throw rt::RecordError.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "streamc/runtime/format.hpp"
#include "streamc/runtime/values.hpp"
#include "streamc/udf.hpp"

namespace streamc::stdlib {

namespace detail {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// 'abc' for error messages, cut short when long.
inline std::string quoted(std::string_view s) {
  constexpr size_t kMax = 100;
  std::string out = "'";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out.append("...");
  out.push_back('\'');
  return out;
}

}  // namespace detail

// Python's str.split(sep): every piece, empty ones included
// ("a,,b" -> ["a", "", "b"], "" -> [""]).
STREAMC_UDF inline std::vector<std::string_view> split(std::string_view s, std::string_view sep) {
  if (sep.empty()) throw rt::RecordError("empty separator");
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t at = s.find(sep, start);
    if (at == std::string_view::npos) break;
    parts.push_back(s.substr(start, at - start));
    start = at + sep.size();
  }
  parts.push_back(s.substr(start));
  return parts;
}

// ASCII only; other bytes are kept as they are.
STREAMC_UDF inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

STREAMC_UDF inline std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// Without leading and trailing ASCII whitespace.
STREAMC_UDF inline std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && detail::is_space(s[b])) ++b;
  while (e > b && detail::is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// The number of UTF-8 code points (bytes that do not continue a sequence).
STREAMC_UDF inline int64_t length(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

STREAMC_UDF inline bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

// The whole string (surrounding whitespace allowed) as a 64-bit integer.
STREAMC_UDF inline int64_t to_int(std::string_view s) {
  std::string_view t = trim(s);
  if (!t.empty() && t.front() == '+' && t.size() > 1 && t[1] != '-') t.remove_prefix(1);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size())
    throw rt::RecordError("cannot convert " + detail::quoted(s) + " to int");
  return v;
}

// The whole string (surrounding whitespace allowed) as a float; accepts
// 1.5, -2e3, inf, nan.
STREAMC_UDF inline double to_float(std::string_view s) {
  std::string_view t = trim(s);
  if (!t.empty() && t.front() == '+' && t.size() > 1 && t[1] != '-') t.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size())
    throw rt::RecordError("cannot convert " + detail::quoted(s) + " to float");
  return v;
}

// x truncated toward zero; NaN, inf and values outside int64 are rejected.
STREAMC_UDF inline int64_t to_int(double x) {
  if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
    throw rt::RecordError("cannot convert " + rt::to_pprint(x) + " to int");
  return static_cast<int64_t>(x);
}

STREAMC_UDF inline double to_float(int64_t n) { return static_cast<double>(n); }

// As the console shows values: 42, 2.0, true, the string itself.
STREAMC_UDF inline std::string to_string(int64_t v) { return rt::to_pprint(v); }
STREAMC_UDF inline std::string to_string(double v) { return rt::to_pprint(v); }
STREAMC_UDF inline std::string to_string(bool v) { return v ? "true" : "false"; }
STREAMC_UDF inline std::string to_string(std::string_view v) { return std::string(v); }

}  // namespace streamc::stdlib
