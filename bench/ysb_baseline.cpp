// YSB by hand: the yardstick for examples/ysb.sdl. Maps the events files
// (read-only, populated: the cheapest way into their bytes here), parses
// each file's JSON lines as one simdjson On-Demand document stream
// (iterate_many) on this one thread (no stage-1 worker thread: one core, as
// streamc's figure), reads the fields the query needs,
// keeps views, looks the ad's campaign up in a hash map read from ads.csv,
// and counts views per (10 s window, campaign). Prints the counts as
// "window_start_ms<TAB>campaign<TAB>views" lines.
//
// --validate: also checks that every event is valid JSON throughout, as
// streamc does (issue 13): the fields the query does not read are walked
// with On-Demand (arrays and objects iterated, numbers parsed, strings
// unescaped, true/false/null read) instead of skipped, and each line must
// be exactly one document; an invalid event is not counted.
//
// Build: g++ -std=c++20 -O2 -DNDEBUG -march=x86-64-v2 -mpclmul -DSIMDJSON_THREADS_ENABLED=1 ysb_baseline.cpp -o ysb_baseline \
//            -lsimdjson -labsl_hash -labsl_city -labsl_low_level_hash -labsl_raw_hash_set
// Run:   ./ysb_baseline [--validate] ads.csv events/*.json
#include <absl/container/flat_hash_map.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <absl/strings/string_view.h>
#include <simdjson.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

// A file mapped read-only with simdjson's padding readable after its end:
// the rest of the last page is zeros, and a zero page follows when that is
// shorter than the padding.
struct MappedFile {
  const char* data = nullptr;
  size_t size = 0, span = 0;
  explicit MappedFile(const char* path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || ::fstat(fd, &st) != 0 || st.st_size <= 0) {
      if (fd >= 0) ::close(fd);
      return;
    }
    size = static_cast<size_t>(st.st_size);
    size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    size_t file_span = (size + page - 1) / page * page;
    span = (size + simdjson::SIMDJSON_PADDING + page - 1) / page * page;
    void* base = ::mmap(nullptr, span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    void* at = base == MAP_FAILED ? MAP_FAILED
                                  : ::mmap(base, file_span, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0);
    ::close(fd);
    if (at == MAP_FAILED) {
      if (base != MAP_FAILED) ::munmap(base, span);
      size = span = 0;
      return;
    }
    data = static_cast<const char*>(at);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data) ::munmap(const_cast<char*>(data), span);
  }
};

// True when `v` is valid JSON throughout (walked, not skipped).
bool valid(simdjson::ondemand::value v) {
  simdjson::ondemand::json_type t;
  if (v.type().get(t)) return false;
  switch (t) {
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object o;
      if (v.get_object().get(o)) return false;
      for (auto field : o) {
        simdjson::ondemand::field f;
        std::string_view key;
        if (std::move(field).get(f) || f.unescaped_key().get(key) || !valid(f.value())) return false;
      }
      return true;
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array a;
      if (v.get_array().get(a)) return false;
      for (auto element : a) {
        simdjson::ondemand::value e;
        if (std::move(element).get(e) || !valid(e)) return false;
      }
      return true;
    }
    case simdjson::ondemand::json_type::string: {
      std::string_view s;
      return !v.get_string().get(s);
    }
    case simdjson::ondemand::json_type::number: {
      simdjson::ondemand::number n;
      return !v.get_number().get(n);
    }
    case simdjson::ondemand::json_type::boolean: {
      bool b;
      return !v.get_bool().get(b);
    }
    case simdjson::ondemand::json_type::null: {
      bool null = false;
      return !v.is_null().get(null) && null;
    }
  }
  return false;
}

int main(int argc, char** argv) {
  bool validate = argc > 1 && std::string_view(argv[1]) == "--validate";
  if (validate) {
    ++argv;
    --argc;
  }
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s [--validate] ads.csv EVENTS.json...\n", argv[0]);
    return 2;
  }
  std::ifstream ads(argv[1]);
  // ad -> campaign, with each campaign stored once so that a pointer to it
  // identifies it.
  absl::flat_hash_map<std::string, const std::string*> campaign_of;
  absl::flat_hash_map<std::string, std::unique_ptr<std::string>> campaigns;
  std::string line;
  std::getline(ads, line);  // header
  while (std::getline(ads, line)) {
    size_t comma = line.find(',');
    std::string campaign = line.substr(comma + 1);
    auto& slot = campaigns[campaign];
    if (!slot) slot = std::make_unique<std::string>(campaign);
    campaign_of.emplace(line.substr(0, comma), slot.get());
  }
  struct Key {
    int64_t window;
    const std::string* campaign;
    bool operator==(const Key& o) const { return window == o.window && campaign == o.campaign; }
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return absl::HashOf(k.window, k.campaign); }
  };
  absl::flat_hash_map<Key, int64_t, KeyHash> counts;
  for (int f = 2; f < argc; ++f) {
    simdjson::ondemand::parser parser;  // per file: a document stream may still use its parser
    parser.threaded = false;
    MappedFile json(argv[f]);
    if (!json.data) {
      std::fprintf(stderr, "cannot read %s\n", argv[f]);
      return 1;
    }
    simdjson::ondemand::document_stream docs;
    if (parser.iterate_many(json.data, json.size, simdjson::ondemand::DEFAULT_BATCH_SIZE).get(docs)) return 1;
    for (auto doc : docs) {
      std::string_view event_type, ad_id;
      int64_t time = 0;
      simdjson::ondemand::object obj;
      if (doc.get_object().get(obj)) continue;
      bool bad = false;
      for (auto field : obj) {
        simdjson::ondemand::field fl;
        if (std::move(field).get(fl)) {
          bad = true;
          break;
        }
        if (fl.key() == "event_type") {
          if (fl.value().get_string().get(event_type)) event_type = {};
        } else if (fl.key() == "ad_id") {
          if (fl.value().get_string().get(ad_id)) ad_id = {};
        } else if (fl.key() == "event_time") {
          if (fl.value().get_int64().get(time)) time = 0;
        } else if (validate && !valid(fl.value())) {
          bad = true;
          break;
        }
      }
      if (bad || event_type != "view") continue;
      auto it = campaign_of.find(absl::string_view(ad_id.data(), ad_id.size()));
      if (it == campaign_of.end()) continue;
      ++counts[Key{time / 10000 * 10000, it->second}];
    }
  }
  for (const auto& [k, n] : counts) std::printf("%lld\t%s\t%lld\n", (long long)k.window, k.campaign->c_str(), (long long)n);
  return 0;
}
