#pragma once
#include <streamc/udf.hpp>

#include <string>
#include <string_view>

/// Lower case, differently.
STREAMC_UDF inline std::string lower(std::string_view s) { return std::string(s); }
