// simdjson's own parse of the bus JSON: the speed limit for the bus flattening
// benchmark (issue 3). Reads every input into memory first, then times only
// the parsing:
//
//   ondemand (default)  simdjson On-Demand, iterate_many over each input (a
//                       whole-file document, or JSON Lines), walking every
//                       document and touching every value: each key is
//                       unescaped, each string unescaped, each number parsed
//                       (int64/uint64/double), each bool and null read.
//   --dom               the DOM parser (parse_many), which builds the full tape
//                       of every document, then the same walk over the tape.
//
// Inputs are files or directories (every *.json / *.jsonl / *.ndjson file in
// them, sorted). Prints one line: bytes, seconds, MB/s (1 MB = 10^6 bytes),
// documents, itemList elements (ServiceResult.msgBody.itemList[], so the
// count matches `bench/jq_flatten.sh … | wc -l`) and values; with --json the
// same as one JSON object.
//
// Build (simdjson 3.0.1 from libsimdjson-dev):
//   g++ -O3 -DNDEBUG -march=native -std=c++17 -o build/simdjson_parse bench/simdjson_parse.cpp -lsimdjson
// Run:
//   python3 bench/gen_bus.py /tmp/bus --mib 200 && build/simdjson_parse /tmp/bus
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace simdjson;

struct Counts {
  size_t docs = 0, items = 0, values = 0;
  uint64_t checksum = 0;  // keeps the walk from being optimised away
};

// ------------------------------------------------------------- On-Demand

error_code walk(ondemand::value v, Counts& c, int depth_to_items);

error_code walk_object(ondemand::object o, Counts& c, int path) {
  // path: 0 = document root, 1 = ServiceResult, 2 = msgBody, -1 = elsewhere
  for (auto field : o) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    c.checksum += key.size();
    int next = -1;
    if (path == 0 && key == "ServiceResult") next = 1;
    else if (path == 1 && key == "msgBody") next = 2;
    else if (path == 2 && key == "itemList") next = 3;  // 3 = the item list itself
    ondemand::value fv;
    if (auto e = field.value().get(fv)) return e;
    if (auto e = walk(fv, c, next)) return e;
  }
  return SUCCESS;
}

error_code walk(ondemand::value v, Counts& c, int path) {
  ++c.values;
  ondemand::json_type t;
  if (auto e = v.type().get(t)) return e;
  switch (t) {
    case ondemand::json_type::object: {
      ondemand::object o;
      if (auto e = v.get_object().get(o)) return e;
      return walk_object(o, c, path);
    }
    case ondemand::json_type::array: {
      ondemand::array a;
      if (auto e = v.get_array().get(a)) return e;
      for (auto el : a) {
        ondemand::value ev;
        if (auto e = el.get(ev)) return e;
        if (path == 3) ++c.items;
        if (auto e = walk(ev, c, -1)) return e;
      }
      return SUCCESS;
    }
    case ondemand::json_type::number: {
      ondemand::number n;
      if (auto e = v.get_number().get(n)) return e;
      if (n.is_double()) c.checksum += static_cast<uint64_t>(n.get_double());
      else if (n.is_int64()) c.checksum += static_cast<uint64_t>(n.get_int64());
      else c.checksum += n.get_uint64();
      return SUCCESS;
    }
    case ondemand::json_type::string: {
      std::string_view s;
      if (auto e = v.get_string().get(s)) return e;
      c.checksum += s.size();
      return SUCCESS;
    }
    case ondemand::json_type::boolean: {
      bool b;
      if (auto e = v.get_bool().get(b)) return e;
      c.checksum += b;
      return SUCCESS;
    }
    case ondemand::json_type::null: {
      bool is_null;
      if (auto e = v.is_null().get(is_null)) return e;
      c.checksum += is_null;
      return SUCCESS;
    }
  }
  return SUCCESS;
}

// Documents are found in windows of this many bytes (stage 1 per window, so
// it stays in cache); a document larger than that is retried with the whole input.
constexpr size_t kBatch = 1 << 20;

error_code parse_ondemand(ondemand::parser& parser, const padded_string& buf, Counts& c, size_t batch = kBatch) {
  ondemand::document_stream stream;
  if (auto e = parser.iterate_many(buf, std::min(buf.size(), batch)).get(stream)) return e;
  for (auto doc : stream) {
    ondemand::value root;
    if (auto e = doc.get_value().get(root)) {
      if (e == CAPACITY && batch < buf.size()) return parse_ondemand(parser, buf, c, buf.size());
      return e;
    }
    ++c.docs;
    if (auto e = walk(root, c, 0)) return e;
  }
  if (stream.truncated_bytes()) return TAPE_ERROR;
  return SUCCESS;
}

// ------------------------------------------------------------- DOM

void walk_dom(dom::element v, Counts& c, int path) {
  ++c.values;
  switch (v.type()) {
    case dom::element_type::OBJECT:
      for (auto [key, value] : dom::object(v)) {
        c.checksum += key.size();
        int next = -1;
        if (path == 0 && key == "ServiceResult") next = 1;
        else if (path == 1 && key == "msgBody") next = 2;
        else if (path == 2 && key == "itemList") next = 3;
        walk_dom(value, c, next);
      }
      break;
    case dom::element_type::ARRAY:
      for (dom::element e : dom::array(v)) {
        if (path == 3) ++c.items;
        walk_dom(e, c, -1);
      }
      break;
    case dom::element_type::INT64: c.checksum += static_cast<uint64_t>(int64_t(v)); break;
    case dom::element_type::UINT64: c.checksum += uint64_t(v); break;
    case dom::element_type::DOUBLE: c.checksum += static_cast<uint64_t>(double(v)); break;
    case dom::element_type::STRING: c.checksum += std::string_view(v).size(); break;
    case dom::element_type::BOOL: c.checksum += bool(v); break;
    case dom::element_type::NULL_VALUE: c.checksum += 1; break;
  }
}

error_code parse_dom(dom::parser& parser, const padded_string& buf, Counts& c, size_t batch = kBatch) {
  dom::document_stream stream;
  if (auto e = parser.parse_many(buf, std::min(buf.size(), batch)).get(stream)) return e;
  for (auto doc : stream) {
    dom::element root;
    if (auto e = doc.get(root)) {
      if (e == CAPACITY && batch < buf.size()) return parse_dom(parser, buf, c, buf.size());
      return e;
    }
    ++c.docs;
    walk_dom(root, c, 0);
  }
  if (stream.truncated_bytes()) return TAPE_ERROR;
  return SUCCESS;
}

// ------------------------------------------------------------- main

bool json_name(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".json" || ext == ".jsonl" || ext == ".ndjson";
}

int main(int argc, char** argv) {
  bool dom_mode = false, json_out = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--dom")) dom_mode = true;
    else if (!std::strcmp(argv[i], "--json")) json_out = true;
    else if (argv[i][0] == '-') {
      std::fprintf(stderr, "usage: %s [--dom] [--json] FILE_OR_DIR...\n", argv[0]);
      return 2;
    } else paths.push_back(argv[i]);
  }
  if (paths.empty()) {
    std::fprintf(stderr, "usage: %s [--dom] [--json] FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  std::vector<std::string> files;
  for (const auto& p : paths) {
    if (fs::is_directory(p)) {
      std::vector<std::string> in_dir;
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file() && json_name(e.path())) in_dir.push_back(e.path().string());
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.push_back(p);
    }
  }
  std::vector<padded_string> bufs;
  size_t bytes = 0;
  for (const auto& f : files) {
    padded_string s;
    if (auto e = padded_string::load(f).get(s)) {
      std::fprintf(stderr, "simdjson_parse: %s: %s\n", f.c_str(), error_message(e));
      return 1;
    }
    bytes += s.size();
    bufs.push_back(std::move(s));
  }

  Counts c;
  ondemand::parser od;
  dom::parser dp;
  auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < bufs.size(); ++i) {
    error_code e = dom_mode ? parse_dom(dp, bufs[i], c) : parse_ondemand(od, bufs[i], c);
    if (e) {
      std::fprintf(stderr, "simdjson_parse: %s: %s\n", files[i].c_str(), error_message(e));
      return 1;
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double mbps = secs > 0 ? bytes / 1e6 / secs : 0;
  const char* mode = dom_mode ? "dom" : "ondemand";
  if (json_out) {
    std::printf(
        "{\"tool\": \"simdjson_%s\", \"files\": %zu, \"bytes\": %zu, \"seconds\": %.6f, \"mb_per_s\": %.1f, "
        "\"documents\": %zu, \"items\": %zu, \"values\": %zu, \"checksum\": %llu}\n",
        mode, files.size(), bytes, secs, mbps, c.docs, c.items, c.values, (unsigned long long)c.checksum);
  } else {
    std::printf("simdjson %s: %.1f MB in %.3f s = %.1f MB/s (%zu files, %zu documents, %zu items, %zu values)\n", mode,
                bytes / 1e6, secs, mbps, files.size(), c.docs, c.items, c.values);
  }
  return 0;
}
