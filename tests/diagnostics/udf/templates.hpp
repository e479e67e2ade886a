#pragma once
#include <streamc/udf.hpp>

template <class T>
STREAMC_UDF T identity(T x) {
  return x;
}
