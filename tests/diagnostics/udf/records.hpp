#pragma once
#include <streamc/udf.hpp>

struct Point {
  double lat;
  double lon;
};

STREAMC_UDF inline double latitude(const Point& p) { return p.lat; }
