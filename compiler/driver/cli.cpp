#include "driver/cli.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <streamc/runtime/committed_output.hpp>
#include "codegen/emit_cpp.hpp"
#include "driver/frontend.hpp"
#include "sema/infer_schema.hpp"
#include "driver/toolchain.hpp"
#include "sema/builtins.hpp"
#include "sema/registry.hpp"

namespace streamc::driver {

namespace {

const char* kUsage = R"(usage: streamc FILE.sdl [-o OUTPUT] [--emit-cpp FILE] [--debug] [--dump-after=PASS]
       streamc check FILE.sdl [-I DIR] [--diagnostics-format=text|json]
       streamc lsp
       streamc read DIR
       streamc graph FILE.sdl [-o OUTPUT] [--format dot|svg]
       streamc --list-functions | --list-connectors | --help | --version

Compiles an SDL pipeline into one native binary (default output: the file's
name without .sdl, in the current directory). The C++ compiler is $CXX
(default c++); builds are cached by content in $STREAMC_CACHE_DIR
(default ~/.cache/streamc).

options:
  -o OUTPUT                 where to write the binary
  --emit-cpp FILE           also write the generated C++ to FILE
  --debug                   build for a debugger: -O0 -g, the C++ compiler's warnings on,
                            and #line directives so stacks name the .sdl's lines
  --dump-after=PASS         print what PASS produced (parse, check, plan, codegen) and stop
  --diagnostics-format=F    text (default) or json: one JSON object per line
  --print-schemas           with check: print every schema, inferred ones included, as SDL
  -I DIR                    where `import "…"` headers are looked for (after the .sdl's
                            directory); also passed to the C++ compiler
  --link FILE               C++ that implements imported functions: a .cpp/.cc/.cxx source,
                            a .o or a .a (repeatable)
  -L DIR, -lNAME            libraries for the C++ compiler's link step
  --list-functions          the built-in functions with their signatures
  --list-connectors         the connectors and their options, as markdown
  -h, --help                this text
  --version                 the version

`streamc read DIR` prints the committed rows of a files sink's output
directory as JSON lines: only parts its manifest (DIR/_streamc) names, the
latest batch's alone in complete mode.

`streamc graph FILE.sdl -o FILE.svg` draws the checked plan (sources, fused
stages with the operators each runs, state, sinks, types on the edges) with
Graphviz's dot; `--format dot` (or an OUTPUT ending in .dot) writes the DOT.

exit status: 0 success, 1 errors in the program, 2 bad usage, 3 internal error
)";

int usage_error(const std::string& msg) {
  std::cerr << "streamc: error: " << msg << "\n(see streamc --help)\n";
  return 2;
}

struct Args {
  std::string command;  // "", "check", "lsp"
  std::string input;
  std::string output;
  std::string emit_cpp;
  bool debug = false;
  std::string dump_after;
  bool json_diagnostics = false;
  bool print_schemas = false;
  std::vector<std::string> include_dirs;  // -I
  std::vector<std::string> link_args;     // --link files, -L, -l, in order
};

// -I DIR / -IDIR, -L DIR / -LDIR, -lNAME / -l NAME, --link FILE. Returns
// false if `args[i]` is none of them; sets `status` on a usage error.
bool parse_build_flag(const std::vector<std::string>& args, size_t& i, Args& a, int& status) {
  const std::string& s = args[i];
  std::string value;
  std::string flag;
  for (const char* f : {"-I", "-L", "-l", "--link"}) {
    std::string fs = f;
    if (s == fs || s.rfind(fs + "=", 0) == 0 || (fs.size() == 2 && s.rfind(fs, 0) == 0 && s.size() > 2)) {
      flag = fs;
      break;
    }
  }
  if (flag.empty()) return false;
  if (s == flag) {
    if (i + 1 >= args.size()) {
      status = usage_error(flag + " needs a value");
      return true;
    }
    value = args[++i];
  } else {
    value = s.substr(flag.size() + (s[flag.size()] == '=' ? 1 : 0));
  }
  std::error_code ec;
  if (flag == "-I") {
    a.include_dirs.push_back(std::filesystem::absolute(value, ec).string());
  } else if (flag == "-L") {
    a.link_args.push_back("-L" + std::filesystem::absolute(value, ec).string());
  } else if (flag == "-l") {
    a.link_args.push_back("-l" + value);
  } else {
    std::string ext = std::filesystem::path(value).extension().string();
    if (ext != ".cpp" && ext != ".cc" && ext != ".cxx" && ext != ".o" && ext != ".a") {
      status = usage_error("--link takes a C++ source (.cpp, .cc, .cxx), an object (.o) or an archive (.a), not '" + value + "'");
    } else if (!std::filesystem::is_regular_file(value, ec)) {
      status = usage_error("--link: cannot find '" + value + "'");
    } else {
      a.link_args.push_back(std::filesystem::absolute(value, ec).string());
    }
  }
  return true;
}

bool parse_args(int argc, char** argv, Args& a, int& status) {
  std::vector<std::string> args(argv + 1, argv + argc);
  size_t i = 0;
  if (!args.empty() && (args[0] == "check" || args[0] == "lsp")) a.command = args[i++];
  for (; i < args.size(); ++i) {
    const std::string& s = args[i];
    auto value = [&](const std::string& flag, std::string& into) {
      if (s == flag) {
        if (i + 1 >= args.size()) {
          status = usage_error(flag + " needs a value");
          return false;
        }
        into = args[++i];
        return true;
      }
      if (s.rfind(flag + "=", 0) == 0) {
        into = s.substr(flag.size() + 1);
        return true;
      }
      return false;
    };
    std::string fmt;
    if (s == "-h" || s == "--help") {
      std::cout << kUsage;
      status = 0;
      return false;
    } else if (s == "--version") {
      std::cout << "streamc " << STREAMC_VERSION << "\n";
      status = 0;
      return false;
    } else if (s == "--print-schemas") {
      a.print_schemas = true;
    } else if (s == "--debug") {
      a.debug = true;
    } else if (s == "--list-functions") {
      // Every built-in function, read from stdlib/'s STREAMC_UDF headers when streamc was built.
      for (const auto& b : sema::builtins())
        std::cout << sema::sdl_signature(*b) << "\n    " << b->doc << "\n    (" << b->declared_at << ")\n";
      // format is variadic: a template in stdlib/streamc/stdlib/strings.hpp.
      const sema::Function& f = sema::format_function();
      std::cout << "format(string, …) -> string\n    " << f.doc << "\n    (" << f.declared_at << ")\n";
      status = 0;
      return false;
    } else if (s == "--list-connectors") {
      // The connector registry (sema/registry.hpp): docs/connectors.md is this text.
      for (const auto& c : sema::connectors()) {
        std::cout << "### " << c.name << "\n\n" << c.usage << ": " << c.doc << "\n";
        for (sema::ConnectorRole role : {sema::kSourceRole, sema::kTableRole, sema::kSinkRole}) {
          if (!(c.roles & role)) continue;
          auto options = sema::connector_options(c, role);
          std::cout << "\nAs a " << sema::role_word(role) << (options.empty() ? ": no options.\n" : ":\n\n");
          if (options.empty()) continue;
          std::cout << "| option | |\n| --- | --- |\n";
          for (const sema::ConnectorOption* o : options) {
            std::string usage(o->usage), doc(o->doc);
            for (std::string* cell : {&usage, &doc})
              for (size_t at = 0; (at = cell->find('|', at)) != std::string::npos; at += 2) cell->insert(at, "\\");
            std::cout << "| " << usage << " | " << doc << " |\n";
          }
        }
        std::cout << "\n";
      }
      status = 0;
      return false;
    } else if (parse_build_flag(args, i, a, status)) {
      if (status >= 0) return false;
    } else if (value("-o", a.output) || value("--emit-cpp", a.emit_cpp) || value("--dump-after", a.dump_after)) {
      if (status >= 0) return false;
    } else if (value("--diagnostics-format", fmt)) {
      if (status >= 0) return false;
      if (fmt == "json") a.json_diagnostics = true;
      else if (fmt != "text") {
        status = usage_error("--diagnostics-format is text or json");
        return false;
      }
    } else if (!s.empty() && s[0] == '-' && s != "-") {
      status = usage_error("unknown option '" + s + "'");
      return false;
    } else if (a.input.empty()) {
      a.input = s;
    } else {
      status = usage_error("more than one input file ('" + a.input + "' and '" + s + "')");
      return false;
    }
  }
  if (a.command == "lsp") return true;
  if (a.input.empty()) {
    status = usage_error("no input file");
    return false;
  }
  if (!a.dump_after.empty()) {
    bool known = false;
    for (const auto& p : pass_names()) known |= p == a.dump_after;
    if (!known) {
      status = usage_error("unknown pass '" + a.dump_after + "'; passes are parse, check, plan, codegen");
      return false;
    }
  }
  return true;
}

void report(const Diagnostics& diags, bool json) {
  if (json)
    diags.render_json(std::cout);
  else
    diags.render(std::cerr, isatty(2) && std::getenv("NO_COLOR") == nullptr);
}

}  // namespace

int run_lsp_main();  // lsp/lsp_main.cpp
int run_graph(int argc, char** argv);  // driver/graph_command.cpp

// `streamc read DIR`: what a files sink committed, as JSON lines.
int run_read(int argc, char** argv) {
  if (argc != 3) return usage_error("read takes one output directory: streamc read DIR");
  try {
    std::cout << rt::read_committed_output(argv[2]);
    std::cout.flush();
  } catch (const std::exception& e) {
    std::cerr << "streamc: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

int run_cli(int argc, char** argv) {
  if (argc >= 2 && std::string_view(argv[1]) == "read") return run_read(argc, argv);
  if (argc >= 2 && std::string_view(argv[1]) == "graph") return run_graph(argc, argv);
  Args a;
  int status = -1;
  if (!parse_args(argc, argv, a, status)) return status;
  if (a.command == "lsp") return run_lsp_main();

  SourceFile file("", "");
  std::string err;
  if (!SourceFile::read(a.input, file, err)) {
    std::cerr << "streamc: error: " << err << "\n";
    return 1;
  }
  Diagnostics diags(file);
  Compilation comp;
  comp.debug = a.debug;
  std::string dump;
  std::string last = a.command == "check" ? "check" : a.dump_after.empty() ? "codegen" : a.dump_after;
  import::ImportSettings imports = default_import_settings();
  imports.include_dirs.insert(imports.include_dirs.end(), a.include_dirs.begin(), a.include_dirs.end());
  imports.user_include_dirs = a.include_dirs;
  bool ok = run_passes(file, diags, comp, last, a.dump_after, &dump, &imports);
  report(diags, a.json_diagnostics);
  if (!ok) return 1;
  if (!a.dump_after.empty()) {
    std::cout << dump;
    return 0;
  }
  if (a.command == "check") {
    if (a.print_schemas)
      for (const auto& [name, type] : comp.checked->schemas) std::cout << sema::print_schema(name, type);
    return 0;
  }

  if (!a.emit_cpp.empty()) {
    std::ofstream out(a.emit_cpp, std::ios::binary | std::ios::trunc);
    out << codegen::place_line_directives(comp.cpp, std::filesystem::absolute(a.emit_cpp).string());
    if (!out) {
      std::cerr << "streamc: error: cannot write '" << a.emit_cpp << "'\n";
      return 1;
    }
  }
  std::string output = a.output.empty() ? std::filesystem::path(a.input).stem().string() : a.output;
  Toolchain tc;
  if (!find_toolchain(argv[0], tc, err)) {
    std::cerr << "streamc: error: " << err << "\n";
    return 3;
  }
  tc.debug = a.debug;
  for (const auto& d : a.include_dirs) tc.user_args.push_back("-I" + d);
  tc.user_args.insert(tc.user_args.end(), a.link_args.begin(), a.link_args.end());
  tc.user_args.insert(tc.user_args.end(), comp.link_args.begin(), comp.link_args.end());
  std::string kept, log;
  switch (build_binary(tc, comp.cpp, output, kept, log)) {
    case BuildResult::Built:
      if (!log.empty())
        std::cerr << "streamc: note: the C++ compiler warned about the generated code (--debug): " << log << "\n"
                  << "  the generated code: " << (std::filesystem::path(log).parent_path() / "program.cpp").string() << "\n";
      return 0;
    case BuildResult::Cached: return 0;
    case BuildResult::IoError: std::cerr << "streamc: error: " << log << "\n"; return 1;
    case BuildResult::CompilerFailed:
      if (!comp.checked->imported.empty()) {
        std::cerr << "streamc: error: the C++ build of '" << a.input << "' failed; it includes imported headers"
                  << (a.link_args.empty() ? "" : " and links your C++") << ", so look for your files in\n"
                  << "  the C++ compiler's messages: " << log << "\n"
                  << "  the generated code: " << kept << "\n";
        return 1;
      }
      std::cerr << "streamc: internal error: the C++ generated for '" << a.input
                << "' did not compile. This is a bug in streamc, not in your program; please report it with\n"
                << "  the generated code: " << kept << "\n"
                << "  the C++ compiler's messages: " << log << "\n";
      return 3;
  }
  return 3;
}

}  // namespace streamc::driver
