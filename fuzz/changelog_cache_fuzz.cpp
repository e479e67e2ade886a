// A group member's local cache file (io/changelog_cache.hpp) on any bytes:
// the input is cut at each 0xFF byte into payloads, each framed with its
// right size and checksum (so the payload parser is reached; random bytes
// would almost never pass the checksum), then the frames are cut after a
// number of bytes the first input byte picks (a torn file). Every outcome is
// nothing or records in offset order, each within the range the cache
// vouches for, as views into its bytes; a crash or a sanitizer report is a
// finding.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/hash.hpp"
#include "io/changelog_cache.hpp"

using namespace streamc::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return -1;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string file;
  for (size_t at = 0; at <= in.size();) {
    size_t end = in.find('\xff', at);
    if (end == std::string_view::npos) end = in.size();
    std::string_view payload = in.substr(at, end - at);
    const auto n = static_cast<uint32_t>(payload.size());
    const uint64_t sum = hash64(payload);
    file.append(reinterpret_cast<const char*>(&n), 4);
    file.append(reinterpret_cast<const char*>(&sum), 8);
    file.append(payload);
    at = end + 1;
  }
  file.resize(file.size() - std::min<size_t>(file.size(), data[0]));
  static const ChangelogCache cache("/nonexistent", "t", 0, "task");
  std::optional<ChangelogCache::Contents> c = cache.parse(file);
  if (!c) return 0;
  int64_t last = -1;
  for (const ChangelogRecordView& r : c->records) {
    const char* lo = c->bytes.data();
    const char* hi = lo + c->bytes.size();
    if (r.offset < c->start || r.offset > c->through || r.offset <= last || r.key.data() < lo || r.key.data() + r.key.size() > hi) {
      std::fprintf(stderr, "record at offset %lld outside [%lld, %lld] or out of order\n", static_cast<long long>(r.offset),
                   static_cast<long long>(c->start), static_cast<long long>(c->through));
      std::abort();
    }
    last = r.offset;
  }
  return 0;
}
