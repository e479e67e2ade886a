#include "base/duration_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace streamc::rt {

std::optional<Duration> parse_duration(std::string_view text) {
  size_t digits_end = 0;
  while (digits_end < text.size() && ((text[digits_end] >= '0' && text[digits_end] <= '9') || text[digits_end] == '.'))
    ++digits_end;
  std::string_view number = text.substr(0, digits_end);
  std::string_view unit = text.substr(digits_end);
  if (number.empty() || number.front() == '.' || number.back() == '.') return std::nullopt;
  int64_t scale;
  if (unit == "us")
    scale = 1;
  else if (unit == "ms")
    scale = 1000;
  else if (unit == "s")
    scale = 1'000'000;
  else if (unit == "m")
    scale = 60'000'000;
  else if (unit == "h")
    scale = 3'600'000'000;
  else if (unit == "d")
    scale = 86'400'000'000;
  else
    return std::nullopt;
  if (number.find('.') == std::string_view::npos) {
    int64_t n = 0;
    auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
    int64_t us;
    if (ec != std::errc{} || p != number.data() + number.size() || __builtin_mul_overflow(n, scale, &us))
      return std::nullopt;
    return Duration{us};
  }
  double v = 0;
  auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (ec != std::errc{} || p != number.data() + number.size()) return std::nullopt;
  double us = std::round(v * static_cast<double>(scale));
  if (!(us < 9.2e18)) return std::nullopt;
  return Duration{static_cast<int64_t>(us)};
}

}  // namespace streamc::rt
