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

#include "streamc/runtime/simdjson.hpp"

#include <cstring>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

// Whether the `n` bytes at `p` hold a backslash: 16 at a time, inline (a
// string token is short, and libc's memchr costs a call per value). It may
// read up to 15 bytes past `p + n`: every JSON text simdjson parses is
// followed by SIMDJSON_PADDING readable bytes, and a token ends inside it.
inline bool has_backslash(const char* p, size_t n) {
#if defined(__SSE2__)
  const __m128i backslash = _mm_set1_epi8('\\');
  for (size_t i = 0; i < n; i += 16) {
    unsigned m = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i)), backslash)));
    if (n - i < 16) m &= (1u << (n - i)) - 1;
    if (m) return true;
  }
  return false;
#else
  return std::memchr(p, '\\', n) != nullptr;
#endif
}

namespace validate_detail {

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
inline bool valid_string(simdjson::ondemand::value& v, std::string_view token) {
  if (!has_backslash(token.data(), token.size())) {
    simdjson::ondemand::raw_json_string raw;
    return !v.get_raw_json_string().get(raw);
  }
  std::string_view s;
  return !v.get_string().get(s);
}
inline bool valid_string(simdjson::ondemand::value& v) { return valid_string(v, v.raw_json_token()); }

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

inline bool valid_container(simdjson::ondemand::value v, int depth);

// True when `v` (and everything in it) is JSON; a container or a string is
// consumed, a number or literal is left for On-Demand to step over. Told
// apart by the token's first character (what On-Demand's type() looks at),
// so that the common case, a scalar the decoder does not read, is checked
// inline where the generated decoder calls this; containers are walked by
// valid_container.
inline bool valid(simdjson::ondemand::value v, int depth = 0) {
  const std::string_view token = v.raw_json_token();
  switch (token.empty() ? '\0' : token[0]) {
    case '"': return valid_string(v, token);
    case '{':
    case '[': return valid_container(v, depth);
    case 't': return valid_literal_token(token, "true");
    case 'f': return valid_literal_token(token, "false");
    case 'n': return valid_literal_token(token, "null");
    default: return valid_number_token(token);  // anything else is not a number either
  }
}

// An array or object, each of its values through valid.
inline bool valid_container(simdjson::ondemand::value v, int depth) {
  if (depth >= kMaxDepth) return false;
  simdjson::ondemand::json_type t;
  if (v.type().get(t)) return false;
  if (t == simdjson::ondemand::json_type::array) {
    simdjson::ondemand::array a;
    if (v.get_array().get(a)) return false;
    for (auto element : a) {
      simdjson::ondemand::value e;
      if (std::move(element).get(e) || !valid(e, depth + 1)) return false;
    }
    return true;
  }
  simdjson::ondemand::object o;
  if (v.get_object().get(o)) return false;
  for (auto field : o) {
    simdjson::ondemand::field f;
    if (std::move(field).get(f) || !valid_key(f) || !valid(f.value(), depth + 1)) return false;
  }
  return true;
}

}  // namespace streamc::rt::json
