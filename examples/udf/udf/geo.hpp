// Geography for distances.sdl: C++ functions that SDL calls by name after
// `import "udf/geo.hpp"`. They are only declared here; udf/geo.cpp defines
// them, so the program is built with
//
//   streamc distances.sdl --link udf/geo.cpp
#pragma once

#include <streamc/udf.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace geo {

/// haversine(lat1, lon1, lat2, lon2): the great-circle distance in km between
/// two points given in degrees, on a sphere of radius 6371 km.
STREAMC_UDF double haversine(double lat1, double lon1, double lat2, double lon2);

/// parse_leg(line): "Paris 48.8566 2.3522 London 51.5074 -0.1278" as (from,
/// lat, lon, to, lat, lon); any other line rejects the record.
STREAMC_UDF std::tuple<std::string_view, double, double, std::string_view, double, double> parse_leg(std::string_view line);

/// print_legs(batch_id, rows): a foreach sink: prints each (leg, km) row of a
/// batch, tagged with the batch id (a real sink would write them somewhere,
/// keyed by batch_id so that a re-run batch overwrites instead of duplicating).
STREAMC_UDF void print_legs(int64_t batch_id, const std::vector<std::tuple<std::string, double>>& rows);

}  // namespace geo
