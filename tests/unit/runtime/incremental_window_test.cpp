#include "streamc/runtime/incremental_window.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace streamc::rt {
namespace {

using Window = IncrementalWindow<std::string_view, int64_t>;
using Pairs = std::vector<std::tuple<std::string_view, int64_t>>;

const auto plus = [](int64_t a, int64_t b) { return a + b; };
const auto minus = [](int64_t a, int64_t b) { return a - b; };

std::map<std::string, int64_t> totals(const Window& w) {
  std::map<std::string, int64_t> out;
  w.for_each([&](const std::tuple<std::string_view, int64_t>& t) { out[std::string(std::get<0>(t))] = std::get<1>(t); });
  return out;
}

// The batches' partials, each batch's strings in a buffer that is gone
// after add() (the window must own what it keeps).
bool add(Window& w, const std::vector<std::pair<std::string, int64_t>>& batch) {
  std::vector<std::string> words;
  for (const auto& [k, v] : batch) words.push_back(k);
  Pairs pairs;
  for (size_t i = 0; i < batch.size(); ++i) pairs.emplace_back(words[i], batch[i].second);
  bool slid = w.add(pairs, plus, minus);
  for (auto& s : words) s.assign(s.size(), '#');
  return slid;
}

TEST(IncrementalWindow, AddsEnteringBatchesAndSubtractsLeavingOnes) {
  Window w(3, 1);
  EXPECT_TRUE(add(w, {{"a", 1}, {"x", 5}}));
  EXPECT_EQ(totals(w), (std::map<std::string, int64_t>{{"a", 1}, {"x", 5}}));
  add(w, {{"a", 2}});
  add(w, {{"b", 7}});
  EXPECT_EQ(totals(w), (std::map<std::string, int64_t>{{"a", 3}, {"b", 7}, {"x", 5}}));
  add(w, {{"a", 4}});  // the first batch leaves: x has no batch left and is gone
  EXPECT_EQ(totals(w), (std::map<std::string, int64_t>{{"a", 6}, {"b", 7}}));
  add(w, {});
  add(w, {});
  EXPECT_EQ(totals(w), (std::map<std::string, int64_t>{{"a", 4}}));
  add(w, {});
  EXPECT_TRUE(totals(w).empty());
  EXPECT_EQ(w.size(), 0u);
}

TEST(IncrementalWindow, SlidesEverySlideBatches) {
  Window w(4, 2);
  EXPECT_FALSE(add(w, {{"a", 1}}));
  EXPECT_TRUE(add(w, {{"a", 1}}));
  EXPECT_FALSE(add(w, {}));
  EXPECT_TRUE(add(w, {}));
}

TEST(IncrementalWindow, SnapshotRestoresSlotsAndTotals) {
  Window w(3, 1);
  add(w, {{"a", 1}, {"b", 2}});
  add(w, {{"a", 10}});
  std::string payload;
  StateWriter out(payload);
  w.save_snapshot(out);
  out.finish();  // payload holds exactly the written bytes from here

  Window back(3, 1);
  StateReader in(payload);
  back.load_snapshot(in);
  EXPECT_EQ(totals(back), totals(w));
  // Both go on alike: the restored slots subtract what they hold.
  for (Window* x : {&w, &back}) {
    add(*x, {{"c", 1}});
    add(*x, {});
  }
  EXPECT_EQ(totals(back), (std::map<std::string, int64_t>{{"a", 10}, {"c", 1}}));
  EXPECT_EQ(totals(back), totals(w));

  Window other(5, 1);
  StateReader again(payload);
  EXPECT_THROW(other.load_snapshot(again), StateFormatError);
}

TEST(IncrementalWindow, ManyBatchesKeepTotalsExact) {
  Window w(5, 1);
  std::map<int, std::vector<std::pair<std::string, int64_t>>> history;
  for (int b = 0; b < 200; ++b) {
    std::vector<std::pair<std::string, int64_t>> batch;
    for (int k = 0; k < 20; ++k)
      if ((b * 7 + k * 3) % 5 < 2) batch.emplace_back("key" + std::to_string(k), b + k);
    history[b] = batch;
    add(w, batch);
    std::map<std::string, int64_t> expect;
    for (int old = std::max(0, b - 4); old <= b; ++old)
      for (const auto& [k, v] : history[old]) expect[k] += v;
    ASSERT_EQ(totals(w), expect) << "batch " << b;
  }
}

}  // namespace
}  // namespace streamc::rt
