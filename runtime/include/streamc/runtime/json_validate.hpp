// Strict JSON (RFC 8259) for the values a generated decoder does not read.
//
// simdjson On-Demand checks only what it is asked for: stage 1 validates
// UTF-8, finds the structure and rejects unescaped control characters in
// strings, but a value the decoder skips is stepped over by depth, so a
// missing comma, a bad number (`01`, `1.`), a bad literal (`tru`) or a bad
// escape (`"\x"`) inside it would pass. `valid` walks such a value in the
// same pass instead of skipping it: containers through On-Demand's own
// iteration (which checks commas, colons and brackets), scalars by their
// token's text (numbers and literals by grammar, strings by unescaping only
// when they hold a backslash), so a record is kept only when all of it is
// JSON, as Spark (Jackson reads the whole record) and jq decide.
#pragma once

#include <simdjson.h>

#include <cstring>
#include <string_view>

namespace streamc::rt::json {

// Deeper nesting is rejected (simdjson's own default limit), so that a
// hostile record cannot exhaust the stack.
inline constexpr int kMaxDepth = 1024;

namespace validate_detail {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline bool only_space(const char* p, const char* end) {
  for (; p < end; ++p)
    if (!is_space(*p)) return false;
  return true;
}

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace validate_detail

// RFC 8259's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, then
// only whitespace (a token runs to the next structural character).
inline bool valid_number_token(std::string_view token) {
  using namespace validate_detail;
  const char* p = token.data();
  const char* end = p + token.size();
  if (p < end && *p == '-') ++p;
  if (p == end) return false;
  if (*p == '0') {
    ++p;
  } else if (*p >= '1' && *p <= '9') {
    while (p < end && is_digit(*p)) ++p;
  } else {
    return false;
  }
  if (p < end && *p == '.') {
    const char* digits = ++p;
    while (p < end && is_digit(*p)) ++p;
    if (p == digits) return false;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    const char* digits = p;
    while (p < end && is_digit(*p)) ++p;
    if (p == digits) return false;
  }
  return only_space(p, end);
}

// `true`, `false` or `null` exactly, then only whitespace.
inline bool valid_literal_token(std::string_view token, std::string_view literal) {
  return token.substr(0, literal.size()) == literal &&
         validate_detail::only_space(token.data() + literal.size(), token.data() + token.size());
}

// A string token (from its opening quote): stage 1 has checked its UTF-8
// and control characters; escapes are checked by unescaping, only when
// there is a backslash. The string is consumed either way: On-Demand steps
// over an unconsumed string followed by ':' as if it were a key, so
// `{"a": "z": 0]}` would pass (found by fuzz/json_decode_fuzz.cpp).
inline bool valid_string(simdjson::ondemand::value& v) {
  std::string_view token = v.raw_json_token();
  if (!std::memchr(token.data(), '\\', token.size())) {
    simdjson::ondemand::raw_json_string raw;
    return !v.get_raw_json_string().get(raw);
  }
  std::string_view s;
  return !v.get_string().get(s);
}

// An object key, which the caller has not matched (a key with an escape
// never matches a schema's field name, so it lands here).
inline bool valid_key(simdjson::ondemand::field& f) {
  // The key ends at its first quote unless a backslash comes before it
  // (stage 1 has found its closing quote).
  for (const char* k = f.key().raw(); *k != '\\'; ++k)
    if (*k == '"') return true;
  std::string_view s;
  return !f.unescaped_key().get(s);
}

// True when `v` (and everything in it) is JSON; a container or a string is
// consumed, a number or literal is left for On-Demand to step over.
inline bool valid(simdjson::ondemand::value v, int depth = 0) {
  using simdjson::ondemand::json_type;
  json_type t;
  if (v.type().get(t)) return false;
  switch (t) {
    case json_type::array: {
      if (depth >= kMaxDepth) return false;
      simdjson::ondemand::array a;
      if (v.get_array().get(a)) return false;
      for (auto element : a) {
        simdjson::ondemand::value e;
        if (std::move(element).get(e) || !valid(e, depth + 1)) return false;
      }
      return true;
    }
    case json_type::object: {
      if (depth >= kMaxDepth) return false;
      simdjson::ondemand::object o;
      if (v.get_object().get(o)) return false;
      for (auto field : o) {
        simdjson::ondemand::field f;
        if (std::move(field).get(f) || !valid_key(f) || !valid(f.value(), depth + 1)) return false;
      }
      return true;
    }
    case json_type::string: return valid_string(v);
    case json_type::number: return valid_number_token(v.raw_json_token());
    case json_type::boolean: {
      std::string_view token = v.raw_json_token();
      return valid_literal_token(token, "true") || valid_literal_token(token, "false");
    }
    case json_type::null: return valid_literal_token(v.raw_json_token(), "null");
  }
  return false;
}

}  // namespace streamc::rt::json
