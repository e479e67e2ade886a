// Built-in SDL functions: name, signature, and the C++ function in stdlib/
// that implements it. (The libTooling importer will read these signatures
// straight from stdlib/'s STREAMC_UDF headers; until then this table mirrors
// stdlib/streamc/stdlib/strings.hpp.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sema/types.hpp"

namespace streamc::sema {

struct Builtin {
  std::string name;
  std::vector<TypeRef> params;
  TypeRef result;
  std::string cpp;            // qualified C++ name
  bool returns_std_string;    // C++ returns std::string: the caller keeps it in the batch arena
  std::string doc;
};

// Every overload of every built-in function.
const std::vector<Builtin>& builtins();
// Overloads named `name` (empty if none).
std::vector<const Builtin*> builtin_overloads(std::string_view name);

// Names the checker knows but this version cannot compile yet (operators,
// aggregates, connectors of later milestones), for "not supported yet".
bool is_future_operator(std::string_view name);
bool is_future_function(std::string_view name);
// All operator names (for "did you mean" and completion).
const std::vector<std::string>& operator_names();

}  // namespace streamc::sema
