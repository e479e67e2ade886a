#include "streamc/stdlib/strings.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace streamc::stdlib {
namespace {

using V = std::vector<std::string_view>;

TEST(Strings, SplitKeepsEmptyPieces) {
  EXPECT_EQ(split("a b c", " "), (V{"a", "b", "c"}));
  EXPECT_EQ(split("a  b", " "), (V{"a", "", "b"}));
  EXPECT_EQ(split(" a ", " "), (V{"", "a", ""}));
  EXPECT_EQ(split("", ","), (V{""}));
  EXPECT_EQ(split("abc", ","), (V{"abc"}));
  EXPECT_EQ(split("a::b::", "::"), (V{"a", "b", ""}));
  EXPECT_EQ(split(",", ","), (V{"", ""}));
}

TEST(Strings, SplitRejectsEmptySeparator) {
  try {
    split("abc", "");
    FAIL() << "no error";
  } catch (const rt::RecordError& e) {
    EXPECT_STREQ(e.what(), "empty separator");
  }
}

TEST(Strings, Case) {
  EXPECT_EQ(lower("HeLLo, World 1"), "hello, world 1");
  EXPECT_EQ(upper("HeLLo, World 1"), "HELLO, WORLD 1");
  EXPECT_EQ(lower("\xC3\x89"), "\xC3\x89");  // non-ASCII kept
}

TEST(Strings, Trim) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("x"), "x");
}

TEST(Strings, LengthCountsCodePoints) {
  EXPECT_EQ(length(""), 0);
  EXPECT_EQ(length("abc"), 3);
  EXPECT_EQ(length("caf\xC3\xA9"), 4);
  EXPECT_EQ(length("\xF0\x9F\x98\x80!"), 2);
}

TEST(Strings, Contains) {
  EXPECT_TRUE(contains("streaming", "ream"));
  EXPECT_TRUE(contains("x", ""));
  EXPECT_FALSE(contains("abc", "abcd"));
}

TEST(Strings, ToInt) {
  EXPECT_EQ(to_int("42"), 42);
  EXPECT_EQ(to_int(" -7 "), -7);
  EXPECT_EQ(to_int("+5"), 5);
  EXPECT_EQ(to_int("9223372036854775807"), INT64_MAX);
}

TEST(Strings, ToIntErrors) {
  for (std::string_view bad : {"abc", "", "  ", "12x", "1.5", "+-1", "9223372036854775808", "1 2"}) {
    try {
      to_int(bad);
      ADD_FAILURE() << "no error for '" << bad << "'";
    } catch (const rt::RecordError& e) {
      EXPECT_EQ(std::string(e.what()), "cannot convert '" + std::string(bad) + "' to int");
    }
  }
}

TEST(Strings, ToFloat) {
  EXPECT_EQ(to_float("1.5"), 1.5);
  EXPECT_EQ(to_float(" -2e3 "), -2000.0);
  EXPECT_EQ(to_float("7"), 7.0);
  EXPECT_TRUE(std::isinf(to_float("inf")));
  EXPECT_TRUE(std::isnan(to_float("nan")));
  EXPECT_THROW(to_float("x1"), rt::RecordError);
  EXPECT_THROW(to_float(""), rt::RecordError);
}

TEST(Strings, NumericConversions) {
  EXPECT_EQ(to_int(2.9), 2);
  EXPECT_EQ(to_int(-2.9), -2);
  EXPECT_EQ(to_int(-9223372036854775808.0), INT64_MIN);
  EXPECT_THROW(to_int(9223372036854775808.0), rt::RecordError);
  EXPECT_THROW(to_int(std::nan("")), rt::RecordError);
  EXPECT_THROW(to_int(-INFINITY), rt::RecordError);
  EXPECT_EQ(to_float(int64_t{3}), 3.0);
}

TEST(Strings, ToStringFormatsLikePprint) {
  EXPECT_EQ(to_string(int64_t{42}), "42");
  EXPECT_EQ(to_string(2.0), "2.0");
  EXPECT_EQ(to_string(0.1), "0.1");
  EXPECT_EQ(to_string(true), "true");
  EXPECT_EQ(to_string(std::string_view("s")), "s");
}

}  // namespace
}  // namespace streamc::stdlib
