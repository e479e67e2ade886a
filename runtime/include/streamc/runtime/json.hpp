// What a generated JSON decoder (simdjson On-Demand) calls to read one field
// into an SDL value. Each reader returns a JsonRead instead of throwing, so
// the generated code applies the source's on_error per field (permissive:
// the field becomes null; drop / fail: the record is rejected).
//
//   simdjson::ondemand::parser parser;                 // one per thread, reused
//   for (std::string_view rec : batch.records(src)) {
//     auto doc = streamc::rt::iterate_record(parser, rec);
//     simdjson::ondemand::object obj;
//     if (doc.get_object().get(obj)) { batch.reject(src, rec, "not a JSON object"); continue; }
//     int64_t n; std::string_view name;
//     auto st = streamc::rt::read_int(obj.find_field_unordered("n"), n);
//     ...
//   }
//
// Linking: simdjson comes from Debian's libsimdjson-dev, which ships only a
// shared library, so a program that includes this header links -lsimdjson
// (dynamically) and should be compiled with -DSIMDJSON_THREADS_ENABLED=1,
// as the library was.
#pragma once

#include "streamc/runtime/simdjson.hpp"

#include <cstdint>
#include <limits>
#include <string_view>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {

static_assert(kRecordPadding >= simdjson::SIMDJSON_PADDING, "records must carry simdjson's padding");

enum class JsonRead {
  Ok,
  Null,       // JSON null, or the field is missing
  WrongType,  // a value of another type (a string for an int, 1.5 for an int, a bad timestamp)
  Malformed,  // the document itself is broken (truncated, bad UTF-8): reject the whole record
};

inline const char* json_read_reason(JsonRead r) {
  switch (r) {
    case JsonRead::Ok: return "ok";
    case JsonRead::Null: return "null";
    case JsonRead::WrongType: return "wrong type";
    case JsonRead::Malformed: return "malformed JSON";
  }
  return "?";
}

// One record as a document; valid because every record carries
// kRecordPadding readable bytes after it (Batch::records).
inline simdjson::simdjson_result<simdjson::ondemand::document> iterate_record(simdjson::ondemand::parser& parser,
                                                                             std::string_view record) {
  return parser.iterate(record.data(), record.size(), record.size() + kRecordPadding);
}

using JsonValue = simdjson::simdjson_result<simdjson::ondemand::value>;

namespace json_detail {

inline JsonRead from_error(simdjson::error_code e) {
  switch (e) {
    case simdjson::SUCCESS: return JsonRead::Ok;
    case simdjson::NO_SUCH_FIELD: return JsonRead::Null;
    case simdjson::INCORRECT_TYPE:
    case simdjson::NUMBER_ERROR:
    case simdjson::NUMBER_OUT_OF_RANGE:
      return JsonRead::WrongType;
    default: return JsonRead::Malformed;
  }
}

// The value and its type; Null for null/missing (consuming the null).
inline JsonRead open(JsonValue r, simdjson::ondemand::value& v, simdjson::ondemand::json_type& t) {
  if (auto e = r.get(v)) return from_error(e);
  if (v.type().get(t)) return JsonRead::Malformed;
  if (t == simdjson::ondemand::json_type::null) {
    bool is_null = false;
    if (v.is_null().get(is_null) || !is_null) return JsonRead::Malformed;
    return JsonRead::Null;
  }
  return JsonRead::Ok;
}

}  // namespace json_detail

// A JSON integer (no fraction, no exponent, within int64).
inline JsonRead read_int(JsonValue r, int64_t& out) {
  simdjson::ondemand::value v;
  simdjson::ondemand::json_type t;
  if (JsonRead s = json_detail::open(r, v, t); s != JsonRead::Ok) return s;
  if (t != simdjson::ondemand::json_type::number) return JsonRead::WrongType;
  return json_detail::from_error(v.get_int64().get(out));
}

// Any JSON number; also the strings "NaN", "Infinity", "-Infinity" (as Spark
// writes them).
inline JsonRead read_float(JsonValue r, double& out) {
  simdjson::ondemand::value v;
  simdjson::ondemand::json_type t;
  if (JsonRead s = json_detail::open(r, v, t); s != JsonRead::Ok) return s;
  if (t == simdjson::ondemand::json_type::string) {
    std::string_view s;
    if (auto e = v.get_string().get(s)) return json_detail::from_error(e);
    if (s == "NaN") out = std::numeric_limits<double>::quiet_NaN();
    else if (s == "Infinity" || s == "+Infinity") out = std::numeric_limits<double>::infinity();
    else if (s == "-Infinity") out = -std::numeric_limits<double>::infinity();
    else return JsonRead::WrongType;
    return JsonRead::Ok;
  }
  if (t != simdjson::ondemand::json_type::number) return JsonRead::WrongType;
  return json_detail::from_error(v.get_double().get(out));
}

inline JsonRead read_bool(JsonValue r, bool& out) {
  simdjson::ondemand::value v;
  simdjson::ondemand::json_type t;
  if (JsonRead s = json_detail::open(r, v, t); s != JsonRead::Ok) return s;
  if (t != simdjson::ondemand::json_type::boolean) return JsonRead::WrongType;
  return json_detail::from_error(v.get_bool().get(out));
}

// A JSON string, unescaped and copied into `arena` (simdjson reuses its
// string buffer for the next document).
inline JsonRead read_string(JsonValue r, std::string_view& out, Arena& arena) {
  simdjson::ondemand::value v;
  simdjson::ondemand::json_type t;
  if (JsonRead s = json_detail::open(r, v, t); s != JsonRead::Ok) return s;
  if (t != simdjson::ondemand::json_type::string) return JsonRead::WrongType;
  std::string_view s;
  if (auto e = v.get_string().get(s)) return e == simdjson::INCORRECT_TYPE ? JsonRead::WrongType : JsonRead::Malformed;
  out = arena.copy(s);
  return JsonRead::Ok;
}

// Like read_string, but any other value is kept as its JSON text (Spark
// does this for string fields): 12 -> "12", {"a":1} -> "{\"a\":1}". The text
// points into the record (no copy needed).
inline JsonRead read_string_or_json(JsonValue r, std::string_view& out, Arena& arena) {
  simdjson::ondemand::value v;
  simdjson::ondemand::json_type t;
  if (JsonRead s = json_detail::open(r, v, t); s != JsonRead::Ok) return s;
  using simdjson::ondemand::json_type;
  simdjson::error_code e;
  switch (t) {
    case json_type::string: {
      std::string_view s;
      if ((e = v.get_string().get(s))) return JsonRead::Malformed;
      out = arena.copy(s);
      return JsonRead::Ok;
    }
    case json_type::array: {
      simdjson::ondemand::array a;
      if ((e = v.get_array().get(a)) || (e = a.raw_json().get(out))) return JsonRead::Malformed;
      return JsonRead::Ok;
    }
    case json_type::object: {
      simdjson::ondemand::object o;
      if ((e = v.get_object().get(o)) || (e = o.raw_json().get(out))) return JsonRead::Malformed;
      return JsonRead::Ok;
    }
    default: {
      out = v.raw_json_token();
      while (!out.empty() && (out.back() == ' ' || out.back() == '\n' || out.back() == '\r' || out.back() == '\t'))
        out.remove_suffix(1);
      return JsonRead::Ok;
    }
  }
}

// An ISO-8601 string (parse_timestamp) or an epoch number: seconds, or
// milliseconds from a magnitude of 1e11 on (timestamp_from_epoch_number).
inline JsonRead read_timestamp(JsonValue r, Timestamp& out) {
  simdjson::ondemand::value v;
  simdjson::ondemand::json_type t;
  if (JsonRead s = json_detail::open(r, v, t); s != JsonRead::Ok) return s;
  if (t == simdjson::ondemand::json_type::string) {
    std::string_view s;
    if (v.get_string().get(s)) return JsonRead::Malformed;
    auto ts = parse_timestamp(s);
    if (!ts) return JsonRead::WrongType;
    out = *ts;
    return JsonRead::Ok;
  }
  if (t != simdjson::ondemand::json_type::number) return JsonRead::WrongType;
  simdjson::ondemand::number_type nt;
  if (auto e = v.get_number_type().get(nt)) return json_detail::from_error(e);
  try {
    if (nt == simdjson::ondemand::number_type::signed_integer) {
      int64_t i;
      if (auto e = v.get_int64().get(i)) return json_detail::from_error(e);
      out = timestamp_from_epoch_int(i);
    } else {
      double d;
      if (auto e = v.get_double().get(d)) return json_detail::from_error(e);
      out = timestamp_from_epoch_number(d);
    }
  } catch (const RecordError&) {
    return JsonRead::WrongType;
  }
  return JsonRead::Ok;
}

}  // namespace streamc::rt
