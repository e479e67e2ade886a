#include "checkpoint/output_manifest.hpp"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "checkpoint/checkpoint_file.hpp"
#include "io/framing.hpp"
#include "streamc/runtime/arena.hpp"
#include "streamc/runtime/csv.hpp"
#include "streamc/runtime/format.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FatalError("cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void append_part(std::string& out, const std::string& path, const std::string& format) {
  std::string text = slurp(path);
  std::vector<std::string_view> records;
  if (format == "json") {
    frame_json_lines(text, records);
    for (auto r : records) {
      out.append(r);
      out += '\n';
    }
  } else if (format == "csv") {
    frame_csv(strip_bom(text), ',', records);
    if (records.empty()) return;
    Arena arena;
    std::vector<std::string_view> header, fields;
    split_csv(records[0], ',', header, arena);
    for (size_t i = 1; i < records.size(); ++i) {
      fields.clear();
      split_csv(records[i], ',', fields, arena);
      out += '{';
      for (size_t f = 0; f < header.size(); ++f) {
        if (f) out += ',';
        append_json_string(out, header[f]);
        out += ':';
        if (f < fields.size()) append_json_string(out, fields[f]);
        else out += "null";
      }
      out += "}\n";
    }
  } else {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      append_json_string(out, std::string_view(text).substr(pos, nl - pos));
      out += '\n';
      pos = nl + 1;
    }
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

void write_manifest_entry(const std::string& dir, const ManifestEntry& e) {
  std::string text = "batch " + std::to_string(e.batch) + "\nquery " + e.query_id + "\nmode " +
                     (e.complete ? "complete" : "append") + "\nformat " + e.format + "\n";
  for (const auto& f : e.files) text += "file " + f + "\n";
  write_checkpoint_file(dir + "/" + kManifestDir, std::to_string(e.batch), "manifest", text);
}

ManifestEntry read_manifest_entry(const std::string& dir, int64_t batch) {
  const std::string path = dir + "/" + kManifestDir + "/" + std::to_string(batch);
  auto lines = lines_of(read_checkpoint_file(path, "manifest"));
  auto bad = [&](const std::string& why) { throw FatalError("checkpoint file '" + path + "' is damaged: " + why); };
  if (lines.size() < 4) bad("too short");
  ManifestEntry e;
  auto value = [&](size_t i, const char* key) {
    std::string k = std::string(key) + " ";
    if (lines[i].rfind(k, 0) != 0) bad("expected '" + std::string(key) + " …' on line " + std::to_string(i + 2));
    return lines[i].substr(k.size());
  };
  e.batch = std::atoll(value(0, "batch").c_str());
  if (e.batch != batch) bad("it names batch " + std::to_string(e.batch));
  e.query_id = value(1, "query");
  e.complete = value(2, "mode") == "complete";
  e.format = value(3, "format");
  for (size_t i = 4; i < lines.size(); ++i) e.files.push_back(value(i, "file"));
  return e;
}

std::string read_committed_output(const std::string& dir_in) {
  std::string dir = dir_in;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (!path_exists(dir)) throw FatalError("no output directory '" + dir + "'");
  std::string out;
  const std::string mdir = dir + "/" + kManifestDir;
  if (path_exists(mdir)) {
    std::vector<ManifestEntry> entries;
    for (int64_t b : numbered_files(mdir)) entries.push_back(read_manifest_entry(dir, b));
    if (!entries.empty() && entries.back().complete) entries.erase(entries.begin(), entries.end() - 1);
    for (const auto& e : entries)
      for (const auto& f : e.files) append_part(out, dir + "/" + f, e.format);
    return out;
  }
  // No manifest: every part file, in name (batch) order.
  std::vector<std::string> parts;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name.rfind("part-", 0) == 0) parts.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(parts.begin(), parts.end());
  for (const auto& p : parts) {
    std::string ext = p.substr(p.rfind('.') + 1);
    append_part(out, dir + "/" + p, ext == "json" ? "json" : ext == "csv" ? "csv" : "text");
  }
  return out;
}

}  // namespace streamc::rt
