// SDL's built-in string functions and conversions. Plain C++: the importer
// reads the signatures of the STREAMC_UDF functions here the same way it
// reads a user's `import "udfs.hpp"` (at streamc's build time), and the
// `///` comment above each one is its entry in `streamc --list-functions`.
// Errors in one record throw rt::RecordError.
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

/// split(s, sep): the pieces of s between occurrences of sep, empty ones
/// included, like Python's str.split(sep): split("a,,b", ",") is ["a", "", "b"].
/// An empty sep rejects the record.
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

/// lower(s): s in lower case (ASCII letters only; other bytes are kept).
STREAMC_UDF inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

/// upper(s): s in upper case (ASCII letters only; other bytes are kept).
STREAMC_UDF inline std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

/// trim(s): s without leading and trailing whitespace (space, tab, CR, LF, FF, VT).
STREAMC_UDF inline std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && detail::is_space(s[b])) ++b;
  while (e > b && detail::is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

/// length(s): the number of characters (UTF-8 code points) in s.
STREAMC_UDF inline int64_t length(std::string_view s) {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

/// contains(s, part): whether part occurs in s.
STREAMC_UDF inline bool contains(std::string_view s, std::string_view part) {
  return s.find(part) != std::string_view::npos;
}

/// starts_with(s, prefix): whether s begins with prefix.
STREAMC_UDF inline bool starts_with(std::string_view s, std::string_view prefix) { return s.starts_with(prefix); }

/// ends_with(s, suffix): whether s ends with suffix.
STREAMC_UDF inline bool ends_with(std::string_view s, std::string_view suffix) { return s.ends_with(suffix); }

namespace detail {
// The byte offset of code point `n` of s (s.size() when s is shorter).
inline size_t code_point_offset(std::string_view s, int64_t n) {
  size_t i = 0;
  for (; i < s.size() && n > 0; ++i)
    if (i + 1 == s.size() || (static_cast<unsigned char>(s[i + 1]) & 0xC0) != 0x80) --n;
  return i;
}
}  // namespace detail

/// substr(s, pos, len): len characters of s from position pos, as in Spark
/// SQL: pos counts from 1, a negative pos counts from the end (-1 is the last
/// character), 0 is the same as 1; a part beyond s is cut off, and len <= 0 gives "".
STREAMC_UDF inline std::string_view substr(std::string_view s, int64_t pos, int64_t len) {
  int64_t n = length(s);
  int64_t start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;  // 0-based, may be negative
  int64_t end = len <= 0 ? start : (start > INT64_MAX - len ? INT64_MAX : start + len);
  start = start < 0 ? 0 : start > n ? n : start;
  end = end < start ? start : end > n ? n : end;
  size_t b = detail::code_point_offset(s, start);
  size_t e = b + detail::code_point_offset(s.substr(b), end - start);
  return s.substr(b, e - b);
}

/// substr(s, pos): the characters of s from position pos to the end (pos as
/// in substr(s, pos, len)).
STREAMC_UDF inline std::string_view substr(std::string_view s, int64_t pos) { return substr(s, pos, INT64_MAX); }

/// replace(s, search, replacement): s with every occurrence of search replaced,
/// left to right without overlaps; an empty search leaves s unchanged.
STREAMC_UDF inline std::string replace(std::string_view s, std::string_view search, std::string_view replacement) {
  std::string out;
  if (search.empty()) return std::string(s);
  size_t start = 0;
  for (;;) {
    size_t at = s.find(search, start);
    if (at == std::string_view::npos) break;
    out.append(s.substr(start, at - start));
    out.append(replacement);
    start = at + search.size();
  }
  out.append(s.substr(start));
  return out;
}

/// concat(a, b): a followed by b (the same as a + b).
STREAMC_UDF inline std::string concat(std::string_view a, std::string_view b) {
  std::string out(a);
  out.append(b);
  return out;
}

/// concat(a, b, c): a, b and c joined.
STREAMC_UDF inline std::string concat(std::string_view a, std::string_view b, std::string_view c) {
  std::string out(a);
  out.append(b);
  out.append(c);
  return out;
}

/// concat(a, b, c, d): a, b, c and d joined.
STREAMC_UDF inline std::string concat(std::string_view a, std::string_view b, std::string_view c, std::string_view d) {
  std::string out(a);
  out.append(b);
  out.append(c);
  out.append(d);
  return out;
}

/// to_int(s): s (surrounding whitespace allowed) as an int; a record whose s
/// is not a whole number in range is rejected (on_error).
STREAMC_UDF inline int64_t to_int(std::string_view s) {
  std::string_view t = trim(s);
  if (!t.empty() && t.front() == '+' && t.size() > 1 && t[1] != '-') t.remove_prefix(1);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size())
    throw rt::RecordError("cannot convert " + detail::quoted(s) + " to int");
  return v;
}

/// to_float(s): s (surrounding whitespace allowed) as a float: 1.5, -2e3, inf,
/// nan; a record whose s is not a number is rejected (on_error).
STREAMC_UDF inline double to_float(std::string_view s) {
  std::string_view t = trim(s);
  if (!t.empty() && t.front() == '+' && t.size() > 1 && t[1] != '-') t.remove_prefix(1);
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc{} || p != t.data() + t.size())
    throw rt::RecordError("cannot convert " + detail::quoted(s) + " to float");
  return v;
}

/// to_int(x): x truncated toward zero; NaN, infinities and values outside the
/// int range reject the record.
STREAMC_UDF inline int64_t to_int(double x) {
  if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
    throw rt::RecordError("cannot convert " + rt::to_pprint(x) + " to int");
  return static_cast<int64_t>(x);
}

/// to_float(n): n as a float.
STREAMC_UDF inline double to_float(int64_t n) { return static_cast<double>(n); }

/// to_string(n): n as text, as the console shows it: 42.
STREAMC_UDF inline std::string to_string(int64_t v) { return rt::to_pprint(v); }
/// to_string(x): x as text, as the console shows it: 2.0, 0.1, 1e+20.
STREAMC_UDF inline std::string to_string(double v) { return rt::to_pprint(v); }
/// to_string(b): "true" or "false".
STREAMC_UDF inline std::string to_string(bool v) { return v ? "true" : "false"; }
/// to_string(s): s itself.
STREAMC_UDF inline std::string to_string(std::string_view v) { return std::string(v); }

// format is variadic, so it is a template the checker knows by name (not a
// STREAMC_UDF declaration the importer reads); --list-functions lists it too.
/// format(fmt, args…): fmt with each {} replaced by the next argument as the console shows it; {{ and }} are braces.
template <class... Ts>
std::string format(std::string_view fmt, const Ts&... args) {
  std::vector<std::string> pieces;
  pieces.reserve(sizeof...(args));
  (pieces.push_back(rt::to_pprint(args)), ...);
  std::string out;
  out.reserve(fmt.size() + 16 * pieces.size());
  size_t next = 0;
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '{') {
      out.push_back('{');
      ++i;
    } else if (c == '}' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
      out.push_back('}');
      ++i;
    } else if (c == '{' && i + 1 < fmt.size() && fmt[i + 1] == '}') {
      if (next < pieces.size()) out += pieces[next++];
      ++i;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace streamc::stdlib
