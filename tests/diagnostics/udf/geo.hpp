// Helpers for the import_* diagnostics cases.
#pragma once
#include <streamc/udf.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

namespace geo {

/// The great-circle distance in km.
STREAMC_UDF inline double haversine(double lat1, double lon1, double lat2, double lon2) {
  constexpr double r = M_PI / 180.0;
  double a = std::pow(std::sin((lat2 - lat1) * r / 2), 2) +
             std::cos(lat1 * r) * std::cos(lat2 * r) * std::pow(std::sin((lon2 - lon1) * r / 2), 2);
  return 2 * 6371.0 * std::asin(std::sqrt(a));
}

/// A foreach sink for (word, count) rows.
STREAMC_UDF inline void save_counts(int64_t batch_id, const std::vector<std::tuple<std::string, int64_t>>& rows) {
  (void)batch_id;
  (void)rows;
}

}  // namespace geo
