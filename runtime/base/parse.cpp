#include "streamc/runtime/parse.hpp"

#include <charconv>
#include <cmath>

namespace streamc::rt {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Howard Hinnant's days_from_civil (proleptic Gregorian).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) return 29;
  return kDays[m - 1];
}

// Reads exactly `n` digits at `p`; advances it.
bool digits(std::string_view s, size_t& p, int n, unsigned& out) {
  if (p + static_cast<size_t>(n) > s.size()) return false;
  out = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[p + static_cast<size_t>(i)];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  p += static_cast<size_t>(n);
  return true;
}

}  // namespace

std::optional<Timestamp> parse_timestamp(std::string_view text) {
  std::string_view s = trim(text);
  size_t p = 0;
  unsigned year, month, day, hour = 0, minute = 0, second = 0;
  if (!digits(s, p, 4, year) || p >= s.size() || s[p++] != '-' || !digits(s, p, 2, month) || p >= s.size() ||
      s[p++] != '-' || !digits(s, p, 2, day))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  int64_t frac_micros = 0;
  int64_t offset_s = 0;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return std::nullopt;
    ++p;
    if (!digits(s, p, 2, hour) || p >= s.size() || s[p++] != ':' || !digits(s, p, 2, minute)) return std::nullopt;
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!digits(s, p, 2, second)) return std::nullopt;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        int n = 0;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
          if (n < 6) frac_micros = frac_micros * 10 + (s[p] - '0');
          ++n;
          ++p;
        }
        if (n == 0 || n > 9) return std::nullopt;
        for (int i = n; i < 6; ++i) frac_micros *= 10;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (p < s.size()) {
      char z = s[p++];
      if (z == 'Z' || z == 'z') {
        // UTC
      } else if (z == '+' || z == '-') {
        unsigned oh, om = 0;
        if (!digits(s, p, 2, oh)) return std::nullopt;
        if (p < s.size()) {
          if (s[p] == ':') ++p;
          if (!digits(s, p, 2, om)) return std::nullopt;
        }
        if (oh > 23 || om > 59) return std::nullopt;
        offset_s = (z == '+' ? 1 : -1) * static_cast<int64_t>(oh * 3600 + om * 60);
      } else {
        return std::nullopt;
      }
      if (p != s.size()) return std::nullopt;
    }
  }
  int64_t secs = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return Timestamp{secs * kMicrosPerSecond + frac_micros};
}

Timestamp timestamp_from_epoch_number(double x) {
  if (!std::isfinite(x)) throw RecordError("timestamp out of range");
  double micros = std::fabs(x) >= 1e11 ? x * 1e3 : x * 1e6;
  micros = std::round(micros);
  if (!(micros >= -9.2e18 && micros <= 9.2e18)) throw RecordError("timestamp out of range");
  return Timestamp{static_cast<int64_t>(micros)};
}

Timestamp timestamp_from_epoch_int(int64_t x) {
  bool millis = x >= 100'000'000'000 || x <= -100'000'000'000;
  int64_t r;
  if (__builtin_mul_overflow(x, millis ? int64_t{1000} : kMicrosPerSecond, &r)) throw RecordError("timestamp out of range");
  return Timestamp{r};
}

std::optional<int64_t> parse_int(std::string_view text) {
  std::string_view s = trim(text);
  bool plus = !s.empty() && s.front() == '+';
  if (plus) s.remove_prefix(1);
  if (s.empty() || (plus && (s.front() == '+' || s.front() == '-'))) return std::nullopt;
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_float(std::string_view text) {
  std::string_view s = trim(text);
  bool plus = !s.empty() && s.front() == '+';
  if (plus) s.remove_prefix(1);
  if (s.empty() || (plus && (s.front() == '+' || s.front() == '-'))) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (end != s.data() + s.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves v untouched: overflow is ±inf, underflow ±0, as strtod.
    bool neg = s.front() == '-';
    size_t e = s.find_first_of("eE");
    bool tiny = e != std::string_view::npos && e + 1 < s.size() && s[e + 1] == '-';
    return tiny ? (neg ? -0.0 : 0.0) : (neg ? -HUGE_VAL : HUGE_VAL);
  }
  if (ec != std::errc{}) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string_view s = trim(text);
  auto equals = [s](std::string_view word) {
    if (s.size() != word.size()) return false;
    for (size_t i = 0; i < s.size(); ++i)
      if ((s[i] | 0x20) != word[i]) return false;
    return true;
  };
  if (equals("true")) return true;
  if (equals("false")) return false;
  return std::nullopt;
}

}  // namespace streamc::rt
