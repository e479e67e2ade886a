#pragma once
#include <streamc/udf.hpp>

#include <cstdint>

/// Twice x.
STREAMC_UDF inline int64_t twice(int x) { return 2 * x; }
