// The front end's import step: for each `import "path"` of a program, find
// the header (beside the .sdl, then in the -I directories), read its
// STREAMC_UDF functions (import_header, or the cache), and report problems
// as diagnostics at the import's path string with a note at the C++
// declaration. The checker then sees only the resulting signatures.
#pragma once

#include <string>
#include <vector>

#include "diag/diagnostics.hpp"
#include "sema/function.hpp"
#include "syntax/ast.hpp"

namespace streamc::import {

struct ImportSettings {
  std::vector<std::string> include_dirs;  // the runtime and stdlib headers, then the user's -I
  std::vector<std::string> user_include_dirs;  // -I: also searched for the imported header itself
  std::string cache_dir;                  // where parsed signatures are kept; empty: no cache
};

struct ImportStats {
  int headers = 0;  // imported headers
  int parsed = 0;   // of which read with Clang (the others came from the cache)
};

// The functions of every import (empty if there are none: Clang is not
// touched then). Errors go to `diags`.
std::vector<sema::FunctionRef> resolve_imports(const ast::Program& program, const SourceFile& file,
                                               const ImportSettings& settings, Diagnostics& diags,
                                               ImportStats* stats = nullptr);

}  // namespace streamc::import
