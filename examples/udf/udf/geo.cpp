#include "geo.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace geo {

double haversine(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthRadiusKm = 6371.0;
  constexpr double kRadians = M_PI / 180.0;
  double dlat = (lat2 - lat1) * kRadians;
  double dlon = (lon2 - lon1) * kRadians;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRadians) * std::cos(lat2 * kRadians) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::sqrt(a));
}

namespace {

std::string_view next_word(std::string_view& line) {
  size_t b = line.find_first_not_of(' ');
  if (b == std::string_view::npos) return {};
  size_t e = line.find(' ', b);
  std::string_view word = line.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b);
  line.remove_prefix(e == std::string_view::npos ? line.size() : e);
  return word;
}

double number(std::string_view& line, std::string_view whole) {
  std::string_view w = next_word(line);
  double v = 0;
  auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (w.empty() || ec != std::errc{} || end != w.data() + w.size())
    throw streamc::rt::RecordError("not a leg (place lat lon place lat lon): '" + std::string(whole) + "'");
  return v;
}

}  // namespace

std::tuple<std::string_view, double, double, std::string_view, double, double> parse_leg(std::string_view line) {
  std::string_view rest = line;
  std::string_view from = next_word(rest);
  double lat1 = number(rest, line), lon1 = number(rest, line);
  std::string_view to = next_word(rest);
  double lat2 = number(rest, line), lon2 = number(rest, line);
  if (to.empty() || !next_word(rest).empty())
    throw streamc::rt::RecordError("not a leg (place lat lon place lat lon): '" + std::string(line) + "'");
  return {from, lat1, lon1, to, lat2, lon2};
}

void print_legs(int64_t batch_id, const std::vector<std::tuple<std::string, double>>& rows) {
  for (const auto& [leg, km] : rows) std::printf("batch %lld: %s is %.1f km\n", static_cast<long long>(batch_id), leg.c_str(), km);
  std::fflush(stdout);
}

}  // namespace geo
