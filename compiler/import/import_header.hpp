// Reads the STREAMC_UDF functions of one C++ header with Clang libTooling:
// the only file of streamc that sees Clang. It returns signatures mapped to
// SDL types, or errors that name the C++ declaration (file:line:col); it
// knows nothing of SDL programs, diagnostics or caching (resolve_imports.cpp
// puts those around it).
#pragma once

#include <string>
#include <vector>

#include "sema/function.hpp"

namespace streamc::import {

struct ImportOptions {
  std::vector<std::string> include_dirs;  // -I for the parse (the header's own directory is searched first)
  bool allow_overloads = false;           // stdlib/: to_string(int) and to_string(float) are one SDL function
  // Locations are shown relative to this directory when they are inside it
  // (the .sdl's directory, so messages say udf/geo.hpp:3:8).
  std::string display_base;
};

// A problem with the header. `file` is empty when it has no C++ location
// (the header is missing); otherwise line/column are 1-based.
struct ImportError {
  std::string message;
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
  std::string note = "the C++ declaration is here";  // what the location shows
  std::string where() const;  // "udf/geo.hpp:3:8" or ""
};

struct ImportResult {
  std::vector<sema::Function> functions;  // in declaration order
  std::vector<ImportError> errors;        // empty on success
  // Every file the parse read that is not a system header (the header
  // itself, what it includes from the include dirs): the cache checks them.
  std::vector<std::string> dependencies;
};

// Parses `header` (an existing path) as C++20. `header` in the functions is
// set to its absolute path.
ImportResult import_header(const std::string& header, const ImportOptions& options);

// Where Clang's own headers (stddef.h, …) are; set at build time.
const char* clang_resource_dir();

}  // namespace streamc::import
