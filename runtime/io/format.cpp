// Scalar formatting behind format.hpp: floats, timestamps, durations and
// CSV fields (JSON strings: base/json_string.cpp).
#include "streamc/runtime/format.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace streamc::rt {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second;
  int64_t micros;  // fraction of the second
};

// Howard Hinnant's days_from_civil inverse (proleptic Gregorian, UTC).
Civil to_civil(Timestamp t) {
  int64_t days = t.micros / kMicrosPerDay;
  int64_t rem = t.micros % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  Civil c;
  c.year = y + (m <= 2);
  c.month = m;
  c.day = d;
  int64_t secs = rem / kMicrosPerSecond;
  c.micros = rem % kMicrosPerSecond;
  c.hour = static_cast<unsigned>(secs / 3600);
  c.minute = static_cast<unsigned>(secs / 60 % 60);
  c.second = static_cast<unsigned>(secs % 60);
  return c;
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, res.ptr);
}

void append_padded(std::string& out, int64_t v, int width) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, v < 0 ? -v : v);
  if (v < 0) out.push_back('-');
  for (int n = static_cast<int>(res.ptr - buf); n < width; ++n) out.push_back('0');
  out.append(buf, res.ptr);
}

// ".5", ".123456"; nothing for 0. `micros` in [0, 1e6), `digits` is 6 for
// microseconds, 3 for milliseconds.
void append_fraction(std::string& out, int64_t frac, int digits) {
  if (frac == 0) return;
  char buf[8];
  for (int i = digits - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int n = digits;
  while (n > 0 && buf[n - 1] == '0') --n;
  out.push_back('.');
  out.append(buf, static_cast<size_t>(n));
}

void append_date_time(std::string& out, const Civil& c, char sep) {
  append_padded(out, c.year, 4);
  out.push_back('-');
  append_padded(out, c.month, 2);
  out.push_back('-');
  append_padded(out, c.day, 2);
  out.push_back(sep);
  append_padded(out, c.hour, 2);
  out.push_back(':');
  append_padded(out, c.minute, 2);
  out.push_back(':');
  append_padded(out, c.second, 2);
}

}  // namespace

namespace {

// std::to_chars(v)'s text, faster, for the doubles data mostly holds: a
// decimal of up to 9 places between 0.1 and 2^50 (12.5, 127.023496, 3); else
// nullptr. The shortest decimal that reads back as v is m / 10^k for the
// smallest k where m = round(|v| * 10^k) divides back to |v| exactly (IEEE
// division is correctly rounded, as reading a decimal is); below 2^50 at
// most one k-place decimal reads back as v, and no shorter one can drop
// digits of the integer part. to_chars writes such a number in fixed
// notation (scientific is never shorter), except an integer with trailing
// zeros (100000 is 1e+05), which is left to it.
char* short_decimal(double v, char* buf) {
  static constexpr double kPow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
  constexpr double kLimit = 1125899906842624.0;  // 2^50
  const double a = std::fabs(v);
  if (!(a >= 0.1 && a < kLimit)) return nullptr;
  for (int k = 0; k < 10; ++k) {
    const double scaled = a * kPow10[k];
    if (scaled >= kLimit) return nullptr;
    const double m = std::nearbyint(scaled);
    if (m / kPow10[k] != a) continue;
    const auto digits = static_cast<uint64_t>(m);
    if (k == 0 && digits % 10 == 0) return nullptr;
    char tmp[24];
    char* end = std::to_chars(tmp, tmp + sizeof tmp, digits).ptr;
    const auto len = static_cast<int>(end - tmp);
    char* p = buf;
    if (v < 0) *p++ = '-';
    if (len <= k) {  // 0.1 <= a < 1: as many digits as places
      *p++ = '0';
      *p++ = '.';
      for (int z = len; z < k; ++z) *p++ = '0';
      std::memcpy(p, tmp, static_cast<size_t>(len));
      return p + len;
    }
    std::memcpy(p, tmp, static_cast<size_t>(len - k));
    p += len - k;
    if (k > 0) {
      *p++ = '.';
      std::memcpy(p, tmp + len - k, static_cast<size_t>(k));
      p += k;
    }
    return p;
  }
  return nullptr;
}

}  // namespace

void append_float_pprint(std::string& out, double v) {
  if (std::isnan(v)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out.append(v < 0 ? "-Infinity" : "Infinity");
    return;
  }
  char buf[32];
  char* end = short_decimal(v, buf);
  if (!end) end = std::to_chars(buf, buf + sizeof buf, v).ptr;  // shortest round-trip
  std::string_view s(buf, static_cast<size_t>(end - buf));
  out.append(s);
  if (s.find_first_of(".e") == std::string_view::npos) out.append(".0");
}

void append_float_json(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out.append("null");
    return;
  }
  append_float_pprint(out, v);
}

void append_timestamp_pprint(std::string& out, Timestamp t) {
  Civil c = to_civil(t);
  append_date_time(out, c, ' ');
  append_fraction(out, c.micros, 6);
}

void append_timestamp_json(std::string& out, Timestamp t) {
  Civil c = to_civil(t);
  out.push_back('"');
  append_date_time(out, c, 'T');
  append_fraction(out, c.micros, 6);
  out.append("Z\"");
}

void append_timestamp_iso(std::string& out, Timestamp t) {
  Civil c = to_civil(t);
  append_date_time(out, c, 'T');
  append_fraction(out, c.micros, 6);
  out.push_back('Z');
}

void append_float_cell(std::string& out, double v) {
  // Java's Double.toString: plain decimal for 1e-3 <= |v| < 1e7, otherwise
  // d.dddE[-]n; always a digit after the point. Shortest round-trip digits.
  if (std::isnan(v)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(v)) {
    out.append(v < 0 ? "-Infinity" : "Infinity");
    return;
  }
  double a = std::fabs(v);
  char buf[40];
  if (a == 0 || (a >= 1e-3 && a < 1e7)) {
    auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    std::string_view s(buf, static_cast<size_t>(res.ptr - buf));
    out.append(s);
    if (s.find('.') == std::string_view::npos) out.append(".0");
    return;
  }
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(res.ptr - buf));  // -1.2345e+07
  size_t e = s.find('e');
  std::string_view mantissa = s.substr(0, e);
  out.append(mantissa);
  if (mantissa.find('.') == std::string_view::npos) out.append(".0");
  out.push_back('E');
  std::string_view exp = s.substr(e + 1);
  if (exp.front() == '+') exp.remove_prefix(1);
  bool neg = exp.front() == '-';
  if (neg) {
    out.push_back('-');
    exp.remove_prefix(1);
  }
  while (exp.size() > 1 && exp.front() == '0') exp.remove_prefix(1);
  out.append(exp);
}

void append_csv_field(std::string& out, std::string_view field, char delim) {
  bool quote = !field.empty() && (field.front() == ' ' || field.back() == ' ');
  for (char c : field)
    if (c == delim || c == '"' || c == '\r' || c == '\n') {
      quote = true;
      break;
    }
  if (!quote) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string format_batch_time(Timestamp t) {
  std::string out;
  append_date_time(out, to_civil(t), ' ');
  return out;
}

void append_duration(std::string& out, Duration d) {
  // The largest unit that shows the value exactly: d, h, m only when the
  // value is a whole number of them; otherwise seconds or milliseconds with
  // a decimal fraction (1.5s, 2.25ms), microseconds below that.
  uint64_t v = d.micros < 0 ? 0 - static_cast<uint64_t>(d.micros) : static_cast<uint64_t>(d.micros);
  if (d.micros < 0) out.push_back('-');
  if (v == 0) {
    out.append("0s");
    return;
  }
  struct Unit {
    uint64_t micros;
    const char* name;
  };
  for (Unit u : {Unit{86'400'000'000ULL, "d"}, Unit{3'600'000'000ULL, "h"}, Unit{60'000'000ULL, "m"}}) {
    if (v % u.micros == 0) {
      append_int(out, static_cast<int64_t>(v / u.micros));
      out.append(u.name);
      return;
    }
  }
  if (v >= 1'000'000) {
    append_int(out, static_cast<int64_t>(v / 1'000'000));
    append_fraction(out, static_cast<int64_t>(v % 1'000'000), 6);
    out.push_back('s');
  } else if (v >= 1000) {
    append_int(out, static_cast<int64_t>(v / 1000));
    append_fraction(out, static_cast<int64_t>(v % 1000), 3);
    out.append("ms");
  } else {
    append_int(out, static_cast<int64_t>(v));
    out.append("us");
  }
}

}  // namespace streamc::rt
