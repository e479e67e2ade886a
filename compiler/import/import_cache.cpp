#include "import/import_cache.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/hash.hpp"
#include "sema/signature_text.hpp"

namespace fs = std::filesystem;

namespace streamc::import {

namespace {

const char* kMagic = "streamc-import 2";

bool read_file(const fs::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// The entry's file: keyed by everything that decides the result except the
// included files, which the entry lists with their hashes.
std::optional<fs::path> entry_path(const std::string& cache_dir, const std::string& header, const ImportOptions& options) {
  std::string content;
  if (cache_dir.empty() || !read_file(header, content)) return std::nullopt;
  std::error_code ec;
  std::string key = std::string(kMagic) + "\n" + STREAMC_VERSION + "\n" + fs::weakly_canonical(header, ec).string() + "\n" +
                    options.display_base + "\n" + (options.allow_overloads ? "1" : "0") + "\n";
  for (const auto& d : options.include_dirs) key += "-I" + d + "\n";
  key += content_hash(content);
  return fs::path(cache_dir) / "imports" / (content_hash(key) + ".txt");
}

}  // namespace

std::string content_hash(std::string_view data) { return rt::hash_hex(data); }

std::string header_content_hash(const std::string& header, const std::vector<std::string>& includes) {
  std::string contents, text;
  if (read_file(header, text)) contents = std::move(text);
  for (const auto& inc : includes) {
    text.clear();
    read_file(inc, text);
    contents += "\n" + inc + "\n" + text;
  }
  return content_hash(contents);
}

std::optional<std::vector<sema::Function>> cache_load(const std::string& cache_dir, const std::string& header,
                                                      const ImportOptions& options) {
  auto path = entry_path(cache_dir, header, options);
  std::string text;
  if (!path || !read_file(*path, text)) return std::nullopt;
  // Header line, then "dep <hash> <path>" lines, then the signatures.
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kMagic) return std::nullopt;
  size_t signatures_at = line.size() + 1;
  while (std::getline(in, line) && line.rfind("dep\t", 0) == 0) {
    size_t tab = line.find('\t', 4);
    if (tab == std::string::npos) return std::nullopt;
    std::string content;
    if (!read_file(line.substr(tab + 1), content) || content_hash(content) != line.substr(4, tab - 4)) return std::nullopt;
    signatures_at += line.size() + 1;
  }
  std::vector<sema::Function> functions;
  std::string error;
  if (!sema::read_functions(std::string_view(text).substr(std::min(signatures_at, text.size())), functions, error))
    return std::nullopt;
  return functions;
}

void cache_store(const std::string& cache_dir, const std::string& header, const ImportOptions& options,
                 const ImportResult& result) {
  if (!result.errors.empty()) return;
  auto path = entry_path(cache_dir, header, options);
  if (!path) return;
  std::string text = std::string(kMagic) + "\n";
  for (const auto& dep : result.dependencies) {
    std::string content;
    if (!read_file(dep, content)) return;
    text += "dep\t" + content_hash(content) + "\t" + dep + "\n";
  }
  text += sema::write_functions(result.functions);
  std::error_code ec;
  fs::create_directories(path->parent_path(), ec);
  // Written to a temporary name and renamed, so a concurrent streamc never reads half an entry.
  fs::path tmp = fs::path(*path).concat(".tmp." + std::to_string(getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) {
      fs::remove(tmp, ec);
      return;
    }
  }
  fs::rename(tmp, *path, ec);
  if (ec) fs::remove(tmp, ec);
}

}  // namespace streamc::import
