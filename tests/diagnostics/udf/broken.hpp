#pragma once
#include <streamc/udf.hpp>

#include <cstdint>

STREAMC_UDF inline int64_t inc(int64_t x) { return x + 1 }
