#include "import/resolve_imports.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "import/import_cache.hpp"
#include "import/import_header.hpp"
#include "sema/builtins.hpp"

namespace fs = std::filesystem;

namespace streamc::import {

namespace {

std::string q(std::string_view s) { return "'" + std::string(s) + "'"; }

// Line `line` (1-based) of a file, for a note that shows the C++ source.
std::string line_of(const fs::path& path, unsigned line) {
  std::ifstream in(path);
  std::string text;
  for (unsigned i = 0; i < line && std::getline(in, text); ++i) {
  }
  if (!in && !in.eof()) return {};
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

// A located note at "file:line:col" (as displayed, relative to `base`).
Diagnostic::Note cxx_note(const std::string& where_file, unsigned line, unsigned column, const std::string& base,
                          SourceRange at, std::string message) {
  Diagnostic::Note note{at, std::move(message)};
  fs::path p = fs::path(where_file).is_absolute() ? fs::path(where_file) : fs::path(base) / where_file;
  note.other = Diagnostic::OtherFile{where_file, line, column, line_of(p, line)};
  return note;
}

// Splits "path:line:col".
bool split_location(const std::string& where, std::string& file, unsigned& line, unsigned& col) {
  size_t c2 = where.rfind(':');
  if (c2 == std::string::npos || c2 == 0) return false;
  size_t c1 = where.rfind(':', c2 - 1);
  if (c1 == std::string::npos) return false;
  file = where.substr(0, c1);
  line = static_cast<unsigned>(std::stoul(where.substr(c1 + 1, c2 - c1 - 1)));
  col = static_cast<unsigned>(std::stoul(where.substr(c2 + 1)));
  return true;
}

}  // namespace

std::vector<sema::FunctionRef> resolve_imports(const ast::Program& program, const SourceFile& file,
                                               const ImportSettings& settings, Diagnostics& diags, ImportStats* stats) {
  std::vector<sema::FunctionRef> out;
  std::error_code ec;
  fs::path parent = fs::path(file.path()).parent_path();
  fs::path sdl_dir = fs::absolute(parent.empty() ? fs::path(".") : parent, ec);
  std::string base = fs::weakly_canonical(sdl_dir, ec).string();
  std::set<std::string> imported_headers;
  std::map<std::string, sema::FunctionRef> by_name;  // across headers
  for (const auto& d : program.decls) {
    if (d.kind != ast::DeclKind::Import) continue;
    SourceRange at = d.path_range;
    // Beside the .sdl first, then the -I directories.
    std::vector<fs::path> candidates;
    if (fs::path(d.path).is_absolute()) {
      candidates.push_back(d.path);
    } else {
      candidates.push_back(sdl_dir / d.path);
      for (const auto& dir : settings.user_include_dirs) candidates.push_back(fs::absolute(dir, ec) / d.path);
    }
    fs::path found;
    for (const auto& c : candidates)
      if (fs::is_regular_file(c, ec)) {
        found = fs::weakly_canonical(c, ec);
        break;
      }
    if (found.empty()) {
      std::string looked = fs::path(d.path).is_absolute() ? "" : " (looked beside " + file.path() +
                                                                   (settings.user_include_dirs.empty() ? "" : " and in the -I directories") + ")";
      diags.error(at, "cannot find the C++ header " + q(d.path) + looked);
      continue;
    }
    if (!imported_headers.insert(found.string()).second) {
      diags.warning(at, q(d.path) + " is imported twice; the second import has no effect");
      continue;
    }
    if (stats) ++stats->headers;

    ImportOptions options;
    options.include_dirs = settings.include_dirs;
    options.display_base = base;
    std::vector<sema::Function> functions;
    if (auto cached = cache_load(settings.cache_dir, found.string(), options)) {
      functions = std::move(*cached);
    } else {
      if (stats) ++stats->parsed;
      ImportResult r = import_header(found.string(), options);
      if (!r.errors.empty()) {
        const ImportError& e = r.errors[0];
        if (e.file.empty()) {
          diags.error(at, "cannot import " + q(d.path) + ": " + e.message);
        } else {
          auto& err = diags.error(at, "cannot import " + q(d.path) + ": " + e.where() + ": " + e.message);
          err.notes.push_back(cxx_note(e.file, e.line, e.column, base, at, e.note));
        }
        continue;
      }
      cache_store(settings.cache_dir, found.string(), options, r);
      functions = std::move(r.functions);
    }
    if (functions.empty()) {
      diags.warning(at, q(d.path) + " declares no STREAMC_UDF function (mark functions with STREAMC_UDF from <streamc/udf.hpp>)");
      continue;
    }
    // Every function of a header has the header's includes.
    std::string header_hash = header_content_hash(found.string(), functions.front().includes);
    for (auto& f : functions) {
      f.content_hash = header_hash;
      std::string where_file;
      unsigned line = 0, col = 0;
      bool located = split_location(f.declared_at, where_file, line, col);
      auto clash = [&](const std::string& message) {
        auto& err = diags.error(at, message);
        if (located) err.notes.push_back(cxx_note(where_file, line, col, base, at, q(f.name) + " is declared here"));
      };
      if (!sema::builtin_overloads(f.name).empty()) {
        clash("cannot import " + q(d.path) + ": " + f.declared_at + ": " + q(f.name) +
              " has the name of a built-in function; give the C++ function another name");
        continue;
      }
      auto [it, inserted] = by_name.emplace(f.name, nullptr);
      if (!inserted) {
        clash("cannot import " + q(d.path) + ": " + f.declared_at + ": " + q(f.name) + " is also imported from " +
              it->second->declared_at + "; imported functions are called by their plain name, so names must differ");
        continue;
      }
      it->second = std::make_shared<const sema::Function>(std::move(f));
      out.push_back(it->second);
    }
  }
  return out;
}

}  // namespace streamc::import
