// The front end as one call: parse + check, for the CLI, `streamc check` and
// the language server. The list of passes is data so that
// `--dump-after=PASS` can print what any pass produced.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diag/diagnostics.hpp"
#include "import/resolve_imports.hpp"
#include "plan/plan.hpp"
#include "sema/program.hpp"
#include "syntax/ast.hpp"

namespace streamc::driver {

// Passes in order; `--dump-after=NAME` takes one of these names.
const std::vector<std::string>& pass_names();

struct Compilation {
  std::optional<ast::Program> ast;
  std::optional<sema::CheckedProgram> checked;
  std::optional<plan::Plan> plan;
  bool debug = false;  // in: --debug (#line directives in `cpp`)
  std::string cpp;
  std::vector<std::string> link_args;  // what the called functions' headers ask the linker for
  import::ImportStats imports;
};

// Where imports are read from when the caller gives nothing: the runtime and
// stdlib headers of the toolchain streamc finds, and its cache directory.
import::ImportSettings default_import_settings();

// Runs the passes up to and including `last` ("parse", "check", "plan",
// "codegen"); stops early on errors. If `dump_after` names a pass, its
// result is appended to `dump`. The program's imports are read (with
// `imports`, or default_import_settings()) between parse and check.
bool run_passes(const SourceFile& file, Diagnostics& diags, Compilation& out, const std::string& last,
                const std::string& dump_after = {}, std::string* dump = nullptr,
                const import::ImportSettings* imports = nullptr);

}  // namespace streamc::driver
