// YSB by hand: the yardstick for examples/ysb.sdl. Maps the events files
// (read-only, populated: the cheapest way into their bytes here), parses
// each file's JSON lines as one simdjson On-Demand document stream
// (iterate_many) on this one thread (no stage-1 worker thread: one core, as
// streamc's figure), reads the fields the query needs,
// keeps views, looks the ad's campaign up in a hash map read from ads.csv,
// and counts views per (10 s window, campaign). Prints the counts as
// "window_start_ms<TAB>campaign<TAB>views" lines.
//
// Build: g++ -std=c++20 -O2 -march=x86-64-v2 -mpclmul -DSIMDJSON_THREADS_ENABLED=1 ysb_baseline.cpp -o ysb_baseline \
//            -lsimdjson -labsl_hash -labsl_city -labsl_low_level_hash -labsl_raw_hash_set
// Run:   ./ysb_baseline ads.csv events/*.json
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

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s ads.csv EVENTS.json...\n", argv[0]);
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
      for (auto field : obj) {
        simdjson::ondemand::field fl;
        if (std::move(field).get(fl)) break;
        if (fl.key() == "event_type") {
          if (fl.value().get_string().get(event_type)) event_type = {};
        } else if (fl.key() == "ad_id") {
          if (fl.value().get_string().get(ad_id)) ad_id = {};
        } else if (fl.key() == "event_time") {
          if (fl.value().get_int64().get(time)) time = 0;
        }
      }
      if (event_type != "view") continue;
      auto it = campaign_of.find(absl::string_view(ad_id.data(), ad_id.size()));
      if (it == campaign_of.end()) continue;
      ++counts[Key{time / 10000 * 10000, it->second}];
    }
  }
  for (const auto& [k, n] : counts) std::printf("%lld\t%s\t%lld\n", (long long)k.window, k.campaign->c_str(), (long long)n);
  return 0;
}
