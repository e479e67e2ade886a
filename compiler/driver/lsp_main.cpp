// `streamc lsp`: the language server over stdio, fed by the real front end
// (parser and checker) on the editor's in-memory text.
#include <iostream>

#include "driver/frontend.hpp"
#include "lsp/lsp_server.hpp"

namespace streamc::driver {

namespace {

std::vector<Diagnostic> analyze(const SourceFile& file) {
  Diagnostics diags(file);
  Compilation comp;
  run_passes(file, diags, comp, "check");
  return diags.all();
}

// The innermost expression around `offset` that has a type.
const ast::Expr* innermost(const sema::CheckedProgram& p, uint32_t offset) {
  const ast::Expr* best = nullptr;
  for (const auto& [e, t] : p.expr_types) {
    if (e->range.begin <= offset && offset < e->range.end && !t->is_error()) {
      if (!best || (e->range.end - e->range.begin) < (best->range.end - best->range.begin)) best = e;
    }
  }
  return best;
}

std::optional<std::string> hover(const SourceFile& file, uint32_t offset) {
  Diagnostics diags(file);
  Compilation comp;
  if (!run_passes(file, diags, comp, "check") || !comp.checked) return std::nullopt;
  const auto& p = *comp.checked;
  // A stream's name, where it is declared or used as a sink's input.
  for (const auto& d : comp.ast->decls) {
    if (d.name.range.begin <= offset && offset < d.name.range.end) {
      for (const auto& n : p.nodes)
        if (n.stream_name == d.name.name) return "`" + d.name.name + "`: stream of `" + sema::to_string(n.type) + "`";
      for (const auto& param : p.params)
        if (param.name == d.name.name) return "`" + param.name + "`: param `" + sema::to_string(param.type) + "`";
    }
  }
  if (const ast::Expr* e = innermost(p, offset))
    return "`" + std::string(file.slice(e->range)) + "`: `" + sema::to_string(p.type_of(*e)) + "`";
  return std::nullopt;
}

}  // namespace

int run_lsp_main() {
  std::ios::sync_with_stdio(false);
  return lsp::run_lsp(std::cin, std::cout, analyze, hover);
}

}  // namespace streamc::driver
