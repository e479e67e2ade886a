// How values are written out: `pprint` (console, DStream.pprint style),
// `json` (files / socket / kafka sinks) and `text` (text part files).
//
//   value          pprint / text            json
//   "hello"        hello                    "hello"
//   2.0            2.0                      2.0
//   nan, inf       NaN, Infinity            null
//   (a, 2)         (a, 2)                   ["a",2]
//   [a, b]         [a, b]                   ["a","b"]
//   record         {word: a, n: 2}          {"word":"a","n":2}
//   null           null                     null
//   timestamp      2026-11-24 13:00:00      "2026-11-24T13:00:00Z"
//   duration       1.5s                     "1.5s"
//
// Records are generated structs that provide
//   template <class F> void for_each_field(F&& f) const;   // f("name", value) per field
//   static constexpr std::array<std::string_view, N> field_names;  // for table / CSV headers
//
// Two more styles for tables: `cell` is how Spark's Dataset.show prints a
// value (records and tuples as {a, 1} without names, lists [a, b], floats as
// Java prints doubles: 1.0E7, 1.0E-4), and `csv` is one CSV field (strings
// quoted per RFC 4180 when needed, "" for an empty string, nothing for null,
// timestamps as ISO-8601 without quotes, lists/records/tuples as their JSON
// text).
//
// This header is in every generated program, so it stays small: scalar
// formatting lives in the runtime library (io/format.cpp, JSON strings in
// base/json_string.cpp), only the type-directed recursion is here.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "streamc/runtime/json_string.hpp"  // append_json_string: quoted, escaped, valid UTF-8
#include "streamc/runtime/values.hpp"

namespace streamc::rt {

// ---- scalars (defined in the runtime library)
void append_float_pprint(std::string& out, double v);    // 2.0, 0.1, 1e+21, NaN, -Infinity
void append_float_json(std::string& out, double v);      // like pprint; NaN / inf -> null
void append_timestamp_pprint(std::string& out, Timestamp t);  // 2026-11-24 13:00:00[.123456]
void append_timestamp_json(std::string& out, Timestamp t);    // "2026-11-24T13:00:00[.123456]Z"
void append_duration(std::string& out, Duration d);            // 1.5s, 250ms, 2h, 0s
void append_float_cell(std::string& out, double v);             // Java's Double.toString: 2.0, 1.0E7, NaN
void append_timestamp_iso(std::string& out, Timestamp t);      // 2026-11-24T13:00:00[.123456]Z, no quotes
// `field` as one CSV field: quoted (with "" for ") when it holds the
// delimiter, a quote, \r or \n, or starts or ends with a space.
void append_csv_field(std::string& out, std::string_view field, char delim);

// "2026-11-24 13:00:01": whole seconds only, as the console header shows it.
std::string format_batch_time(Timestamp t);

namespace format_detail {

enum class Style { Pprint, Json, Cell };

// Accepts any field; used only to detect `for_each_field`.
struct AnyField {
  template <class V>
  void operator()(std::string_view, const V&) const {}
};

template <class T>
concept Record = requires(const T& r) { r.for_each_field(AnyField{}); };

template <class T>
struct IsTuple : std::false_type {};
template <class... Ts>
struct IsTuple<std::tuple<Ts...>> : std::true_type {};
template <class A, class B>
struct IsTuple<std::pair<A, B>> : std::true_type {};

template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};

template <class T>
inline constexpr bool kUnsupported = false;

template <Style S, class T>
void append(std::string& out, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    out.append(v ? "true" : "false");
  } else if constexpr (std::is_integral_v<T>) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
  } else if constexpr (std::is_floating_point_v<T>) {
    if constexpr (S == Style::Json)
      append_float_json(out, static_cast<double>(v));
    else if constexpr (S == Style::Cell)
      append_float_cell(out, static_cast<double>(v));
    else
      append_float_pprint(out, static_cast<double>(v));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    if constexpr (S == Style::Json)
      append_json_string(out, std::string_view(v));
    else
      out.append(std::string_view(v));
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    if constexpr (S == Style::Json)
      append_timestamp_json(out, v);
    else
      append_timestamp_pprint(out, v);
  } else if constexpr (std::is_same_v<T, Duration>) {
    if constexpr (S == Style::Json) out.push_back('"');
    append_duration(out, v);
    if constexpr (S == Style::Json) out.push_back('"');
  } else if constexpr (std::is_same_v<T, std::nullopt_t>) {
    out.append("null");
  } else if constexpr (IsOptional<T>::value) {
    if (v)
      append<S>(out, *v);
    else
      out.append("null");
  } else if constexpr (IsTuple<T>::value) {
    out.push_back(S == Style::Json ? '[' : S == Style::Cell ? '{' : '(');
    std::apply(
        [&out](const auto&... xs) {
          bool first = true;
          // Scala's tuple toString, which pprint shows, has no spaces: (a,2).
          ((out.append(first ? "" : (S == Style::Cell ? ", " : ",")), first = false, append<S>(out, xs)), ...);
        },
        v);
    out.push_back(S == Style::Json ? ']' : S == Style::Cell ? '}' : ')');
  } else if constexpr (IsVector<T>::value) {
    out.push_back('[');
    bool first = true;
    for (const auto& x : v) {
      if (!first) out.append(S == Style::Json ? "," : ", ");
      first = false;
      append<S>(out, x);
    }
    out.push_back(']');
  } else if constexpr (S == Style::Json && Record<T> && requires { T::field_names; }) {
    // The keys, quoted and escaped, each after its comma, made once.
    static const std::vector<std::string> keys = [] {
      std::vector<std::string> k;
      for (std::string_view name : T::field_names) {
        std::string key = k.empty() ? "" : ",";
        append_json_string(key, name);
        key.push_back(':');
        k.push_back(std::move(key));
      }
      return k;
    }();
    out.push_back('{');
    size_t i = 0;
    v.for_each_field([&out, &i](std::string_view, const auto& x) {
      out.append(keys[i++]);
      append<S>(out, x);
    });
    out.push_back('}');
  } else if constexpr (Record<T>) {
    out.push_back('{');
    bool first = true;
    v.for_each_field([&out, &first](std::string_view name, const auto& x) {
      if (!first) out.append(S == Style::Json ? "," : ", ");
      first = false;
      if constexpr (S == Style::Json) {
        append_json_string(out, name);
        out.push_back(':');
      } else if constexpr (S == Style::Pprint) {
        out.append(name);
        out.append(": ");
      }
      append<S>(out, x);
    });
    out.push_back('}');
  } else {
    static_assert(kUnsupported<T>, "streamc: no output format for this type");
  }
}

}  // namespace format_detail

template <class T>
void append_pprint(std::string& out, const T& v) {
  format_detail::append<format_detail::Style::Pprint>(out, v);
}

template <class T>
void append_json(std::string& out, const T& v) {
  format_detail::append<format_detail::Style::Json>(out, v);
}

// Text part files and text socket lines: the pprint layout, one value per
// line; a record is written as its JSON object (Spark's text sink takes one
// string column, and JSON is what reads back).
template <class T>
void append_text(std::string& out, const T& v) {
  if constexpr (format_detail::Record<T>)
    format_detail::append<format_detail::Style::Json>(out, v);
  else
    format_detail::append<format_detail::Style::Pprint>(out, v);
}

// Dataset.show's text for one value (before escaping and truncation).
template <class T>
void append_cell(std::string& out, const T& v) {
  format_detail::append<format_detail::Style::Cell>(out, v);
}

// One CSV field for `v` (see the table at the top).
template <class T>
void append_csv_cell(std::string& out, const T& v, char delim) {
  using namespace format_detail;
  if constexpr (IsOptional<T>::value) {
    if (v) append_csv_cell(out, *v, delim);
  } else if constexpr (std::is_same_v<T, std::nullopt_t>) {
  } else if constexpr (std::is_convertible_v<const T&, std::string_view> && !std::is_same_v<T, bool>) {
    std::string_view s(v);
    if (s.empty())
      out.append("\"\"");
    else
      append_csv_field(out, s, delim);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    append_timestamp_iso(out, v);
  } else if constexpr (std::is_same_v<T, bool> || std::is_arithmetic_v<T> || std::is_same_v<T, Duration>) {
    std::string s;
    append<Style::Pprint>(s, v);
    append_csv_field(out, s, delim);
  } else {
    std::string s;
    append<Style::Json>(s, v);
    append_csv_field(out, s, delim);
  }
}

// Column names of a table of `Row`s: a record's field_names, _1, _2, … for a
// tuple, `value` for anything else.
template <class Row>
std::vector<std::string> column_names() {
  using namespace format_detail;
  if constexpr (requires { Row::field_names; }) {
    std::vector<std::string> names;
    for (std::string_view n : Row::field_names) names.emplace_back(n);
    return names;
  } else if constexpr (Record<Row> && std::is_default_constructible_v<Row>) {
    std::vector<std::string> names;  // a record without field_names: ask a blank one
    Row blank{};
    blank.for_each_field([&names](std::string_view n, const auto&) { names.emplace_back(n); });
    return names;
  } else if constexpr (IsTuple<Row>::value) {
    std::vector<std::string> names;
    for (size_t i = 1; i <= std::tuple_size_v<Row>; ++i) names.push_back("_" + std::to_string(i));
    return names;
  } else {
    return {"value"};
  }
}

// Calls f(value) for each column of one row (as column_names orders them).
template <class Row, class F>
void for_each_column(const Row& row, F&& f) {
  using namespace format_detail;
  if constexpr (Record<Row>) {
    row.for_each_field([&f](std::string_view, const auto& x) { f(x); });
  } else if constexpr (IsTuple<Row>::value) {
    std::apply([&f](const auto&... xs) { (f(xs), ...); }, row);
  } else {
    f(row);
  }
}

// The cells of one row, as Dataset.show prints them (before escaping).
template <class Row>
std::vector<std::string> row_cells(const Row& row) {
  std::vector<std::string> cells;
  for_each_column(row, [&cells](const auto& x) {
    std::string s;
    append_cell(s, x);
    cells.push_back(std::move(s));
  });
  return cells;
}

template <class Row>
void append_csv_header(std::string& out, char delim) {
  bool first = true;
  for (const std::string& name : column_names<Row>()) {
    if (!first) out.push_back(delim);
    first = false;
    append_csv_field(out, name, delim);
  }
  out.push_back('\n');
}

template <class Row>
void append_csv_row(std::string& out, const Row& row, char delim) {
  bool first = true;
  for_each_column(row, [&](const auto& x) {
    if (!first) out.push_back(delim);
    first = false;
    append_csv_cell(out, x, delim);
  });
  out.push_back('\n');
}

template <class T>
std::string to_pprint(const T& v) {
  std::string out;
  append_pprint(out, v);
  return out;
}

template <class T>
std::string to_json(const T& v) {
  std::string out;
  append_json(out, v);
  return out;
}

}  // namespace streamc::rt
