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

// Names the checker knows but this version cannot compile yet (operators,
// aggregates, connectors of later milestones), for "not supported yet".
bool is_future_operator(std::string_view name);
bool is_future_function(std::string_view name);
// All operator names (for "did you mean" and completion).
const std::vector<std::string>& operator_names();

}  // namespace streamc::sema
