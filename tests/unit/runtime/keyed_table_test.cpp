#include "streamc/runtime/keyed_table.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace streamc::rt {
namespace {

auto plus = [](int64_t a, int64_t b) { return a + b; };

TEST(KeyedTable, KeepsFirstSeenOrderAndCombines) {
  KeyedTable<std::string_view, int64_t> t;
  for (std::string_view w : {"b", "a", "b", "c", "a", "b"}) t.upsert(w, 1, plus);
  ASSERT_EQ(t.size(), 3u);
  using E = std::tuple<std::string_view, int64_t>;
  EXPECT_EQ(t.entries()[0], (E{"b", 3}));
  EXPECT_EQ(t.entries()[1], (E{"a", 2}));
  EXPECT_EQ(t.entries()[2], (E{"c", 1}));
}

TEST(KeyedTable, MergeCombinesAndAppendsNewKeys) {
  KeyedTable<int64_t, int64_t> left, right;
  left.upsert(1, 10, plus);
  left.upsert(2, 20, plus);
  right.upsert(3, 3, plus);
  right.upsert(1, 1, plus);
  left.merge(std::move(right), plus);
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(std::get<1>(left.entries()[0]), 11);
  EXPECT_EQ(std::get<0>(left.entries()[2]), 3);
}

// Thread-local tables merged into an empty one (as a parallel stage does):
// the first is taken whole, keys owned by the table, order and sums as if
// every row had been upserted into one table.
TEST(KeyedTable, MergingPartsIntoAnEmptyTableEqualsOneTable) {
  const std::vector<std::string> rows{"b", "a", "b", "c", "a", "d", "b", "e", "c"};
  KeyedTable<std::string_view, int64_t> one;
  for (const auto& w : rows) one.upsert(w, 1, plus);
  KeyedTable<std::string_view, int64_t> parts[2];
  {
    std::vector<std::string> input = rows;  // the parts' keys must outlive it
    for (size_t i = 0; i < input.size(); ++i) parts[i < 5 ? 0 : 1].upsert(input[i], 1, plus);
    for (auto& s : input) s.assign(s.size(), '?');
  }
  KeyedTable<std::string_view, int64_t> merged;
  for (auto& p : parts) merged.merge(std::move(p), plus);
  EXPECT_EQ(merged.entries(), one.entries());
  merged.upsert("f", 1, plus);  // the table goes on growing in its own arena
  EXPECT_EQ(std::get<0>(merged.entries().back()), "f");
}

TEST(Arena, AMovedFromArenaIsEmptyAndHandsOutMemoryOfItsOwn) {
  Arena a;
  const std::string_view kept = a.copy("kept");
  Arena b = std::move(a);
  const std::string_view fresh = a.copy("fresh");  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(kept, "kept");
  EXPECT_EQ(fresh, "fresh");
  EXPECT_EQ(b.copy("more"), "more");
  EXPECT_EQ(kept, "kept");
}

TEST(KeyedTable, CombineCanBeAnyFunction) {
  KeyedTable<std::string_view, int64_t> t;
  auto max = [](int64_t a, int64_t b) { return a > b ? a : b; };
  t.upsert("k", 3, max);
  t.upsert("k", 9, max);
  t.upsert("k", 1, max);
  EXPECT_EQ(std::get<1>(t.entries()[0]), 9);
  t.clear();
  EXPECT_EQ(t.size(), 0u);
}

TEST(KeyedTable, TupleKeys) {
  KeyedTable<std::tuple<std::string_view, int64_t>, int64_t> t;
  t.upsert({"a", 1}, 1, plus);
  t.upsert({"a", 2}, 1, plus);
  t.upsert({"a", 1}, 1, plus);
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(std::get<1>(t.entries()[0]), 2);
}

}  // namespace
}  // namespace streamc::rt
