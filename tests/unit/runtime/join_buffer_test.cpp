#include "streamc/runtime/join_buffer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>

namespace streamc::rt {
namespace {

// A row as the code generator declares records (cpp_types.cpp).
struct Row {
  std::string_view ad{};
  std::optional<std::string_view> note{};
  int64_t n{};
  template <class F>
  void for_each_field(F&& f) const {
    f(std::string_view("ad"), ad);
    f(std::string_view("note"), note);
    f(std::string_view("n"), n);
  }
  template <class F>
  void for_each_field_mut(F&& f) {
    f(std::string_view("ad"), ad);
    f(std::string_view("note"), note);
    f(std::string_view("n"), n);
  }
};

using Buffer = JoinBuffer<std::string_view, Row>;
// (n, time, matched) of the rows a key matches, in visit order.
using Seen = std::vector<std::tuple<int64_t, int64_t, bool>>;

Seen matches(const Buffer& b, std::string_view key) {
  Seen s;
  b.for_each_match(key, [&](uint32_t i, const Row& r, int64_t t) { s.emplace_back(r.n, t, b.matched(i)); });
  return s;
}

TEST(JoinBuffer, RowsOfAKeyInArrivalOrderWithOwnedStrings) {
  Buffer b;
  {
    std::string batch = "a1a2b";  // the batch buffer dies; the buffer keeps copies
    std::string note = "first";
    b.add(std::string_view(batch).substr(0, 1), Row{std::string_view(batch).substr(0, 2), std::string_view(note), 1}, 100);
    b.add(std::string_view(batch).substr(4, 1), Row{std::string_view(batch).substr(4, 1), std::nullopt, 2}, 50);
    b.add(std::string_view(batch).substr(2, 1), Row{std::string_view(batch).substr(2, 2), std::nullopt, 3}, 80);
    batch.assign("xxxxx");
    note.assign("XXXXX");
  }
  EXPECT_EQ(b.size(), 3u);
  EXPECT_EQ(matches(b, "a"), (Seen{{1, 100, false}, {3, 80, false}}));
  EXPECT_EQ(matches(b, "b"), (Seen{{2, 50, false}}));
  EXPECT_EQ(matches(b, "c"), (Seen{}));
  std::vector<std::string> texts;
  b.for_each_match("a", [&](uint32_t, const Row& r, int64_t) { texts.push_back(std::string(r.ad) + ":" + std::string(r.note.value_or("-"))); });
  EXPECT_EQ(texts, (std::vector<std::string>{"a1:first", "a2:-"}));
  EXPECT_EQ(b.last_batch_updated(), 3u);
  b.reset_batch_stats();
  EXPECT_EQ(b.last_batch_updated(), 0u);
}

TEST(JoinBuffer, EvictsRowsAtOrBelowTheLimitInArrivalOrderWithTheirMatchedFlag) {
  Buffer b;
  uint32_t first = b.add("a", Row{"a", std::nullopt, 1}, 100);
  b.add("b", Row{"b", std::nullopt, 2}, 300);
  b.add("a", Row{"a", std::nullopt, 3}, 200);
  b.add("c", Row{"c", std::nullopt, 4}, 150, true);
  b.mark_matched(first);
  std::vector<std::pair<int64_t, bool>> evicted;
  b.evict(200, [&](const Row& r, bool matched) { evicted.emplace_back(r.n, matched); });
  EXPECT_EQ(evicted, (std::vector<std::pair<int64_t, bool>>{{1, true}, {3, false}, {4, true}}));
  EXPECT_EQ(b.size(), 1u);
  EXPECT_EQ(matches(b, "a"), (Seen{}));
  EXPECT_EQ(matches(b, "b"), (Seen{{2, 300, false}}));
  evicted.clear();
  b.evict(299, [&](const Row& r, bool matched) { evicted.emplace_back(r.n, matched); });
  EXPECT_TRUE(evicted.empty());
}

TEST(JoinBuffer, CompactionKeepsRowsKeysAndOrder) {
  Buffer b;
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    text = "k" + std::to_string(i % 7);
    b.add(text, Row{text, std::nullopt, i}, i);
  }
  b.evict(2499, [](const Row&, bool) {});  // 2500 dead of 3000: compacts
  EXPECT_EQ(b.size(), 500u);
  Seen k3 = matches(b, "k3");
  ASSERT_FALSE(k3.empty());
  EXPECT_EQ(std::get<0>(k3.front()), 2502);  // the first i >= 2500 with i % 7 == 3
  for (size_t j = 1; j < k3.size(); ++j) EXPECT_EQ(std::get<0>(k3[j]), std::get<0>(k3[j - 1]) + 7);
  b.for_each_match("k3", [&](uint32_t, const Row& r, int64_t) { EXPECT_EQ(r.ad, "k3"); });
  uint32_t i = b.add("k3", Row{"k3", std::nullopt, 9999}, 9999);
  EXPECT_FALSE(b.matched(i));
  EXPECT_EQ(std::get<0>(matches(b, "k3").back()), 9999);
}

// What a restart sees: the snapshot, then the deltas in turn.
TEST(JoinBuffer, SnapshotAndDeltasRebuildRowsAndMatchedFlags) {
  Buffer live;
  live.track_changes();
  std::array<std::string, 3> saved;  // version 0 a snapshot, 1 and 2 deltas
  uint32_t a = live.add("a", Row{"a", std::string_view("x"), 1}, 100);
  live.add("b", Row{"b", std::nullopt, 2}, 200);
  {
    StateWriter w(saved[0]);
    live.save_snapshot(w);
  }
  live.mark_matched(a);                                // an old row matches
  uint32_t c = live.add("a", Row{"a", std::nullopt, 3}, 300);
  live.mark_matched(c);                                // a new row matches at once
  live.evict(200, [](const Row&, bool) {});            // a and b go
  live.add("b", Row{"b", std::nullopt, 4}, 400);
  {
    StateWriter w(saved[1]);
    live.save_delta(w);
  }
  uint32_t d = live.add("d", Row{"d", std::nullopt, 5}, 500);
  live.evict(400, [](const Row&, bool) {});            // c and the second b go; d stays
  {
    StateWriter w(saved[2]);
    live.save_delta(w);
  }
  (void)d;

  Buffer restored;
  {
    StateReader r(saved[0]);
    restored.load_snapshot(r);
    EXPECT_TRUE(r.done());
  }
  EXPECT_EQ(matches(restored, "a"), (Seen{{1, 100, false}}));
  EXPECT_EQ(matches(restored, "b"), (Seen{{2, 200, false}}));
  {
    StateReader r(saved[1]);
    restored.apply_delta(r);
    EXPECT_TRUE(r.done());
  }
  EXPECT_EQ(matches(restored, "a"), (Seen{{3, 300, true}}));
  EXPECT_EQ(matches(restored, "b"), (Seen{{4, 400, false}}));
  {
    StateReader r(saved[2]);
    restored.apply_delta(r);
    EXPECT_TRUE(r.done());
  }
  EXPECT_EQ(restored.size(), 1u);
  EXPECT_EQ(matches(restored, "a"), (Seen{}));
  EXPECT_EQ(matches(restored, "d"), (Seen{{5, 500, false}}));
  // New rows after a restart continue the sequence: a later delta still applies.
  std::string more;
  {
    live.add("e", Row{"e", std::nullopt, 6}, 600);
    StateWriter w(more);
    live.save_delta(w);
  }
  restored.add("e", Row{"e", std::nullopt, 6}, 600);
  Buffer again;
  {
    StateReader r(saved[0]);
    again.load_snapshot(r);
  }
  for (const std::string* s : {&saved[1], &saved[2], &more}) {
    StateReader r(*s);
    again.apply_delta(r);
  }
  EXPECT_EQ(matches(again, "e"), (Seen{{6, 600, false}}));
  EXPECT_EQ(again.size(), 2u);
}

TEST(JoinBuffer, DamagedStateIsAnErrorNotACrash) {
  Buffer b;
  b.add("a", Row{"a", std::nullopt, 1}, 100);
  std::string snap;
  {
    StateWriter w(snap);
    b.save_snapshot(w);
  }
  Buffer restored;
  StateReader r(std::string_view(snap).substr(0, snap.size() - 2));
  EXPECT_THROW(restored.load_snapshot(r), StateFormatError);
}

}  // namespace
}  // namespace streamc::rt
