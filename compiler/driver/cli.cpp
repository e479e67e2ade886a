#include "driver/cli.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "driver/frontend.hpp"
#include "driver/toolchain.hpp"
#include "sema/builtins.hpp"

namespace streamc::driver {

namespace {

const char* kUsage = R"(usage: streamc FILE.sdl [-o OUTPUT] [--emit-cpp FILE] [--dump-after=PASS]
       streamc check FILE.sdl [--diagnostics-format=text|json]
       streamc lsp
       streamc --list-functions | --help | --version

Compiles an SDL pipeline into one native binary (default output: the file's
name without .sdl, in the current directory). The C++ compiler is $CXX
(default c++); builds are cached by content in $STREAMC_CACHE_DIR
(default ~/.cache/streamc).

options:
  -o OUTPUT                 where to write the binary
  --emit-cpp FILE           also write the generated C++ to FILE
  --dump-after=PASS         print what PASS produced (parse, check, plan, codegen) and stop
  --diagnostics-format=F    text (default) or json: one JSON object per line
  --list-functions          the built-in functions with their signatures
  -h, --help                this text
  --version                 the version

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
  std::string dump_after;
  bool json_diagnostics = false;
};

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
    } else if (s == "--list-functions") {
      for (const auto& b : sema::builtins()) {
        std::string sig = b.name + "(";
        for (size_t k = 0; k < b.params.size(); ++k) sig += (k ? ", " : "") + sema::to_string(b.params[k]);
        sig += ") -> " + sema::to_string(b.result);
        std::cout << sig << "\n    " << b.doc << "\n";
      }
      status = 0;
      return false;
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

int run_cli(int argc, char** argv) {
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
  std::string dump;
  std::string last = a.command == "check" ? "check" : a.dump_after.empty() ? "codegen" : a.dump_after;
  bool ok = run_passes(file, diags, comp, last, a.dump_after, &dump);
  report(diags, a.json_diagnostics);
  if (!ok) return 1;
  if (!a.dump_after.empty()) {
    std::cout << dump;
    return 0;
  }
  if (a.command == "check") return 0;

  if (!a.emit_cpp.empty()) {
    std::ofstream out(a.emit_cpp, std::ios::binary | std::ios::trunc);
    out << comp.cpp;
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
  std::string kept, log;
  switch (build_binary(tc, comp.cpp, output, kept, log)) {
    case BuildResult::Built:
    case BuildResult::Cached: return 0;
    case BuildResult::IoError: std::cerr << "streamc: error: " << log << "\n"; return 1;
    case BuildResult::CompilerFailed:
      std::cerr << "streamc: internal error: the C++ generated for '" << a.input
                << "' did not compile. This is a bug in streamc, not in your program; please report it with\n"
                << "  the generated code: " << kept << "\n"
                << "  the C++ compiler's messages: " << log << "\n";
      return 3;
  }
  return 3;
}

}  // namespace streamc::driver
