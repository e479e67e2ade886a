// `streamc graph FILE.sdl [-o OUTPUT] [--format dot|svg]`: the checked plan
// as a picture. DOT comes from plan/plan_to_dot; SVG is Graphviz's `dot`
// run on it. The format is --format, else OUTPUT's extension (.dot), else svg.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "driver/frontend.hpp"
#include "driver/toolchain.hpp"
#include "plan/plan_to_dot.hpp"

namespace streamc::driver {
namespace {

namespace fs = std::filesystem;

int graph_usage(const std::string& msg) {
  std::cerr << "streamc: error: " << msg << "\nusage: streamc graph FILE.sdl [-o OUTPUT] [--format dot|svg]\n";
  return 2;
}

bool write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

int run_graph(int argc, char** argv) {
  std::string input, output, format;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const std::string& flag, std::string& into) {
      if (a == flag && i + 1 < argc) {
        into = argv[++i];
        return true;
      }
      if (a.rfind(flag + "=", 0) == 0) {
        into = a.substr(flag.size() + 1);
        return true;
      }
      return false;
    };
    if (value("-o", output) || value("--format", format)) continue;
    if (a == "-o" || a == "--format") return graph_usage(a + " needs a value");
    if (!a.empty() && a[0] == '-') return graph_usage("unknown option '" + a + "'");
    if (!input.empty()) return graph_usage("one .sdl file at a time");
    input = a;
  }
  if (input.empty()) return graph_usage("no .sdl file given");
  if (format.empty()) format = fs::path(output).extension() == ".dot" ? "dot" : "svg";
  if (format != "dot" && format != "svg") return graph_usage("--format is dot or svg, not '" + format + "'");
  if (output.empty()) output = fs::path(input).stem().string() + "." + format;

  SourceFile file("", "");
  std::string err;
  if (!SourceFile::read(input, file, err)) {
    std::cerr << "streamc: error: " << err << "\n";
    return 1;
  }
  Diagnostics diags(file);
  Compilation comp;
  const bool ok = run_passes(file, diags, comp, "plan");
  diags.render(std::cerr, isatty(2) && std::getenv("NO_COLOR") == nullptr);
  if (!ok) return 1;
  const std::string dot = plan::plan_to_dot(*comp.plan);
  if (format == "dot") {
    if (!write_text(output, dot)) {
      std::cerr << "streamc: error: cannot write '" << output << "'\n";
      return 1;
    }
    return 0;
  }
  // dot reads the graph from a file beside the output and writes the SVG.
  const std::string dot_path = output + ".dot.tmp", log_path = output + ".log.tmp";
  if (!write_text(dot_path, dot)) {
    std::cerr << "streamc: error: cannot write '" << dot_path << "'\n";
    return 1;
  }
  const int status = run_command({"dot", "-Tsvg", "-o", output, dot_path}, log_path);
  std::ifstream log_in(log_path);
  std::string log((std::istreambuf_iterator<char>(log_in)), std::istreambuf_iterator<char>());
  fs::remove(dot_path);
  fs::remove(log_path);
  if (status == 127) {
    std::cerr << "streamc: error: cannot run Graphviz's 'dot' (Debian package graphviz); --format dot writes the "
                 "graph without it\n";
    return 1;
  }
  if (status != 0) {
    std::cerr << "streamc: error: Graphviz's dot failed (status " << status << "): " << log << "\n";
    return 1;
  }
  return 0;
}

}  // namespace streamc::driver
