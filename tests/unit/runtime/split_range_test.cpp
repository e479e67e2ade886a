#include "streamc/runtime/split_range.hpp"

#include <gtest/gtest.h>

#include "streamc/stdlib/strings.hpp"

namespace streamc::rt {
namespace {

std::vector<std::string_view> collect(std::string_view s, std::string_view sep) {
  std::vector<std::string_view> out;
  for (std::string_view piece : SplitRange(s, sep)) out.push_back(piece);
  return out;
}

TEST(SplitRange, MatchesStdlibSplit) {
  for (std::string_view s : {"a b c", "a  b", " a ", "", "abc", ",", "a,,b,"})
    for (std::string_view sep : {" ", ",", ", ", "ab"}) EXPECT_EQ(collect(s, sep), stdlib::split(s, sep)) << s << "|" << sep;
}

TEST(SplitRange, DefaultViewIsOneEmptyPiece) {
  EXPECT_EQ(collect(std::string_view(), " "), (std::vector<std::string_view>{""}));
}

TEST(SplitRange, EmptySeparatorIsARecordError) { EXPECT_THROW(SplitRange("abc", ""), RecordError); }

}  // namespace
}  // namespace streamc::rt
