#pragma once
#include <streamc/udf.hpp>

#include <cstdint>

STREAMC_UDF inline double scale(double x) { return x * 10; }
STREAMC_UDF inline int64_t scale(int64_t x) { return x * 10; }
