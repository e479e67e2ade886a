#pragma once
#include <streamc/udf.hpp>

// Plain structs import (see tests/golden/udf_structs); a class with private
// state does not: SDL cannot see its fields.
class Account {
 public:
  double balance() const { return cents_ / 100.0; }

 private:
  long long cents_ = 0;
};

STREAMC_UDF inline double balance(const Account& a) { return a.balance(); }
