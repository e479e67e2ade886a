// Null handling: coalesce, like SQL's and Spark's (with two arguments; `??`
// is the operator form).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "streamc/runtime/values.hpp"
#include "streamc/udf.hpp"

namespace streamc::stdlib {

/// coalesce(x, fallback): x, or fallback when x is null.
STREAMC_UDF inline int64_t coalesce(std::optional<int64_t> x, int64_t fallback) { return x ? *x : fallback; }
/// coalesce(x, fallback): x, or fallback when x is null.
STREAMC_UDF inline double coalesce(std::optional<double> x, double fallback) { return x ? *x : fallback; }
/// coalesce(x, fallback): x, or fallback when x is null.
STREAMC_UDF inline bool coalesce(std::optional<bool> x, bool fallback) { return x ? *x : fallback; }
/// coalesce(x, fallback): x, or fallback when x is null.
STREAMC_UDF inline std::string_view coalesce(std::optional<std::string_view> x, std::string_view fallback) {
  return x ? *x : fallback;
}
/// coalesce(x, fallback): x, or fallback when x is null.
STREAMC_UDF inline rt::Timestamp coalesce(std::optional<rt::Timestamp> x, rt::Timestamp fallback) {
  return x ? *x : fallback;
}
/// coalesce(x, y): x, or y when x is null (null when both are).
STREAMC_UDF inline std::optional<int64_t> coalesce(std::optional<int64_t> x, std::optional<int64_t> y) { return x ? x : y; }
/// coalesce(x, y): x, or y when x is null (null when both are).
STREAMC_UDF inline std::optional<double> coalesce(std::optional<double> x, std::optional<double> y) { return x ? x : y; }
/// coalesce(x, y): x, or y when x is null (null when both are).
STREAMC_UDF inline std::optional<std::string_view> coalesce(std::optional<std::string_view> x,
                                                            std::optional<std::string_view> y) {
  return x ? x : y;
}

}  // namespace streamc::stdlib
