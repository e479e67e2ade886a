#include "streamc/runtime/keyed_table.hpp"

#include <gtest/gtest.h>

#include <string_view>

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
