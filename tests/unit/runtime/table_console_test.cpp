#include <gtest/gtest.h>

#include <array>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {
namespace {

struct WordCount {
  std::string_view word;
  int64_t n;
  static constexpr std::array<std::string_view, 2> field_names = {"word", "n"};
  template <class F>
  void for_each_field(F&& f) const {
    f("word", word);
    f("n", n);
  }
};

struct Inner {
  std::string_view a;
  int64_t b;
  static constexpr std::array<std::string_view, 2> field_names = {"a", "b"};
  template <class F>
  void for_each_field(F&& f) const {
    f("a", a);
    f("b", b);
  }
};

struct Wide {
  std::optional<std::string_view> name;
  Timestamp ts;
  Inner inner;
  std::vector<std::string_view> tags;
  double x;
  static constexpr std::array<std::string_view, 5> field_names = {"name", "ts", "inner", "tags", "x"};
  template <class F>
  void for_each_field(F&& f) const {
    f("name", name);
    f("ts", ts);
    f("inner", inner);
    f("tags", tags);
    f("x", x);
  }
};

template <class Rows>
std::string shown(TableConsoleOptions o, const Rows& rows) {
  TableConsoleSink sink("out", o);
  Batch b;
  ::testing::internal::CaptureStdout();
  sink.write(b, rows);
  return ::testing::internal::GetCapturedStdout();
}

TEST(TableConsoleSink, SparkLayout) {
  std::vector<WordCount> rows = {{"cat", 2}, {"dog", 1}, {"zebrafish", 12}};
  EXPECT_EQ(shown({}, rows),
            "-------------------------------------------\n"
            "Batch: 0\n"
            "-------------------------------------------\n"
            "+---------+---+\n"
            "|     word|  n|\n"
            "+---------+---+\n"
            "|      cat|  2|\n"
            "|      dog|  1|\n"
            "|zebrafish| 12|\n"
            "+---------+---+\n"
            "\n");
}

TEST(TableConsoleSink, OnlyShowingTopRows) {
  std::vector<WordCount> rows = {{"cat", 2}, {"dog", 1}, {"eel", 1}};
  EXPECT_EQ(shown({.rows = 2}, rows),
            "-------------------------------------------\n"
            "Batch: 0\n"
            "-------------------------------------------\n"
            "+----+---+\n"
            "|word|  n|\n"
            "+----+---+\n"
            "| cat|  2|\n"
            "| dog|  1|\n"
            "+----+---+\n"
            "only showing top 2 rows\n"
            "\n");
  EXPECT_NE(shown({.rows = 1}, rows).find("only showing top 1 row\n\n"), std::string::npos);
  EXPECT_EQ(shown({.rows = 3}, rows).find("only showing"), std::string::npos);
}

TEST(TableConsoleSink, EmptyBatchPrintsTheHeader) {
  std::vector<WordCount> rows;
  EXPECT_EQ(shown({}, rows),
            "-------------------------------------------\n"
            "Batch: 0\n"
            "-------------------------------------------\n"
            "+----+---+\n"
            "|word|  n|\n"
            "+----+---+\n"
            "+----+---+\n"
            "\n");
}

TEST(TableConsoleSink, CellsTruncatedNullsTimestampsNested) {
  std::vector<Wide> rows = {
      {"a very long name that goes on", Timestamp{1795525200'000'000}, {"x", 1}, {"a", "b"}, 1e7},
      {std::nullopt, Timestamp{1795525200'500'000}, {"y", 2}, {}, 0.5},
  };
  EXPECT_EQ(shown({}, rows),
            "-------------------------------------------\n"
            "Batch: 0\n"
            "-------------------------------------------\n"
            "+--------------------+--------------------+------+------+-----+\n"
            "|                name|                  ts| inner|  tags|    x|\n"
            "+--------------------+--------------------+------+------+-----+\n"
            "|a very long name ...| 2026-11-24 13:00:00|{x, 1}|[a, b]|1.0E7|\n"
            "|                null|2026-11-24 13:00:...|{y, 2}|    []|  0.5|\n"
            "+--------------------+--------------------+------+------+-----+\n"
            "\n");
}

TEST(TableConsoleSink, NoTruncationLeftAlignsAndEscapes) {
  std::vector<WordCount> rows = {{"line\nbreak and a long tail!", 1}};
  EXPECT_EQ(shown({.truncate = false}, rows),
            "-------------------------------------------\n"
            "Batch: 0\n"
            "-------------------------------------------\n"
            "+----------------------------+---+\n"
            "|word                        |n  |\n"
            "+----------------------------+---+\n"
            "|line\\nbreak and a long tail!|1  |\n"
            "+----------------------------+---+\n"
            "\n");
}

TEST(TableConsoleSink, TuplesAndWideCharacters) {
  std::vector<std::tuple<std::string_view, int64_t>> rows = {{"日本", 1}};
  EXPECT_EQ(shown({}, rows),
            "-------------------------------------------\n"
            "Batch: 0\n"
            "-------------------------------------------\n"
            "+----+---+\n"
            "|  _1| _2|\n"
            "+----+---+\n"
            "|日本|  1|\n"
            "+----+---+\n"
            "\n");
}

TEST(TableConsoleSink, RenderWithoutColumns) {
  TableConsoleSink sink("out", {});
  EXPECT_EQ(sink.render(3, {}, {}, false),
            "-------------------------------------------\n"
            "Batch: 3\n"
            "-------------------------------------------\n"
            "++\n||\n++\n++\n\n");
}

TEST(CellFormat, JavaDoubles) {
  auto cell = [](double v) {
    std::string s;
    append_cell(s, v);
    return s;
  };
  EXPECT_EQ(cell(2.0), "2.0");
  EXPECT_EQ(cell(0.001), "0.001");
  EXPECT_EQ(cell(1234567.5), "1234567.5");
  EXPECT_EQ(cell(1e7), "1.0E7");
  EXPECT_EQ(cell(12345678.0), "1.2345678E7");
  EXPECT_EQ(cell(0.0001), "1.0E-4");
  EXPECT_EQ(cell(-2.5e-10), "-2.5E-10");
  EXPECT_EQ(cell(0.0), "0.0");
  EXPECT_EQ(cell(NAN), "NaN");
  EXPECT_EQ(cell(-INFINITY), "-Infinity");
}

}  // namespace
}  // namespace streamc::rt
