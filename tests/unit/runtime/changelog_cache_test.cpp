// A group member's local cache file (io/changelog_cache.hpp) without Kafka:
// what it holds after appends, and what a file cut short at any byte or
// damaged anywhere still vouches for.
#include "io/changelog_cache.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_dir.hpp"

namespace streamc::rt {
namespace {

using testing::TestDir;

ChangelogRecordView record(int64_t offset, std::string_view key, std::optional<std::string_view> value) {
  ChangelogRecordView v;
  v.offset = offset;
  v.key = key;
  v.value = value;
  v.epoch = "1";
  return v;
}

std::string offsets(const ChangelogCache::Contents& c) {
  std::string out;
  for (const auto& r : c.records) out += std::to_string(r.offset) + " ";
  return out;
}

TEST(ChangelogCache, HoldsTheRecordsUpToItsLastCompletePoint) {
  TestDir dir;
  ChangelogCache cache(dir.path(), "g-changelog", 2, "orders-3");
  EXPECT_FALSE(cache.load());  // no file yet
  cache.begin(10);
  cache.add(record(10, "orders-3\t", "claim"));
  cache.add(record(12, "orders-3\toffsets/0", "o0"));
  cache.through(12);
  EXPECT_FALSE(cache.load());  // not committed: the file in place (none) stands
  cache.commit();
  cache.add(record(12, "orders-3\toffsets/0", "read again"));  // skipped
  cache.add(record(15, "orders-3\toffsets/0", std::nullopt));
  cache.add(record(17, "orders-3\toffsets/1", "o1"));
  cache.through(15);  // 17 was read ahead of this point: not vouched for yet
  std::optional<ChangelogCache::Contents> c = cache.load();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->start, 10);
  EXPECT_EQ(c->through, 15);
  EXPECT_EQ(offsets(*c), "10 12 15 ");
  EXPECT_EQ(c->records[1].value, "o0");
  EXPECT_EQ(c->records[1].epoch, "1");
  EXPECT_FALSE(c->records[2].value);  // a tombstone
  EXPECT_FALSE(c->records[2].from);
  cache.add(record(20, "orders-3\toffsets/2", "o2"));  // after the last point: not taken
  EXPECT_EQ(offsets(*cache.load()), "10 12 15 ");
  cache.through(20);
  EXPECT_EQ(offsets(*cache.load()), "10 12 15 17 20 ");
  // Another task's, partition's or topic's file is not this one's.
  const std::string bytes = cache.load()->bytes;
  EXPECT_FALSE(ChangelogCache(dir.path(), "g-changelog", 3, "orders-3").parse(bytes));
  EXPECT_FALSE(ChangelogCache(dir.path(), "other", 2, "orders-3").parse(bytes));
  std::filesystem::copy_file(cache.path(), dir / "g-changelog/orders-4");
  EXPECT_FALSE(ChangelogCache(dir.path(), "g-changelog", 2, "orders-4").load());
}

TEST(ChangelogCache, AFileCutShortOrDamagedAnywhereVouchesOnlyForWhatPrecedesTheHarm) {
  TestDir dir;
  ChangelogCache cache(dir.path(), "t", 0, "a");
  cache.begin(0);
  for (int i = 0; i < 6; ++i) {
    cache.add(record(2 * i, "a\tf", std::string(i * 7, 'x')));
    if (i % 2 == 1) cache.through(2 * i);
  }
  cache.commit();
  std::ifstream in(cache.path(), std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(cache.parse(whole)->through, 10);
  int64_t last_through = -1;
  for (size_t n = 0; n <= whole.size(); ++n) {
    std::optional<ChangelogCache::Contents> cut = cache.parse(whole.substr(0, n));
    const int64_t through = cut ? cut->through : -1;
    EXPECT_GE(through, last_through) << n;  // more bytes never vouch for less
    last_through = through;
    if (!cut) continue;
    std::string want;
    for (int64_t o = 0; o <= through; o += 2) want += std::to_string(o) + " ";
    EXPECT_EQ(offsets(*cut), want) << n;
  }
  for (size_t at = 0; at < whole.size(); ++at) {
    std::string damaged = whole;
    damaged[at] ^= 0x20;
    std::optional<ChangelogCache::Contents> c = cache.parse(damaged);
    ASSERT_TRUE(!c || c->through <= 10) << at;
    if (c) {
      std::string want;
      for (int64_t o = 0; o <= c->through; o += 2) want += std::to_string(o) + " ";
      EXPECT_EQ(offsets(*c), want) << at;
    }
  }
}

}  // namespace
}  // namespace streamc::rt
