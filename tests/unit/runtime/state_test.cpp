#include "streamc/runtime/state.hpp"

#include <gtest/gtest.h>

#include <string>

#include "streamc/runtime/aggregates.hpp"

namespace streamc::rt {
namespace {

struct Counts {
  Count n;
  Sum<int64_t> total;
};

using Table = StateTable<std::string_view, Counts>;
using Rows = std::vector<std::tuple<std::string, int64_t, int64_t>>;

Rows all(const Table& t) {
  Rows r;
  t.for_each([&](std::string_view k, const Counts& s) { r.emplace_back(k, s.n.result(), s.total.result()); });
  return r;
}
Rows updated(const Table& t) {
  Rows r;
  t.for_each_updated([&](std::string_view k, const Counts& s) { r.emplace_back(k, s.n.result(), s.total.result()); });
  return r;
}

TEST(StateTable, CompleteAndUpdateIterationInFirstSeenOrder) {
  Table t;
  {
    std::string batch = "cat dog cat";  // keys are copied: the batch buffer dies
    for (std::string_view w : {std::string_view(batch).substr(0, 3), std::string_view(batch).substr(4, 3),
                               std::string_view(batch).substr(8, 3)}) {
      Counts& c = t.upsert(w);
      c.n.add();
      c.total.add(int64_t{10});
    }
    batch.assign("xxxxxxxxxxx");
  }
  EXPECT_EQ(all(t), (Rows{{"cat", 2, 20}, {"dog", 1, 10}}));
  EXPECT_EQ(updated(t), (Rows{{"cat", 2, 20}, {"dog", 1, 10}}));
  t.end_batch();
  EXPECT_EQ(updated(t), (Rows{}));
  // Next batch touches dog, then a new key, then cat: update mode still
  // lists them in first-seen order.
  t.upsert("dog").n.add();
  t.upsert("eel").n.add();
  t.upsert("cat").n.add();
  EXPECT_EQ(updated(t), (Rows{{"cat", 3, 20}, {"dog", 2, 10}, {"eel", 1, 0}}));
  EXPECT_EQ(all(t), (Rows{{"cat", 3, 20}, {"dog", 2, 10}, {"eel", 1, 0}}));
  EXPECT_EQ(t.size(), 3u);
  EXPECT_EQ(t.updated_size(), 3u);
  EXPECT_GT(t.bytes_estimate(), 0u);
  ASSERT_NE(t.find("eel"), nullptr);
  EXPECT_EQ(t.find("fox"), nullptr);
}

TEST(StateTable, EraseAndCompaction) {
  StateTable<int64_t, Count> t;
  for (int64_t k = 0; k < 5000; ++k) t.upsert(k).add();
  t.end_batch();
  for (int64_t k = 0; k < 4000; ++k) EXPECT_TRUE(t.erase(k));
  EXPECT_FALSE(t.erase(0));
  t.upsert(4500).add();
  t.upsert(1).add();  // seen again after erase: new, at the end
  EXPECT_EQ(t.size(), 1001u);
  t.end_batch();  // compacts
  std::vector<int64_t> keys;
  t.for_each([&](int64_t k, const Count&) { keys.push_back(k); });
  ASSERT_EQ(keys.size(), 1001u);
  EXPECT_EQ(keys.front(), 4000);
  EXPECT_EQ(keys.back(), 1);
  EXPECT_EQ(t.find(4500)->result(), 2);
  EXPECT_EQ(t.find(1)->result(), 1);
  t.upsert(4999).add();
  std::vector<int64_t> upd;
  t.for_each_updated([&](int64_t k, const Count&) { upd.push_back(k); });
  EXPECT_EQ(upd, (std::vector<int64_t>{4999}));
}

TEST(StateTable, TupleAndOptionalKeysOwnTheirStrings) {
  StateTable<std::tuple<std::string_view, std::optional<std::string_view>>, Count> t;
  {
    std::string a = "alpha", b = "beta";
    t.upsert({a, b}).add();
    t.upsert({a, std::nullopt}).add();
    a.assign("zzzzz");
    b.assign("zzzz");
  }
  std::vector<std::string> seen;
  t.for_each([&](const auto& k, const Count&) {
    seen.push_back(std::string(std::get<0>(k)) + "/" + std::string(std::get<1>(k).value_or("null")));
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"alpha/beta", "alpha/null"}));
}

}  // namespace
}  // namespace streamc::rt
