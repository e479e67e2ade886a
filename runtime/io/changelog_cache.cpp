#include "io/changelog_cache.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/hash.hpp"

namespace streamc::rt {
namespace {

constexpr std::string_view kMagic = "streamc changelog cache 1";
constexpr size_t kFrameHead = 4 + 8;

void put_u32(std::string& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}
void put_i64(std::string& out, int64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}
void put_text(std::string& out, std::string_view s) {
  put_u32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}
void put_maybe(std::string& out, const std::optional<std::string_view>& s) {
  out.push_back(s ? 1 : 0);
  if (s) put_text(out, *s);
}

// Reads a payload's fields in order; `ok` turns false at the first that does
// not fit (a damaged frame whose checksum matched by chance is still refused).
struct Reader {
  std::string_view in;
  bool ok = true;
  bool take(size_t n, std::string_view& out) {
    if (!ok || in.size() < n) return ok = false;
    out = in.substr(0, n);
    in.remove_prefix(n);
    return true;
  }
  uint32_t u32() {
    std::string_view b;
    uint32_t v = 0;
    if (take(4, b)) std::memcpy(&v, b.data(), 4);
    return v;
  }
  int64_t i64() {
    std::string_view b;
    int64_t v = 0;
    if (take(8, b)) std::memcpy(&v, b.data(), 8);
    return v;
  }
  std::string_view text() {
    std::string_view s;
    uint32_t n = u32();
    take(n, s);
    return s;
  }
  std::optional<std::string_view> maybe() {
    std::string_view flag;
    if (!take(1, flag) || flag[0] == 0) return std::nullopt;
    return text();
  }
};

}  // namespace

ChangelogCache::ChangelogCache(const std::string& dir, std::string topic, int32_t partition, std::string task)
    : topic_(std::move(topic)),
      task_(std::move(task)),
      path_((std::filesystem::path(dir) / topic_ / task_).string()),
      partition_(partition) {}

ChangelogCache::~ChangelogCache() {
  std::lock_guard lock(mu_);
  close();
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void ChangelogCache::close() {
  if (out_) std::fclose(out_);
  out_ = nullptr;
}

std::optional<ChangelogCache::Contents> ChangelogCache::load() const {
  std::FILE* f = std::fopen(path_.c_str(), "rb");
  if (!f) return std::nullopt;
  std::string bytes;
  char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, n);
  const bool read_error = std::ferror(f);
  std::fclose(f);
  if (read_error) return std::nullopt;
  return parse(std::move(bytes));
}

std::optional<ChangelogCache::Contents> ChangelogCache::parse(std::string bytes) const {
  Contents c;
  c.bytes = std::move(bytes);
  std::string_view rest = c.bytes;
  bool header = false;
  size_t complete = 0;  // records before the last 'T'
  while (rest.size() >= kFrameHead) {
    uint32_t size = 0;
    uint64_t sum = 0;
    std::memcpy(&size, rest.data(), 4);
    std::memcpy(&sum, rest.data() + 4, 8);
    if (rest.size() - kFrameHead < size) break;  // torn
    std::string_view payload = rest.substr(kFrameHead, size);
    if (size == 0 || hash64(payload) != sum) break;  // damaged
    rest.remove_prefix(kFrameHead + size);
    Reader r{payload.substr(1)};
    const char type = payload[0];
    if (!header) {
      if (type != 'H' || r.text() != kMagic || r.text() != topic_ || r.u32() != static_cast<uint32_t>(partition_) ||
          r.text() != task_)
        return std::nullopt;
      c.start = r.i64();
      if (!r.ok || !r.in.empty() || c.start < 0) return std::nullopt;
      header = true;
    } else if (type == 'R') {
      ChangelogRecordView v;
      v.offset = r.i64();
      v.key = r.text();
      v.value = r.maybe();
      v.epoch = r.maybe();
      v.from = r.maybe();
      v.part = r.maybe();
      // Appended in offset order, each record once: anything else is damage.
      if (!r.ok || !r.in.empty() || v.offset < 0 || (!c.records.empty() && v.offset <= c.records.back().offset)) break;
      c.records.push_back(v);
    } else if (type == 'T') {
      int64_t t = r.i64();
      if (!r.ok || !r.in.empty() || t < c.through) break;
      c.through = t;
      complete = c.records.size();
    } else {
      break;
    }
  }
  if (c.through < 0) return std::nullopt;
  c.records.resize(complete);
  std::erase_if(c.records, [&](const ChangelogRecordView& v) { return v.offset > c.through || v.offset < c.start; });
  return c;
}

void ChangelogCache::frame(std::string_view payload) {
  if (!out_ || failed_) return;
  std::string head;
  put_u32(head, static_cast<uint32_t>(payload.size()));
  const uint64_t sum = hash64(payload);
  head.append(reinterpret_cast<const char*>(&sum), 8);
  if (std::fwrite(head.data(), 1, head.size(), out_) != head.size() ||
      std::fwrite(payload.data(), 1, payload.size(), out_) != payload.size()) {
    give_up();
  }
}

void ChangelogCache::give_up() {
  // A cache that cannot be written is given up: the restores read the
  // changelog whole, as without one. What is in the file stays valid up to
  // its last complete 'T'.
  std::fprintf(stderr, "streamc: the local cache %s cannot be written (%s); restores read the changelog topic\n",
               path_.c_str(), std::strerror(errno));
  failed_ = true;
  close();
}

void ChangelogCache::begin(int64_t start) {
  std::lock_guard lock(mu_);
  close();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
  temp_ = path_ + ".new-" + std::to_string(::getpid());
  out_ = std::fopen(temp_.c_str(), "wb");
  committed_ = false;
  failed_ = false;
  last_ = -1;
  if (!out_) {
    give_up();
    return;
  }
  std::string p(1, 'H');
  put_text(p, kMagic);
  put_text(p, topic_);
  put_u32(p, static_cast<uint32_t>(partition_));
  put_text(p, task_);
  put_i64(p, start);
  frame(p);
}

void ChangelogCache::add(const ChangelogRecordView& v) {
  std::lock_guard lock(mu_);
  if (v.offset <= last_) return;
  last_ = v.offset;
  std::string p(1, 'R');
  put_i64(p, v.offset);
  put_text(p, v.key);
  put_maybe(p, v.value);
  put_maybe(p, v.epoch);
  put_maybe(p, v.from);
  put_maybe(p, v.part);
  frame(p);
}

void ChangelogCache::through(int64_t offset) {
  std::lock_guard lock(mu_);
  std::string p(1, 'T');
  put_i64(p, offset);
  frame(p);
  // Flushed at each 'T', so a copy killed later restores from here.
  if (out_ && committed_ && std::fflush(out_) != 0) failed_ = true;
}

void ChangelogCache::commit() {
  std::lock_guard lock(mu_);
  if (!out_ || failed_) return;
  if (std::fflush(out_) != 0 || std::rename(temp_.c_str(), path_.c_str()) != 0) {
    give_up();
    ::unlink(temp_.c_str());
    return;
  }
  committed_ = true;
}

}  // namespace streamc::rt
