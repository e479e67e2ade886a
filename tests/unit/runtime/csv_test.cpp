#include "streamc/runtime/csv.hpp"

#include <gtest/gtest.h>

#include "base/framing.hpp"

namespace streamc::rt {
namespace {

using Fields = std::vector<std::string_view>;

Fields split(std::string_view rec, char delim = ',', bool* ok = nullptr) {
  static Arena arena;
  Fields f;
  bool good = split_csv(rec, delim, f, arena);
  if (ok) *ok = good;
  return f;
}

TEST(SplitCsv, PlainAndQuotedFields) {
  EXPECT_EQ(split("a,b,c"), (Fields{"a", "b", "c"}));
  EXPECT_EQ(split(""), (Fields{""}));
  EXPECT_EQ(split("a,,"), (Fields{"a", "", ""}));
  EXPECT_EQ(split(",a"), (Fields{"", "a"}));
  EXPECT_EQ(split("\"a,b\",c"), (Fields{"a,b", "c"}));
  EXPECT_EQ(split("\"\",x"), (Fields{"", "x"}));
  EXPECT_EQ(split("\"line1\nline2\",2"), (Fields{"line1\nline2", "2"}));
  EXPECT_EQ(split("a\"b,c"), (Fields{"a\"b", "c"}));  // a quote inside an unquoted field is text
  EXPECT_EQ(split("a;b,c;d", ';'), (Fields{"a", "b,c", "d"}));
  EXPECT_EQ(split("a\tb", '\t'), (Fields{"a", "b"}));
}

TEST(SplitCsv, EscapedQuotesAreCopiedOnlyWhenNeeded) {
  std::string rec = "\"say \"\"hi\"\"\",\"plain\"";
  Fields f = split(rec);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0], "say \"hi\"");
  EXPECT_EQ(f[1], "plain");
  // The field without "" is a view into the record itself.
  EXPECT_GE(f[1].data(), rec.data());
  EXPECT_LT(f[1].data(), rec.data() + rec.size());
}

TEST(SplitCsv, MalformedIsReportedButStillSplit) {
  bool ok = true;
  EXPECT_EQ(split("\"open,b", ',', &ok), (Fields{"open,b"}));
  EXPECT_FALSE(ok);
  EXPECT_EQ(split("\"a\"x,b", ',', &ok), (Fields{"ax", "b"}));
  EXPECT_FALSE(ok);
  split("\"a\",b", ',', &ok);
  EXPECT_TRUE(ok);
}

TEST(SplitCsv, SaysWhichProblemAndWhere) {
  Arena arena;
  Fields f;
  CsvProblem problem;
  EXPECT_FALSE(split_csv("a,\"open\nb", ',', f, arena, problem));
  EXPECT_EQ(problem.kind, CsvProblem::UnterminatedQuote);
  EXPECT_EQ(problem.at, 2u);  // the opening quote
  EXPECT_EQ(f, split("a,\"open\nb"));
  // The first problem: text after a closing quote, then an open quote.
  EXPECT_FALSE(split_csv("x,\"a\"yz,\"b", ',', f, arena, problem));
  EXPECT_EQ(problem.kind, CsvProblem::TextAfterQuote);
  EXPECT_EQ(problem.at, 5u);  // the 'y'
  EXPECT_EQ(f, split("x,\"a\"yz,\"b"));
  EXPECT_TRUE(split_csv("\"a\",b", ',', f, arena, problem));
  EXPECT_EQ(problem.kind, CsvProblem::None);
}

TEST(CsvHeader, ColumnByName) {
  CsvHeader h;
  h.names = {"word", "ts", "n"};
  EXPECT_EQ(h.column("ts"), 1);
  EXPECT_EQ(h.column("n"), 2);
  EXPECT_EQ(h.column("missing"), -1);
}

using Records = std::vector<std::string_view>;

Records frame(std::string_view text, char delim = ',') {
  Records r;
  EXPECT_EQ(frame_csv(text, delim, r), text.size());
  return r;
}

TEST(FrameCsv, QuotedNewlinesCrlfAndBlankLines) {
  EXPECT_EQ(frame("a,b\n1,2\n"), (Records{"a,b", "1,2"}));
  EXPECT_EQ(frame("a,b\r\n1,2\r\n"), (Records{"a,b", "1,2"}));
  EXPECT_EQ(frame("a,b\n\n1,2"), (Records{"a,b", "1,2"}));  // no final newline, blank line skipped
  EXPECT_EQ(frame("x,\"multi\nline\",y\nnext\n"), (Records{"x,\"multi\nline\",y", "next"}));
  EXPECT_EQ(frame("\"a \"\"q\"\"\nb\",c\r\nd\r\n"), (Records{"\"a \"\"q\"\"\nb\",c", "d"}));
  EXPECT_EQ(frame("ab\"c\nd\n"), (Records{"ab\"c", "d"}));  // a stray quote mid-field opens nothing
  EXPECT_EQ(frame("a;\"b\nc\";d\n", ';'), (Records{"a;\"b\nc\";d"}));
  EXPECT_EQ(frame("\"unterminated\nrest\n"), (Records{"\"unterminated\nrest\n"}));
  EXPECT_EQ(frame(""), (Records{}));
}

TEST(FrameCsv, NotFinalKeepsAnOpenQuotedRecord) {
  Records r;
  std::string_view text = "a,1\n\"open\nstill,";
  EXPECT_EQ(frame_csv(text, ',', r, false), 4u);
  EXPECT_EQ(r, (Records{"a,1"}));
  r.clear();
  std::string_view partial = "a,1\nb,2";
  EXPECT_EQ(frame_csv(partial, ',', r, false), 4u);  // "b,2" may go on
  EXPECT_EQ(r, (Records{"a,1"}));
}

}  // namespace
}  // namespace streamc::rt
