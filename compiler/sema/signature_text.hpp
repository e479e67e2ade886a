// Function signatures as text: one line per function, parameter and linker
// argument, tab-separated. The import cache stores this, and the build turns
// stdlib/'s headers into it once (compiled into streamc as the built-in
// function table), so reading signatures back never needs Clang.
//
//   function <name> <c++ name> <header> <declared at> <context 0|1> <result|void> <result c++> <c++ signature> <doc>
//   param <name> <sdl type> <c++ type>
//   link <linker argument>
//   struct <c++ struct> <sdl record type>     (a plain struct the signature uses)
//   include <absolute path>                    (a file the header includes)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sema/function.hpp"

namespace streamc::sema {

std::string write_functions(const std::vector<sema::Function>& functions);
// False (with a reason) if the text is malformed.
bool read_functions(std::string_view text, std::vector<sema::Function>& out, std::string& error);

// The inverse of sema::to_string for the types functions use: bool int float
// string timestamp duration, [T], (A, B, …), T?. Returns nullptr if malformed.
sema::TypeRef parse_type(std::string_view text);

}  // namespace streamc::sema
