// SDL's built-in number functions (read by the importer like strings.hpp).
// Integer results that do not fit an int reject the record, as int
// arithmetic does; float results follow IEEE (NaN and infinities pass).
#pragma once

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <string>
#include <string_view>

#include "streamc/runtime/format.hpp"
#include "streamc/runtime/values.hpp"
#include "streamc/udf.hpp"

namespace streamc::stdlib {

namespace detail {
inline int64_t float_to_int(double x, const char* what) {
  if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
    throw rt::RecordError(std::string(what) + " of " + rt::to_pprint(x) + " is not an int");
  return static_cast<int64_t>(x);
}
}  // namespace detail

/// abs(n): the absolute value of n; abs of the smallest int rejects the record (overflow).
STREAMC_UDF inline int64_t abs(int64_t n) { return n < 0 ? rt::neg(n) : n; }

/// abs(x): the absolute value of x.
STREAMC_UDF inline double abs(double x) { return std::fabs(x); }

/// round(x): x rounded to the nearest whole number, halves away from zero
/// (round(2.5) is 3.0, round(-2.5) is -3.0), as in Spark.
STREAMC_UDF inline double round(double x) { return std::round(x); }

/// round(x, digits): x rounded to `digits` decimal places, halves away from
/// zero, on x's shortest decimal form as Spark does (round(3.14159, 2) is 3.14,
/// round(1.005, 2) is 1.01); a negative digits rounds to tens, hundreds, ….
STREAMC_UDF inline double round(double x, int64_t digits) {
  if (!std::isfinite(x) || x == 0) return x;
  if (digits > 400) return x;
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(x), std::chars_format::scientific);  // d.ddde±XX
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  size_t e = text.find('e');
  std::string mantissa;
  for (char c : text.substr(0, e))
    if (c != '.') mantissa += c;
  int exp10 = std::atoi(std::string(text.substr(e + 1)).c_str());
  // x = 0.m0 m1 m2 … × 10^(exp10 + 1): keep the digits at or above 10^-digits.
  int64_t keep = exp10 + digits + 1;
  if (keep >= static_cast<int64_t>(mantissa.size())) return x;
  if (keep < 0) return std::copysign(0.0, x);
  std::string kept = mantissa.substr(0, static_cast<size_t>(keep));
  if (mantissa[static_cast<size_t>(keep)] >= '5') {
    int i = static_cast<int>(kept.size()) - 1;
    for (; i >= 0 && kept[i] == '9'; --i) kept[i] = '0';
    if (i < 0) kept.insert(kept.begin(), '1');
    else ++kept[i];
  }
  if (kept.empty()) return std::copysign(0.0, x);
  std::string out = kept + "e" + std::to_string(exp10 - keep + 1);
  double r = 0;
  std::from_chars(out.data(), out.data() + out.size(), r);
  return std::copysign(r, x);
}

/// floor(x): the largest int not above x (floor(-1.5) is -2); a NaN, infinite
/// or out-of-range x rejects the record.
STREAMC_UDF inline int64_t floor(double x) { return detail::float_to_int(std::floor(x), "floor"); }

/// ceil(x): the smallest int not below x (ceil(1.2) is 2); a NaN, infinite or
/// out-of-range x rejects the record.
STREAMC_UDF inline int64_t ceil(double x) { return detail::float_to_int(std::ceil(x), "ceil"); }

/// sqrt(x): the square root of x; NaN when x is negative (as in Spark).
STREAMC_UDF inline double sqrt(double x) { return std::sqrt(x); }

/// pow(x, y): x raised to the power y (a float; pow(2, 10) is 1024.0).
STREAMC_UDF inline double pow(double x, double y) { return std::pow(x, y); }

/// min(a, b): the smaller of two ints.
STREAMC_UDF inline int64_t min(int64_t a, int64_t b) { return a < b ? a : b; }

/// min(x, y): the smaller of two floats; NaN if either is NaN.
STREAMC_UDF inline double min(double x, double y) { return std::isnan(x) || std::isnan(y) ? NAN : (x < y ? x : y); }

/// max(a, b): the larger of two ints.
STREAMC_UDF inline int64_t max(int64_t a, int64_t b) { return a > b ? a : b; }

/// max(x, y): the larger of two floats; NaN if either is NaN.
STREAMC_UDF inline double max(double x, double y) { return std::isnan(x) || std::isnan(y) ? NAN : (x > y ? x : y); }

}  // namespace streamc::stdlib
