// SDL's built-in list functions (read by the importer like strings.hpp),
// Spark SQL's array functions under short names: size, sum, min, max,
// element_at (1-based, as Spark's) and get (0-based), contains, sort,
// distinct. One overload per element type; each forwards to a template in
// `detail`. A list may be empty: min, max, element_at and get are then null
// (Spark's array_min of an empty array is null); sum of an empty list is 0.
// Strings in a result are views into the argument's strings.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "streamc/runtime/values.hpp"
#include "streamc/udf.hpp"

namespace streamc::stdlib {

namespace detail {
// Spark's ordering of floats: NaN above every other value.
template <class T>
bool list_less(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}
template <class T>
std::optional<T> list_min(const std::vector<T>& xs) {
  if (xs.empty()) return std::nullopt;
  return *std::min_element(xs.begin(), xs.end(), list_less<T>);
}
template <class T>
std::optional<T> list_max(const std::vector<T>& xs) {
  if (xs.empty()) return std::nullopt;
  return *std::max_element(xs.begin(), xs.end(), list_less<T>);
}
template <class T>
std::optional<T> list_get(const std::vector<T>& xs, int64_t i) {
  if (i < 0 || i >= static_cast<int64_t>(xs.size())) return std::nullopt;
  return xs[static_cast<size_t>(i)];
}
// Spark's element_at: 1 is the first element, -1 the last; 0 is an error.
template <class T>
std::optional<T> list_element_at(const std::vector<T>& xs, int64_t i) {
  if (i == 0) throw rt::RecordError("element_at: SQL array indices start at 1");
  return list_get(xs, i > 0 ? i - 1 : static_cast<int64_t>(xs.size()) + i);
}
template <class T>
std::vector<T> list_sort(std::vector<T> xs) {
  std::stable_sort(xs.begin(), xs.end(), list_less<T>);
  return xs;
}
// The first occurrence of each value, in order (Spark's array_distinct).
template <class T>
std::vector<T> list_distinct(const std::vector<T>& xs) {
  std::vector<T> out;
  if constexpr (std::is_same_v<T, rt::Timestamp> || std::is_same_v<T, rt::Duration>) {
    absl::flat_hash_set<int64_t> seen;
    for (const T& x : xs)
      if (seen.insert(x.micros).second) out.push_back(x);
  } else {
    absl::flat_hash_set<T> seen;
    for (const T& x : xs)
      if (seen.insert(x).second) out.push_back(x);
  }
  return out;
}
}  // namespace detail

/// size(xs): the number of elements of xs.
STREAMC_UDF inline int64_t size(const std::vector<int64_t>& xs) { return static_cast<int64_t>(xs.size()); }

/// size(xs): the number of elements of xs.
STREAMC_UDF inline int64_t size(const std::vector<double>& xs) { return static_cast<int64_t>(xs.size()); }

/// size(xs): the number of elements of xs.
STREAMC_UDF inline int64_t size(const std::vector<std::string_view>& xs) { return static_cast<int64_t>(xs.size()); }

/// size(xs): the number of elements of xs.
STREAMC_UDF inline int64_t size(const std::vector<rt::Timestamp>& xs) { return static_cast<int64_t>(xs.size()); }

/// size(xs): the number of elements of xs.
STREAMC_UDF inline int64_t size(const std::vector<rt::Duration>& xs) { return static_cast<int64_t>(xs.size()); }

/// size(xs): the number of elements of xs.
STREAMC_UDF inline int64_t size(const std::vector<bool>& xs) { return static_cast<int64_t>(xs.size()); }

/// sum(xs): the sum of the ints in xs, 0 when empty; overflow rejects the record.
STREAMC_UDF inline int64_t sum(const std::vector<int64_t>& xs) {
  int64_t s = 0;
  for (int64_t x : xs) s = rt::add(s, x);
  return s;
}
/// sum(xs): the sum of the floats in xs, 0.0 when empty.
STREAMC_UDF inline double sum(const std::vector<double>& xs) {
  double s = 0;
  for (double x : xs) s += x;
  return s;
}

/// min(xs): the smallest element of xs; null when xs is empty (NaN is the largest float).
STREAMC_UDF inline std::optional<int64_t> min(const std::vector<int64_t>& xs) { return detail::list_min(xs); }

/// min(xs): the smallest element of xs; null when xs is empty (NaN is the largest float).
STREAMC_UDF inline std::optional<double> min(const std::vector<double>& xs) { return detail::list_min(xs); }

/// min(xs): the smallest element of xs; null when xs is empty (NaN is the largest float).
STREAMC_UDF inline std::optional<std::string_view> min(const std::vector<std::string_view>& xs) { return detail::list_min(xs); }

/// min(xs): the smallest element of xs; null when xs is empty (NaN is the largest float).
STREAMC_UDF inline std::optional<rt::Timestamp> min(const std::vector<rt::Timestamp>& xs) { return detail::list_min(xs); }

/// min(xs): the smallest element of xs; null when xs is empty (NaN is the largest float).
STREAMC_UDF inline std::optional<rt::Duration> min(const std::vector<rt::Duration>& xs) { return detail::list_min(xs); }

/// max(xs): the largest element of xs; null when xs is empty (NaN is the largest float).
STREAMC_UDF inline std::optional<int64_t> max(const std::vector<int64_t>& xs) { return detail::list_max(xs); }

/// max(xs): the largest element of xs; null when xs is empty (NaN is the largest float).
STREAMC_UDF inline std::optional<double> max(const std::vector<double>& xs) { return detail::list_max(xs); }

/// max(xs): the largest element of xs; null when xs is empty (NaN is the largest float).
STREAMC_UDF inline std::optional<std::string_view> max(const std::vector<std::string_view>& xs) { return detail::list_max(xs); }

/// max(xs): the largest element of xs; null when xs is empty (NaN is the largest float).
STREAMC_UDF inline std::optional<rt::Timestamp> max(const std::vector<rt::Timestamp>& xs) { return detail::list_max(xs); }

/// max(xs): the largest element of xs; null when xs is empty (NaN is the largest float).
STREAMC_UDF inline std::optional<rt::Duration> max(const std::vector<rt::Duration>& xs) { return detail::list_max(xs); }

/// element_at(xs, i): the i-th element of xs counting from 1 (-1 is the last), as Spark SQL's element_at; null when out of range.
STREAMC_UDF inline std::optional<int64_t> element_at(const std::vector<int64_t>& xs, int64_t i) {
  return detail::list_element_at(xs, i);
}

/// element_at(xs, i): the i-th element of xs counting from 1 (-1 is the last), as Spark SQL's element_at; null when out of range.
STREAMC_UDF inline std::optional<double> element_at(const std::vector<double>& xs, int64_t i) {
  return detail::list_element_at(xs, i);
}

/// element_at(xs, i): the i-th element of xs counting from 1 (-1 is the last), as Spark SQL's element_at; null when out of range.
STREAMC_UDF inline std::optional<std::string_view> element_at(const std::vector<std::string_view>& xs, int64_t i) {
  return detail::list_element_at(xs, i);
}

/// element_at(xs, i): the i-th element of xs counting from 1 (-1 is the last), as Spark SQL's element_at; null when out of range.
STREAMC_UDF inline std::optional<rt::Timestamp> element_at(const std::vector<rt::Timestamp>& xs, int64_t i) {
  return detail::list_element_at(xs, i);
}

/// element_at(xs, i): the i-th element of xs counting from 1 (-1 is the last), as Spark SQL's element_at; null when out of range.
STREAMC_UDF inline std::optional<rt::Duration> element_at(const std::vector<rt::Duration>& xs, int64_t i) {
  return detail::list_element_at(xs, i);
}

/// element_at(xs, i): the i-th element of xs counting from 1 (-1 is the last), as Spark SQL's element_at; null when out of range.
STREAMC_UDF inline std::optional<bool> element_at(const std::vector<bool>& xs, int64_t i) {
  return detail::list_element_at(xs, i);
}

/// get(xs, i): the element of xs at index i counting from 0, as Spark SQL's get; null when out of range.
STREAMC_UDF inline std::optional<int64_t> get(const std::vector<int64_t>& xs, int64_t i) { return detail::list_get(xs, i); }

/// get(xs, i): the element of xs at index i counting from 0, as Spark SQL's get; null when out of range.
STREAMC_UDF inline std::optional<double> get(const std::vector<double>& xs, int64_t i) { return detail::list_get(xs, i); }

/// get(xs, i): the element of xs at index i counting from 0, as Spark SQL's get; null when out of range.
STREAMC_UDF inline std::optional<std::string_view> get(const std::vector<std::string_view>& xs, int64_t i) { return detail::list_get(xs, i); }

/// get(xs, i): the element of xs at index i counting from 0, as Spark SQL's get; null when out of range.
STREAMC_UDF inline std::optional<rt::Timestamp> get(const std::vector<rt::Timestamp>& xs, int64_t i) { return detail::list_get(xs, i); }

/// get(xs, i): the element of xs at index i counting from 0, as Spark SQL's get; null when out of range.
STREAMC_UDF inline std::optional<rt::Duration> get(const std::vector<rt::Duration>& xs, int64_t i) { return detail::list_get(xs, i); }

/// get(xs, i): the element of xs at index i counting from 0, as Spark SQL's get; null when out of range.
STREAMC_UDF inline std::optional<bool> get(const std::vector<bool>& xs, int64_t i) { return detail::list_get(xs, i); }

/// contains(xs, v): whether v is an element of xs (Spark SQL's array_contains).
STREAMC_UDF inline bool contains(const std::vector<int64_t>& xs, int64_t v) {
  return std::any_of(xs.begin(), xs.end(), [&](const int64_t& x) { return x == v; });
}

/// contains(xs, v): whether v is an element of xs (Spark SQL's array_contains).
STREAMC_UDF inline bool contains(const std::vector<double>& xs, double v) {
  return std::any_of(xs.begin(), xs.end(), [&](const double& x) { return x == v; });
}

/// contains(xs, v): whether v is an element of xs (Spark SQL's array_contains).
STREAMC_UDF inline bool contains(const std::vector<std::string_view>& xs, std::string_view v) {
  return std::any_of(xs.begin(), xs.end(), [&](const std::string_view& x) { return x == v; });
}

/// contains(xs, v): whether v is an element of xs (Spark SQL's array_contains).
STREAMC_UDF inline bool contains(const std::vector<rt::Timestamp>& xs, rt::Timestamp v) {
  return std::any_of(xs.begin(), xs.end(), [&](const rt::Timestamp& x) { return x.micros == v.micros; });
}

/// contains(xs, v): whether v is an element of xs (Spark SQL's array_contains).
STREAMC_UDF inline bool contains(const std::vector<rt::Duration>& xs, rt::Duration v) {
  return std::any_of(xs.begin(), xs.end(), [&](const rt::Duration& x) { return x.micros == v.micros; });
}

/// contains(xs, v): whether v is an element of xs (Spark SQL's array_contains).
STREAMC_UDF inline bool contains(const std::vector<bool>& xs, bool v) {
  return std::any_of(xs.begin(), xs.end(), [&](const bool& x) { return x == v; });
}

/// sort(xs): the elements of xs in ascending order (Spark SQL's sort_array; NaN last).
STREAMC_UDF inline std::vector<int64_t> sort(const std::vector<int64_t>& xs) { return detail::list_sort(xs); }

/// sort(xs): the elements of xs in ascending order (Spark SQL's sort_array; NaN last).
STREAMC_UDF inline std::vector<double> sort(const std::vector<double>& xs) { return detail::list_sort(xs); }

/// sort(xs): the elements of xs in ascending order (Spark SQL's sort_array; NaN last).
STREAMC_UDF inline std::vector<std::string_view> sort(const std::vector<std::string_view>& xs) { return detail::list_sort(xs); }

/// sort(xs): the elements of xs in ascending order (Spark SQL's sort_array; NaN last).
STREAMC_UDF inline std::vector<rt::Timestamp> sort(const std::vector<rt::Timestamp>& xs) { return detail::list_sort(xs); }

/// sort(xs): the elements of xs in ascending order (Spark SQL's sort_array; NaN last).
STREAMC_UDF inline std::vector<rt::Duration> sort(const std::vector<rt::Duration>& xs) { return detail::list_sort(xs); }

/// distinct(xs): the elements of xs without repeats, in the order they first occur (Spark SQL's array_distinct).
STREAMC_UDF inline std::vector<int64_t> distinct(const std::vector<int64_t>& xs) { return detail::list_distinct(xs); }

/// distinct(xs): the elements of xs without repeats, in the order they first occur (Spark SQL's array_distinct).
STREAMC_UDF inline std::vector<double> distinct(const std::vector<double>& xs) { return detail::list_distinct(xs); }

/// distinct(xs): the elements of xs without repeats, in the order they first occur (Spark SQL's array_distinct).
STREAMC_UDF inline std::vector<std::string_view> distinct(const std::vector<std::string_view>& xs) { return detail::list_distinct(xs); }

/// distinct(xs): the elements of xs without repeats, in the order they first occur (Spark SQL's array_distinct).
STREAMC_UDF inline std::vector<rt::Timestamp> distinct(const std::vector<rt::Timestamp>& xs) { return detail::list_distinct(xs); }

/// distinct(xs): the elements of xs without repeats, in the order they first occur (Spark SQL's array_distinct).
STREAMC_UDF inline std::vector<rt::Duration> distinct(const std::vector<rt::Duration>& xs) { return detail::list_distinct(xs); }

/// distinct(xs): the elements of xs without repeats, in the order they first occur (Spark SQL's array_distinct).
STREAMC_UDF inline std::vector<bool> distinct(const std::vector<bool>& xs) { return detail::list_distinct(xs); }

}  // namespace streamc::stdlib
