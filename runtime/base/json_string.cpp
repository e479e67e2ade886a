// append_json_string (json_string.hpp): the runtime's sinks, progress and
// manifests write JSON strings with it, and so do the compiler's JSON
// diagnostics and language server (streamc_text).
#include "streamc/runtime/json_string.hpp"

#include <cstring>

namespace streamc::rt {
namespace {

// A multi-byte UTF-8 sequence at p (RFC 3629): sets `need` to the
// continuation bytes its lead byte asks for (0 when *p cannot lead one) and
// returns how many of them follow, well-formed, before `end`; the sequence
// is well-formed when the two are equal and `need` is not 0.
size_t utf8_continuations(const unsigned char* p, const unsigned char* end, size_t& need) {
  const unsigned char c = *p;
  unsigned char lo = 0x80, hi = 0xBF;
  need = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  }
  size_t got = 0;
  for (const unsigned char* q = p + 1; got < need && q < end && *q >= lo && *q <= hi; ++q) {
    ++got;
    lo = 0x80;
    hi = 0xBF;
  }
  return got;
}

// The length of the start of `s` that a JSON string holds as it is: printable
// ASCII other than '"' and '\\', and well-formed multi-byte UTF-8.
size_t json_clean_prefix(std::string_view s) {
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  const auto* p = b;
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      if (c < 0x20 || c == '"' || c == '\\') break;
      ++p;
      continue;
    }
    size_t need;
    if (utf8_continuations(p, end, need) != need || need == 0) break;
    p += need + 1;
  }
  return static_cast<size_t>(p - b);
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  // The common case: nothing to escape or replace, copied whole.
  size_t clean = json_clean_prefix(s);
  if (clean == s.size()) {
    size_t at = out.size();
    out.resize(at + s.size() + 2);
    char* d = out.data() + at;
    d[0] = '"';
    if (!s.empty()) std::memcpy(d + 1, s.data(), s.size());
    d[s.size() + 1] = '"';
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  out.append(s.data(), clean);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + clean;
  const auto* end = reinterpret_cast<const unsigned char*>(s.data()) + s.size();
  while (p < end) {
    // p is at a byte to escape or an ill-formed sequence; after it comes the
    // next run of bytes that need nothing.
    unsigned char c = *p;
    if (c < 0x80) {
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
      }
      ++p;
    } else {
      // An ill-formed UTF-8 sequence becomes U+FFFD, skipping its maximal
      // valid prefix (Unicode's advice).
      size_t need;
      p += 1 + utf8_continuations(p, end, need);
      out.append(kReplacement);
    }
    const size_t run = json_clean_prefix(std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(end - p)));
    out.append(reinterpret_cast<const char*>(p), run);
    p += run;
  }
  out.push_back('"');
}

}  // namespace streamc::rt
