// Plain structs in imported signatures: each maps to the SDL record of its
// fields (Point is {x: float, y: float}), passed in and returned by value.
#pragma once

#include <streamc/udf.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shapes {

struct Point {
  double x;
  double y;
};

struct Place {
  std::string name;
  Point at;
  std::vector<std::string> tags;
  std::optional<int64_t> quadrant;
};

/// dist(a, b): the distance between two points.
STREAMC_UDF inline double dist(const Point& a, const Point& b) { return std::hypot(a.x - b.x, a.y - b.y); }

/// midpoint(a, b): the point halfway between a and b.
STREAMC_UDF inline Point midpoint(Point a, const Point& b) { return {(a.x + b.x) / 2, (a.y + b.y) / 2}; }

/// place(name, p): a place at p, tagged by side, with its quadrant unless it is on an axis.
STREAMC_UDF inline Place place(std::string_view name, const Point& p) {
  Place out{std::string(name), p, {}, std::nullopt};
  out.tags.push_back(p.x < 0 ? "west" : "east");
  out.tags.push_back(p.y < 0 ? "south" : "north");
  if (p.x != 0 && p.y != 0) out.quadrant = p.x > 0 ? (p.y > 0 ? 1 : 4) : (p.y > 0 ? 2 : 3);
  return out;
}

/// print_places(batch_id, rows): a foreach sink of places.
STREAMC_UDF inline void print_places(int64_t batch_id, const std::vector<Place>& rows) {
  for (const auto& r : rows)
    std::printf("batch %lld: %s at (%g, %g) [%s]\n", static_cast<long long>(batch_id), r.name.c_str(), r.at.x, r.at.y,
                r.quadrant ? std::to_string(*r.quadrant).c_str() : "axis");
}

}  // namespace shapes
