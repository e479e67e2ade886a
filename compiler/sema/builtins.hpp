// Built-in SDL functions: the STREAMC_UDF functions of stdlib/'s headers,
// read by the importer when streamc is built (compiler/import/
// stdlib_gen_main.cpp) and compiled in as signature text, so that a compile
// never runs Clang for them. Also the names this version knows but cannot
// compile yet.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sema/function.hpp"

namespace streamc::sema {

// Every overload of every built-in function, in stdlib header order.
const std::vector<FunctionRef>& builtins();
// format(fmt, args…): variadic, checked by name (check_call.cpp).
const Function& format_function();
// Overloads named `name` (empty if none).
std::vector<FunctionRef> builtin_overloads(std::string_view name);

// The names of the operators applied with |> (sema/registry.hpp), for
// "did you mean".
const std::vector<std::string>& operator_names();

}  // namespace streamc::sema
