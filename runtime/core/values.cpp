#include "streamc/runtime/values.hpp"

#include <cmath>

namespace streamc::rt {

// IEEE remainder with the sign of the dividend, like Spark's `%` on doubles.
double mod(double a, double b) { return std::fmod(a, b); }

}  // namespace streamc::rt
