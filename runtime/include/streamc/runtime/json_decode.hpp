// Reading simdjson On-Demand values into the C++ types of SDL values, for
// the decoders streamc generates per (format, schema). The generated code
// walks each object once, field by field, and calls `read` only for the
// fields the pipeline uses; everything else is skipped unparsed.
//
// Strings are views into the record when they hold no escapes, else copied
// into the batch arena: simdjson reuses its string buffer for every document. A generated record type R provides
//   rt::json::Status decode_record(simdjson::ondemand::object, R&, rt::Arena&)
// in its own namespace, found by argument-dependent lookup.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "streamc/runtime/arena.hpp"
#include "streamc/runtime/parse.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt::json {

enum class Status { Ok, Null, WrongType };

inline const char* describe(Status s) { return s == Status::Null ? "is null" : "has the wrong type"; }

// One parser per thread: a parser owns buffers sized to the largest document.
inline simdjson::ondemand::parser& thread_parser() {
  thread_local simdjson::ondemand::parser parser;
  return parser;
}

inline bool is_null(simdjson::ondemand::value& v) {
  bool null = false;
  return !v.is_null().get(null) && null;
}

// Each reader tries the expected type first and looks for null only when
// that fails (a failed get leaves the value unconsumed).
inline Status read(simdjson::ondemand::value v, int64_t& out, Arena&) {
  if (!v.get_int64().get(out)) return Status::Ok;
  if (is_null(v)) return Status::Null;
  double d;
  if (!v.get_double().get(d) && d == static_cast<double>(static_cast<int64_t>(d))) {
    out = static_cast<int64_t>(d);
    return Status::Ok;
  }
  return Status::WrongType;
}

inline Status read(simdjson::ondemand::value v, double& out, Arena&) {
  if (!v.get_double().get(out)) return Status::Ok;
  return is_null(v) ? Status::Null : Status::WrongType;
}

inline Status read(simdjson::ondemand::value v, bool& out, Arena&) {
  if (!v.get_bool().get(out)) return Status::Ok;
  return is_null(v) ? Status::Null : Status::WrongType;
}

// A string without escapes is the same bytes in the record: the view points
// there (the record lives as long as the batch arena) and simdjson need not
// unescape it. One with escapes is unescaped by simdjson into its own
// buffer, which the next document reuses, so it is copied into the arena.
inline Status read(simdjson::ondemand::value v, std::string_view& out, Arena& arena) {
  std::string_view raw = v.raw_json_token();  // "…" and any whitespace after it
  if (raw.size() >= 2 && raw[0] == '"') {
    const char* body = raw.data() + 1;
    const auto* close = static_cast<const char*>(std::memchr(body, '"', raw.size() - 1));
    simdjson::ondemand::raw_json_string unused;
    if (close && !std::memchr(body, '\\', static_cast<size_t>(close - body)) && !v.get_raw_json_string().get(unused)) {
      out = std::string_view(body, static_cast<size_t>(close - body));
      return Status::Ok;
    }
  }
  std::string_view s;
  if (v.get_string().get(s)) return is_null(v) ? Status::Null : Status::WrongType;
  out = arena.copy(s);
  return Status::Ok;
}

// Timestamps: ISO-8601 strings, or epoch seconds / milliseconds as numbers.
inline Status read(simdjson::ondemand::value v, Timestamp& out, Arena&) {
  if (is_null(v)) return Status::Null;
  std::string_view s;
  if (!v.get_string().get(s)) {
    auto t = parse_timestamp(s);
    if (!t) return Status::WrongType;
    out = *t;
    return Status::Ok;
  }
  int64_t i;
  if (!v.get_int64().get(i)) {
    out = timestamp_from_epoch_int(i);
    return Status::Ok;
  }
  double d;
  if (!v.get_double().get(d)) {
    out = timestamp_from_epoch_number(d);
    return Status::Ok;
  }
  return Status::WrongType;
}

// Declared before the definitions below so that they find one another.
template <class T>
Status read(simdjson::ondemand::value v, std::optional<T>& out, Arena& arena);
template <class T>
Status read(simdjson::ondemand::value v, std::vector<T>& out, Arena& arena);
template <class R>
auto read(simdjson::ondemand::value v, R& out, Arena& arena)
    -> decltype(decode_record(std::declval<simdjson::ondemand::object>(), out, arena));

template <class T>
Status read(simdjson::ondemand::value v, std::optional<T>& out, Arena& arena) {
  if (is_null(v)) {
    out.reset();
    return Status::Ok;
  }
  T inner{};
  Status s = read(v, inner, arena);
  if (s == Status::Ok) out = std::move(inner);
  return s;
}

template <class T>
Status read(simdjson::ondemand::value v, std::vector<T>& out, Arena& arena) {
  if (is_null(v)) return Status::Null;
  simdjson::ondemand::array array;
  if (v.get_array().get(array)) return Status::WrongType;
  out.clear();
  for (auto element : array) {
    simdjson::ondemand::value ev;
    if (std::move(element).get(ev)) return Status::WrongType;
    T item{};
    Status s = read(ev, item, arena);
    if (s != Status::Ok) return s;
    out.push_back(std::move(item));
  }
  return Status::Ok;
}

// Records: the generated decode_record, found by ADL.
template <class R>
auto read(simdjson::ondemand::value v, R& out, Arena& arena)
    -> decltype(decode_record(std::declval<simdjson::ondemand::object>(), out, arena)) {
  if (is_null(v)) return Status::Null;
  simdjson::ondemand::object object;
  if (v.get_object().get(object)) return Status::WrongType;
  return decode_record(object, out, arena);
}

}  // namespace streamc::rt::json
