#include "checkpoint/output_manifest.hpp"

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <functional>
#include <cstring>
#include <fstream>
#include <sstream>

#include "checkpoint/checkpoint_file.hpp"
#include "base/framing.hpp"
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

// Spark's partition discovery: the `k=v` directories of a part's path
// (relative to the output directory) as JSON members `,"k":v` to add to each
// of its rows: %XX unescaped, numbers as numbers, Hive's default partition
// as null, anything else a string.
std::string partition_members(std::string_view rel) {
  std::string members;
  size_t at = 0;
  for (size_t slash; (slash = rel.find('/', at)) != std::string_view::npos; at = slash + 1) {
    std::string_view dir = rel.substr(at, slash - at);
    size_t eq = dir.find('=');
    if (eq == std::string_view::npos) continue;
    auto unescape = [](std::string_view s) {
      std::string u;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
          u += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
          i += 2;
        } else {
          u += s[i];
        }
      }
      return u;
    };
    std::string key = unescape(dir.substr(0, eq)), value = unescape(dir.substr(eq + 1));
    members += ',';
    append_json_string(members, key);
    members += ':';
    if (value == "__HIVE_DEFAULT_PARTITION__") {
      members += "null";
    } else if (!value.empty() && value.find_first_not_of("-0123456789") == std::string::npos &&
               value.find('-', 1) == std::string::npos && value != "-") {
      members += value;
    } else {
      append_json_string(members, value);
    }
  }
  return members;
}

// One row (a JSON object) with the partition members added at its end.
void append_row(std::string& out, std::string_view object, std::string_view members) {
  if (members.empty() || object.empty() || object.back() != '}') {
    out.append(object);
  } else {
    object.remove_suffix(1);
    out.append(object);
    if (object.size() == 1) members.remove_prefix(1);  // "{}" had no member for the comma to follow
    out.append(members);
    out += '}';
  }
  out += '\n';
}

void append_part(std::string& out, const std::string& dir, const std::string& rel, std::string format) {
  const std::string path = dir + "/" + rel;
  std::string text = slurp(path);
  std::vector<std::string_view> records;
  const std::string members = partition_members(rel);
  if (!members.empty() && format == "text") format = "json";  // partitioned rows are records, written as JSON
  if (format == "json") {
    frame_json_lines(text, records);
    for (auto r : records) append_row(out, r, members);
  } else if (format == "csv") {
    frame_csv(strip_bom(text), ',', records);
    if (records.empty()) return;
    Arena arena;
    std::vector<std::string_view> header, fields;
    split_csv(records[0], ',', header, arena);
    for (size_t i = 1; i < records.size(); ++i) {
      fields.clear();
      split_csv(records[i], ',', fields, arena);
      std::string object = "{";
      for (size_t f = 0; f < header.size(); ++f) {
        if (f) object += ',';
        append_json_string(object, header[f]);
        object += ':';
        if (f < fields.size()) append_json_string(object, fields[f]);
        else object += "null";
      }
      object += '}';
      append_row(out, object, members);
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

std::string manifest_dir(const std::string& dir, const std::string& task) {
  return dir + "/" + kManifestDir + (task.empty() ? "" : "/" + task);
}

void write_manifest_entry(const std::string& dir, const ManifestEntry& e, const std::string& task) {
  std::string text = "batch " + std::to_string(e.batch) + "\nquery " + e.query_id + "\nmode " +
                     (e.complete ? "complete" : "append") + "\nformat " + e.format + "\n";
  for (const auto& f : e.files) text += "file " + f + "\n";
  write_checkpoint_file(manifest_dir(dir, task), std::to_string(e.batch), "manifest", text);
}

ManifestEntry read_manifest_entry(const std::string& dir, int64_t batch, const std::string& task) {
  const std::string path = manifest_dir(dir, task) + "/" + std::to_string(batch);
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
    // A single copy's entries, then each consumer-group task's (tasks in
    // name order, each in batch order: a task's rows keep their order).
    std::vector<std::string> tasks = {""};
    if (DIR* d = ::opendir(mdir.c_str())) {
      std::vector<std::string> named;
      while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name[0] != '.' && e->d_type == DT_DIR) named.push_back(name);
      }
      ::closedir(d);
      std::sort(named.begin(), named.end());
      tasks.insert(tasks.end(), named.begin(), named.end());
    }
    for (const auto& task : tasks) {
      std::vector<ManifestEntry> entries;
      for (int64_t b : numbered_files(manifest_dir(dir, task))) entries.push_back(read_manifest_entry(dir, b, task));
      if (!entries.empty() && entries.back().complete) entries.erase(entries.begin(), entries.end() - 1);
      for (const auto& e : entries)
        for (const auto& f : e.files) append_part(out, dir, f, e.format);
    }
    return out;
  }
  // No manifest: every part file, here and in partition directories
  // (k=v/…), in batch order, then by directory.
  std::vector<std::pair<std::string, std::string>> parts;  // (part name, path below dir)
  std::function<void(const std::string&)> walk = [&](const std::string& rel) {
    DIR* d = ::opendir((rel.empty() ? dir : dir + "/" + rel).c_str());
    if (!d) return;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      std::string below = rel.empty() ? name : rel + "/" + name;
      if (name.rfind("part-", 0) == 0) parts.emplace_back(name, below);
      else if (name[0] != '.' && name[0] != '_' && name.find('=') != std::string::npos) walk(below);
    }
    ::closedir(d);
  };
  walk("");
  std::sort(parts.begin(), parts.end());
  for (const auto& [name, rel] : parts) {
    std::string ext = name.substr(name.rfind('.') + 1);
    append_part(out, dir, rel, ext == "json" ? "json" : ext == "csv" ? "csv" : "text");
  }
  return out;
}

}  // namespace streamc::rt
