#include "streamc/runtime/arena.hpp"

#include <gtest/gtest.h>

#include <string>

namespace streamc::rt {
namespace {

TEST(Arena, CopiesOutliveTheSource) {
  Arena a;
  std::string_view v;
  {
    std::string tmp = "temporary";
    v = a.copy(tmp);
  }
  EXPECT_EQ(v, "temporary");
  EXPECT_EQ(a.copy(""), "");
}

TEST(Arena, ConcatAndKeep) {
  Arena a;
  EXPECT_EQ(a.concat("ab", "cd"), "abcd");
  EXPECT_EQ(a.concat("", ""), "");
  EXPECT_EQ(a.keep(std::string("kept")), "kept");
}

TEST(Arena, GrowsForLargeAllocationsAndKeepsOldOnes) {
  Arena a;
  std::string_view first = a.copy("first");
  std::string big(1 << 20, 'x');
  std::string_view b = a.copy(big);
  EXPECT_EQ(b.size(), big.size());
  EXPECT_EQ(first, "first");
  EXPECT_GE(a.bytes_reserved(), big.size());
}

TEST(Arena, ResetKeepsTheFirstBlock) {
  Arena a;
  for (int i = 0; i < 100; ++i) a.copy(std::string(10'000, 'y'));
  size_t before = a.bytes_reserved();
  a.reset();
  EXPECT_LT(a.bytes_reserved(), before);
  EXPECT_GT(a.bytes_reserved(), 0u);
  EXPECT_EQ(a.copy("again"), "again");
}

}  // namespace
}  // namespace streamc::rt
