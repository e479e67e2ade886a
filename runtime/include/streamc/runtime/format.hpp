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
//
// This header is in every generated program, so it stays small: scalar
// formatting lives in the runtime library (io/format.cpp), only the
// type-directed recursion is here.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "streamc/runtime/values.hpp"

namespace streamc::rt {

// ---- scalars (defined in the runtime library)
void append_float_pprint(std::string& out, double v);    // 2.0, 0.1, 1e+21, NaN, -Infinity
void append_float_json(std::string& out, double v);      // like pprint; NaN / inf -> null
void append_timestamp_pprint(std::string& out, Timestamp t);  // 2026-11-24 13:00:00[.123456]
void append_timestamp_json(std::string& out, Timestamp t);    // "2026-11-24T13:00:00[.123456]Z"
void append_duration(std::string& out, Duration d);            // 1.5s, 250ms, 2h, 0s
void append_json_string(std::string& out, std::string_view s);  // quoted, escaped, valid UTF-8

// "2026-11-24 13:00:01": whole seconds only, as the console header shows it.
std::string format_batch_time(Timestamp t);

namespace format_detail {

enum class Style { Pprint, Json };

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
    out.push_back(S == Style::Json ? '[' : '(');
    std::apply(
        [&out](const auto&... xs) {
          bool first = true;
          ((out.append(first ? "" : (S == Style::Json ? "," : ", ")), first = false, append<S>(out, xs)), ...);
        },
        v);
    out.push_back(S == Style::Json ? ']' : ')');
  } else if constexpr (IsVector<T>::value) {
    out.push_back('[');
    bool first = true;
    for (const auto& x : v) {
      if (!first) out.append(S == Style::Json ? "," : ", ");
      first = false;
      append<S>(out, x);
    }
    out.push_back(']');
  } else if constexpr (Record<T>) {
    out.push_back('{');
    bool first = true;
    v.for_each_field([&out, &first](std::string_view name, const auto& x) {
      if (!first) out.append(S == Style::Json ? "," : ", ");
      first = false;
      if constexpr (S == Style::Json)
        append_json_string(out, name);
      else
        out.append(name);
      out.append(S == Style::Json ? ":" : ": ");
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

// Text part files and text socket lines: the pprint layout, one value per line.
template <class T>
void append_text(std::string& out, const T& v) {
  format_detail::append<format_detail::Style::Pprint>(out, v);
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
