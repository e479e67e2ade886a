// The hand-written token scanners behind the X3 primitive parsers of tokens.hpp.
#include "syntax/tokens.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>

namespace streamc::syntax {

namespace {

// LANGUAGE.md "Lexical"; grammar/sdl.ebnf lists the same words.
constexpr std::array<std::string_view, 26> kKeywords = {
    "param", "config", "schema", "import", "source", "table", "stream", "sink", "infer",
    "mode", "trigger", "every", "once", "available_now", "checkpoint", "as", "on", "if",
    "then", "else", "and", "or", "not", "true", "false", "null"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

const char* line_end(const char* p, const char* end) {
  while (p != end && *p != '\n') ++p;
  return p;
}

// Length of the UTF-8 sequence starting with `c` (1 for ASCII and stray bytes).
size_t utf8_length(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the four hex digits of a `\uXXXX` escape starting at the backslash.
uint32_t read_u_escape(const char* bs, const char* end) {
  uint32_t cp = 0;
  const char* p = bs + 2;
  for (int i = 0; i < 4; ++i, ++p) {
    int h = p != end ? hex_value(*p) : -1;
    if (h < 0) throw syntax_error{bs, p, "expected 4 hex digits after '\\u' in string"};
    cp = cp * 16 + static_cast<uint32_t>(h);
  }
  return cp;
}

// Microseconds per duration unit; 0 when `unit` is not one.
int64_t unit_micros(std::string_view unit) {
  if (unit == "us") return 1;
  if (unit == "ms") return 1'000;
  if (unit == "s") return 1'000'000;
  if (unit == "m") return 60'000'000;
  if (unit == "h") return 3'600'000'000;
  if (unit == "d") return 86'400'000'000;
  return 0;
}

}  // namespace

bool is_keyword(std::string_view word) {
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

const char* skip_space(const char* p, const char* end, bool nothrow) {
  for (;;) {
    while (p != end && is_space(*p)) ++p;
    if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
      p = line_end(p, end);
      continue;
    }
    if (end - p >= 2 && p[0] == '/' && p[1] == '*') {
      const char* q = p + 2;
      while (end - q >= 2 && !(q[0] == '*' && q[1] == '/')) ++q;
      if (end - q < 2) {
        if (nothrow) return end;
        throw syntax_error{p, p + 2, "unterminated comment"};
      }
      p = q + 2;
      continue;
    }
    return p;
  }
}

const char* scan_number(const char* p, const char* end, x3ast::leaf& out) {
  const char* q = p;
  while (q != end && is_digit(*q)) ++q;
  bool is_float = false;
  if (end - q >= 2 && q[0] == '.' && is_digit(q[1])) {
    is_float = true;
    q += 1;
    while (q != end && is_digit(*q)) ++q;
  }
  if (q != end && (*q == 'e' || *q == 'E')) {
    const char* r = q + 1;
    if (r != end && (*r == '+' || *r == '-')) ++r;
    if (r != end && is_digit(*r)) {
      is_float = true;
      q = r;
      while (q != end && is_digit(*q)) ++q;
    }
  }
  const char* digits_end = q;
  const char* s = q;
  while (s != end && is_ident_char(*s)) ++s;
  std::string_view suffix(digits_end, s - digits_end);
  out.text.assign(p, s);

  if (is_float) {
    if (!suffix.empty())
      throw syntax_error{p, s, "invalid suffix '" + std::string(suffix) +
                                   "' on number; a duration is a whole number of a unit, e.g. 1500ms"};
    out.kind = x3ast::leaf_kind::float_lit;
    auto r = std::from_chars(p, digits_end, out.fval);
    if (r.ec != std::errc()) throw syntax_error{p, s, "float literal out of range"};
    return s;
  }

  // An integer: up to 2^63, the magnitude of the smallest int (see lowering).
  constexpr uint64_t kLimit = uint64_t{1} << 63;
  uint64_t value = 0;
  for (const char* d = p; d != digits_end; ++d) {
    uint64_t digit = static_cast<uint64_t>(*d - '0');
    if (value > (kLimit - digit) / 10) throw syntax_error{p, s, "integer literal out of range"};
    value = value * 10 + digit;
  }
  if (suffix.empty()) {
    out.kind = x3ast::leaf_kind::int_lit;
    out.ival = value;
    return s;
  }
  int64_t micros = unit_micros(suffix);
  if (micros == 0)
    throw syntax_error{p, s, "invalid suffix '" + std::string(suffix) +
                                 "' on number; duration units are us, ms, s, m, h and d"};
  if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max() / micros))
    throw syntax_error{p, s, "duration literal out of range"};
  out.kind = x3ast::leaf_kind::duration_lit;
  out.ival = value * static_cast<uint64_t>(micros);
  return s;
}

const char* scan_index(const char* p, const char* end, x3ast::leaf& out) {
  const char* q = p;
  uint64_t value = 0;
  bool overflow = false;
  while (q != end && is_digit(*q)) {
    value = value * 10 + static_cast<uint64_t>(*q - '0');
    overflow |= value > 0xFFFFFFFFu;
    ++q;
  }
  const char* s = q;
  while (s != end && is_ident_char(*s)) ++s;
  if (s != q) throw syntax_error{p, s, "invalid tuple index '" + std::string(p, s) + "'"};
  if (overflow) throw syntax_error{p, s, "tuple index out of range"};
  out.kind = x3ast::leaf_kind::int_lit;
  out.ival = value;
  out.text.assign(p, q);
  return q;
}

const char* scan_string(const char* p, const char* end, x3ast::leaf& out) {
  out.kind = x3ast::leaf_kind::string_lit;
  std::string value;
  const char* q = p + 1;
  for (;;) {
    if (q == end || *q == '\n') throw syntax_error{p, line_end(p, end), "unterminated string"};
    char c = *q;
    if (c == '"') break;
    if (c != '\\') {
      value += c;
      ++q;
      continue;
    }
    const char* bs = q;
    if (q + 1 == end || q[1] == '\n') throw syntax_error{p, line_end(p, end), "unterminated string"};
    switch (q[1]) {
      case '"': value += '"'; q += 2; continue;
      case '\\': value += '\\'; q += 2; continue;
      case 'n': value += '\n'; q += 2; continue;
      case 't': value += '\t'; q += 2; continue;
      case 'r': value += '\r'; q += 2; continue;
      case 'u': break;
      default: {
        const char* e = std::min(end, q + 1 + utf8_length(static_cast<unsigned char>(q[1])));
        throw syntax_error{bs, e, "unknown escape '" + std::string(bs, e) + "' in string"};
      }
    }
    uint32_t cp = read_u_escape(bs, end);
    q = bs + 6;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      // A high surrogate must be followed by `\uDC00`–`\uDFFF`.
      if (end - q >= 2 && q[0] == '\\' && q[1] == 'u') {
        uint32_t low = read_u_escape(q, end);
        if (low >= 0xDC00 && low <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          q += 6;
          append_utf8(value, cp);
          continue;
        }
      }
      throw syntax_error{bs, bs + 6, "unpaired surrogate '" + std::string(bs, bs + 6) + "' in string"};
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF)
      throw syntax_error{bs, bs + 6, "unpaired surrogate '" + std::string(bs, bs + 6) + "' in string"};
    append_utf8(value, cp);
  }
  out.text = std::move(value);
  return q + 1;
}

const char* token_end(const char* p, const char* end) {
  if (p == end) return end;
  if (is_ident_char(*p)) {
    while (p != end && is_ident_char(*p)) ++p;
    return p;
  }
  if (*p == '"') {
    const char* q = p + 1;
    while (q != end && *q != '"' && *q != '\n') q += (*q == '\\' && q + 1 != end && q[1] != '\n') ? 2 : 1;
    return q != end && *q == '"' ? q + 1 : q;
  }
  static constexpr std::string_view kTwoChar[] = {"->", "|>", "??", "==", "!=", "<=", ">=", "/*", "//"};
  if (end - p >= 2) {
    std::string_view two(p, 2);
    for (auto op : kTwoChar)
      if (two == op) return p + 2;
  }
  return std::min(end, p + utf8_length(static_cast<unsigned char>(*p)));
}

}  // namespace streamc::syntax
