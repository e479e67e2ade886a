// SDL's built-in time functions (read by the importer like strings.hpp).
// Timestamps are microseconds since the epoch, UTC (rt::Timestamp); the
// proleptic Gregorian calendar, as in Spark.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "streamc/runtime/format.hpp"
#include "streamc/runtime/values.hpp"
#include "streamc/udf.hpp"

namespace streamc::stdlib {

namespace detail {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

inline int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
inline int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

// Howard Hinnant's civil-date algorithms (days since 1970-01-01).
inline int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year;
  int64_t month, day, hour, minute, second, micros;
};

inline Civil civil(rt::Timestamp t) {
  int64_t days = floor_div(t.micros, kMicrosPerDay);
  int64_t rest = t.micros - days * kMicrosPerDay;
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  Civil c{};
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = yoe + era * 400 + (c.month <= 2);
  c.hour = rest / (3600 * kMicrosPerSecond);
  c.minute = rest / (60 * kMicrosPerSecond) % 60;
  c.second = rest / kMicrosPerSecond % 60;
  c.micros = rest % kMicrosPerSecond;
  return c;
}

inline bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
inline int64_t days_in_month(int64_t y, int64_t m) {
  static const int64_t days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

inline std::string quote(std::string_view s) { return "'" + std::string(s.substr(0, 100)) + (s.size() > 100 ? "...'" : "'"); }

// Reads exactly `n` digits at `i`.
inline bool digits(std::string_view s, size_t& i, size_t n, int64_t& out) {
  if (i + n > s.size()) return false;
  out = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  i += n;
  return true;
}

inline void pad(std::string& out, int64_t v, int width) {
  std::string d = std::to_string(v < 0 ? -v : v);
  if (v < 0) out += '-';
  for (int k = static_cast<int>(d.size()); k < width; ++k) out += '0';
  out += d;
}

}  // namespace detail

/// now(): the time of the current batch (Spark's current_timestamp): the same
/// for every record of a batch, so a re-run batch computes the same values.
STREAMC_UDF inline rt::Timestamp now(const udf::Context& context) { return context.batch_time; }

/// to_timestamp(s): an ISO-8601 date-time as a timestamp: "2026-11-24T13:00:00Z",
/// "2026-11-24 13:00:00.25", "2026-11-24T14:00:00+01:00", or a date alone
/// ("2026-11-24", midnight); no zone means UTC. Other text rejects the record.
STREAMC_UDF inline rt::Timestamp to_timestamp(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  auto bad = [&]() -> rt::Timestamp { throw rt::RecordError("cannot convert " + detail::quote(text) + " to timestamp"); };
  size_t i = 0;
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, micros = 0, offset = 0;
  if (!detail::digits(s, i, 4, y) || i >= s.size() || s[i++] != '-' || !detail::digits(s, i, 2, mo) ||
      i >= s.size() || s[i++] != '-' || !detail::digits(s, i, 2, d))
    return bad();
  if (mo < 1 || mo > 12 || d < 1 || d > detail::days_in_month(y, mo)) return bad();
  if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
    ++i;
    if (!detail::digits(s, i, 2, h) || i >= s.size() || s[i++] != ':' || !detail::digits(s, i, 2, mi)) return bad();
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!detail::digits(s, i, 2, sec)) return bad();
      if (i < s.size() && s[i] == '.') {
        ++i;
        size_t start = i;
        int64_t scale = 100000;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          micros += (s[i] - '0') * scale;  // digits past microseconds are dropped
          scale /= 10;
          ++i;
        }
        if (i == start) return bad();
      }
    }
    if (h > 23 || mi > 59 || sec > 59) return bad();
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
      ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
      int64_t sign = s[i++] == '-' ? -1 : 1, oh, om = 0;
      if (!detail::digits(s, i, 2, oh)) return bad();
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size() && !detail::digits(s, i, 2, om)) return bad();
      if (oh > 18 || om > 59) return bad();
      offset = sign * (oh * 3600 + om * 60);
    }
  }
  if (i != s.size()) return bad();
  int64_t seconds = detail::days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return rt::Timestamp{seconds * detail::kMicrosPerSecond + micros};
}

/// from_unixtime(seconds): the timestamp `seconds` after 1970-01-01 00:00:00 UTC.
/// (Spark's from_unixtime returns text; here format_timestamp does that.)
STREAMC_UDF inline rt::Timestamp from_unixtime(int64_t seconds) {
  return rt::Timestamp{rt::mul(seconds, detail::kMicrosPerSecond)};
}

/// from_unixtime(seconds): the timestamp `seconds` (with a fraction, kept to the
/// microsecond) after the epoch; NaN, infinite or out-of-range values reject the record.
STREAMC_UDF inline rt::Timestamp from_unixtime(double seconds) {
  double micros = seconds * 1e6;
  if (!(micros >= -9.2e18 && micros <= 9.2e18)) throw rt::RecordError("from_unixtime: " + rt::to_pprint(seconds) + " is out of range");
  return rt::Timestamp{static_cast<int64_t>(micros < 0 ? micros - 0.5 : micros + 0.5)};
}

/// unix_timestamp(t): the whole seconds from 1970-01-01 00:00:00 UTC to t (rounded down).
STREAMC_UDF inline int64_t unix_timestamp(rt::Timestamp t) { return detail::floor_div(t.micros, detail::kMicrosPerSecond); }

/// date_trunc(unit, t): t rounded down to the start of its unit, as in Spark:
/// "year", "quarter", "month", "week" (a Monday), "day", "hour", "minute",
/// "second", "millisecond", "microsecond" (any case; also "yyyy", "yy", "mm",
/// "mon", "dd"). An unknown unit rejects the record.
STREAMC_UDF inline rt::Timestamp date_trunc(std::string_view unit, rt::Timestamp t) {
  std::string u(unit);
  for (char& c : u)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  auto trunc_to = [&](int64_t step) { return rt::Timestamp{t.micros - detail::floor_mod(t.micros, step)}; };
  if (u == "microsecond") return t;
  if (u == "millisecond") return trunc_to(1000);
  if (u == "second") return trunc_to(detail::kMicrosPerSecond);
  if (u == "minute") return trunc_to(60 * detail::kMicrosPerSecond);
  if (u == "hour") return trunc_to(3600 * detail::kMicrosPerSecond);
  if (u == "day" || u == "dd") return trunc_to(detail::kMicrosPerDay);
  int64_t days = detail::floor_div(t.micros, detail::kMicrosPerDay);
  if (u == "week") return rt::Timestamp{(days - detail::floor_mod(days + 3, 7)) * detail::kMicrosPerDay};  // 1970-01-01 was a Thursday
  detail::Civil c = detail::civil(t);
  int64_t month = 0;
  if (u == "month" || u == "mm" || u == "mon") month = c.month;
  else if (u == "quarter") month = (c.month - 1) / 3 * 3 + 1;
  else if (u == "year" || u == "yyyy" || u == "yy") month = 1;
  else throw rt::RecordError("date_trunc: unknown unit " + detail::quote(unit) +
                             "; use year, quarter, month, week, day, hour, minute, second, millisecond or microsecond");
  return rt::Timestamp{detail::days_from_civil(c.year, month, 1) * detail::kMicrosPerDay};
}

/// format_timestamp(t, format): t (UTC) as text, strftime style: %Y year, %m
/// month, %d day, %H hour, %M minute, %S second (two digits each), %f
/// microseconds (six digits), %j day of the year, %F = %Y-%m-%d, %T = %H:%M:%S,
/// %s seconds since the epoch, %% a percent sign. Another directive rejects the record.
STREAMC_UDF inline std::string format_timestamp(rt::Timestamp t, std::string_view format) {
  detail::Civil c = detail::civil(t);
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (++i == format.size()) throw rt::RecordError("format_timestamp: the format ends with a lone '%'");
    switch (format[i]) {
      case 'Y': detail::pad(out, c.year, 4); break;
      case 'm': detail::pad(out, c.month, 2); break;
      case 'd': detail::pad(out, c.day, 2); break;
      case 'H': detail::pad(out, c.hour, 2); break;
      case 'M': detail::pad(out, c.minute, 2); break;
      case 'S': detail::pad(out, c.second, 2); break;
      case 'f': detail::pad(out, c.micros, 6); break;
      case 'j': detail::pad(out, detail::days_from_civil(c.year, c.month, c.day) - detail::days_from_civil(c.year, 1, 1) + 1, 3); break;
      case 'F':
        detail::pad(out, c.year, 4), out += '-', detail::pad(out, c.month, 2), out += '-', detail::pad(out, c.day, 2);
        break;
      case 'T':
        detail::pad(out, c.hour, 2), out += ':', detail::pad(out, c.minute, 2), out += ':', detail::pad(out, c.second, 2);
        break;
      case 's': out += std::to_string(detail::floor_div(t.micros, detail::kMicrosPerSecond)); break;
      case '%': out += '%'; break;
      default:
        throw rt::RecordError(std::string("format_timestamp: unknown directive '%") + format[i] +
                              "'; use %Y %m %d %H %M %S %f %j %F %T %s or %%");
    }
  }
  return out;
}

/// year(t): the year of t (UTC).
STREAMC_UDF inline int64_t year(rt::Timestamp t) { return detail::civil(t).year; }

/// month(t): the month of t, 1 to 12 (UTC).
STREAMC_UDF inline int64_t month(rt::Timestamp t) { return detail::civil(t).month; }

/// day(t): the day of the month of t, 1 to 31 (UTC).
STREAMC_UDF inline int64_t day(rt::Timestamp t) { return detail::civil(t).day; }

/// hour(t): the hour of t, 0 to 23 (UTC).
STREAMC_UDF inline int64_t hour(rt::Timestamp t) { return detail::civil(t).hour; }

/// to_string(t): t as the console shows it: 2026-11-24 13:00:00, with a fraction when it has one.
STREAMC_UDF inline std::string to_string(rt::Timestamp t) { return rt::to_pprint(t); }

}  // namespace streamc::stdlib
