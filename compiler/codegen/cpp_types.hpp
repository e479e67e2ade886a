// SDL types to C++ types. Record types become structs (a schema `Bus` is
// `S_Bus`, an anonymous record `R3`) with the two members the runtime's
// formatters and sinks use: `for_each_field` and `field_names`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sema/types.hpp"

namespace streamc::codegen {

class CppTypes {
 public:
  // The C++ spelling of `t`, registering its record structs on the way.
  std::string of(const sema::TypeRef& t);
  // Struct definitions for every registered record, nested ones first.
  std::string declarations() const { return declarations_; }

 private:
  std::string record(const sema::TypeRef& t);
  std::map<std::string, std::string> records_;  // structural key -> struct name
  std::string declarations_;
  int counter_ = 0;
};

// The C++ member name of an SDL field (never a C++ keyword).
inline std::string member(const std::string& field) { return "f_" + field; }

}  // namespace streamc::codegen
