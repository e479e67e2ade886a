#include "driver/frontend.hpp"

#include "codegen/emit_cpp.hpp"
#include "codegen/function_calls.hpp"
#include "driver/toolchain.hpp"
#include "sema/check.hpp"
#include "syntax/parse.hpp"

namespace streamc::driver {

const std::vector<std::string>& pass_names() {
  static const std::vector<std::string> names = {"parse", "check", "plan", "codegen"};
  return names;
}

namespace {
std::string dump_checked(const sema::CheckedProgram& p) {
  std::string out;
  for (const auto& param : p.params) out += "param " + param.name + ": " + sema::to_string(param.type) + " = " + param.default_text + "\n";
  out += "batch " + std::to_string(p.batch_us) + "us, threads " + std::to_string(p.threads) + "\n";
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    const auto& n = p.nodes[i];
    out += "#" + std::to_string(i) + " " + sema::op_name(n.op);
    if (!n.inputs.empty()) {
      out += "(";
      for (size_t k = 0; k < n.inputs.size(); ++k) out += (k ? ", #" : "#") + std::to_string(n.inputs[k]);
      out += ")";
    }
    out += " : " + sema::to_string(n.type);
    if (!n.stream_name.empty()) out += "  [" + n.stream_name + "]";
    out += "\n";
  }
  for (const auto& s : p.sinks) out += "sink " + s.stream + " <- #" + std::to_string(s.node) + "\n";
  return out;
}
}  // namespace

import::ImportSettings default_import_settings() {
  import::ImportSettings settings;
  Toolchain tc;
  std::string error;
  if (find_toolchain("streamc", tc, error)) {
    settings.include_dirs = tc.include_dirs;
    settings.cache_dir = tc.cache_dir;
  }
  return settings;
}

bool run_passes(const SourceFile& file, Diagnostics& diags, Compilation& out, const std::string& last,
                const std::string& dump_after, std::string* dump, const import::ImportSettings* imports) {
  out.ast = parse_program(file, diags);
  if (!out.ast || diags.has_errors()) return false;
  if (dump && dump_after == "parse") *dump += ast::dump(*out.ast);
  if (last == "parse") return true;

  std::vector<sema::FunctionRef> imported;
  bool has_imports = false;
  for (const auto& d : out.ast->decls) has_imports |= d.kind == ast::DeclKind::Import;
  if (has_imports) {  // Clang is only started for programs that import something
    import::ImportSettings defaults = imports ? import::ImportSettings{} : default_import_settings();
    imported = import::resolve_imports(*out.ast, file, imports ? *imports : defaults, diags, &out.imports);
    if (diags.has_errors()) return false;  // calls of a header that failed would only add noise
  }
  out.checked = sema::check_program(*out.ast, file, diags, imported);
  if (!out.checked) return false;
  if (dump && dump_after == "check") *dump += dump_checked(*out.checked);
  if (last == "check") return true;

  out.plan = plan::make_plan(*out.checked);
  if (dump && dump_after == "plan") *dump += plan::dump(*out.plan);
  if (last == "plan") return true;

  codegen::EmitOptions emit;
  if (out.debug) emit.line_directives_for = &file;
  out.cpp = codegen::emit_cpp(*out.plan, emit);
  out.link_args = codegen::function_link_args(*out.checked);
  for (auto& arg : codegen::runtime_build_args(*out.plan)) out.link_args.push_back(std::move(arg));
  if (dump && dump_after == "codegen") *dump += out.cpp;
  return true;
}

}  // namespace streamc::driver
