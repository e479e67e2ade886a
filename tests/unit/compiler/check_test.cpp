// Type checker units: the types of streams, and each kind of error at the
// right place. End-to-end behaviour is in tests/golden; full diagnostics
// text in tests/diagnostics.
#include "sema/check.hpp"

#include <gtest/gtest.h>

#include "driver/frontend.hpp"
#include "plan/plan.hpp"

namespace streamc {
namespace {

struct Checked {
  SourceFile file;
  Diagnostics diags;
  driver::Compilation comp;
  bool ok;
  explicit Checked(std::string text, const std::string& last = "check")
      : file("t.sdl", std::move(text)), diags(file), ok(driver::run_passes(file, diags, comp, last)) {}

  std::string stream_type(const std::string& name) const {
    for (const auto& n : comp.checked->nodes)
      if (n.stream_name == name) return sema::to_string(n.type);
    return "<none>";
  }
  std::string first_error() const { return diags.all().empty() ? "" : diags.all()[0].message; }
  LineCol first_error_at() const { return file.line_col(diags.all().at(0).range.begin); }
};

const char* kPrelude = "source lines = socket(\"localhost\", 9999)\n";

TEST(Check, WordCountTypes) {
  Checked c(std::string(kPrelude) +
            "stream words = lines |> flat_map(l -> split(l, \" \"))\n"
            "stream pairs = words |> map(w -> (w, 1))\n"
            "stream counts = pairs |> reduce_by_key((a, b) -> a + b)\n"
            "sink counts -> console()\n");
  ASSERT_TRUE(c.ok) << c.first_error();
  EXPECT_EQ(c.stream_type("lines"), "string");
  EXPECT_EQ(c.stream_type("words"), "string");
  EXPECT_EQ(c.stream_type("pairs"), "(string, int)");
  EXPECT_EQ(c.stream_type("counts"), "(string, int)");
}

TEST(Check, NumericWideningAndIf) {
  Checked c(std::string(kPrelude) +
            "stream x = lines |> map(l -> if length(l) > 2 then 1 else 2.5)\n"
            "stream y = lines |> map(l -> (length(l) * 2, length(l) / 2.0, l == \"a\" or not contains(l, \"b\")))\n"
            "sink x -> console()\nsink y -> console()\n");
  ASSERT_TRUE(c.ok) << c.first_error();
  EXPECT_EQ(c.stream_type("x"), "float");
  EXPECT_EQ(c.stream_type("y"), "(int, float, bool)");
}

TEST(Check, DestructuringLambda) {
  Checked c(std::string(kPrelude) +
            "stream p = lines |> map(l -> (l, length(l))) |> map((s, n) -> n + 1)\n"
            "sink p -> console()\n");
  ASSERT_TRUE(c.ok) << c.first_error();
  EXPECT_EQ(c.stream_type("p"), "int");
}

TEST(Check, CountByValueAndCount) {
  Checked c(std::string(kPrelude) +
            "stream v = lines |> count_by_value()\nstream n = lines |> count()\n"
            "sink v -> console()\nsink n -> console()\n");
  ASSERT_TRUE(c.ok) << c.first_error();
  EXPECT_EQ(c.stream_type("v"), "(string, int)");
  EXPECT_EQ(c.stream_type("n"), "int");
}

TEST(Check, ErrorsPointAtTheExpression) {
  Checked c(std::string(kPrelude) + "stream x = lines |> map(l -> l + 1)\nsink x -> console()\n");
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.first_error(), "cannot apply '+' to string and int; convert with to_string(…) first");
  EXPECT_EQ(c.first_error_at().line, 2u);
  EXPECT_EQ(c.first_error_at().column, 30u);
}

TEST(Check, DidYouMean) {
  Checked c(std::string(kPrelude) + "stream x = lines |> map(l -> lenght(l))\nsink x -> console()\n");
  EXPECT_EQ(c.first_error(), "unknown function 'lenght'; did you mean 'length'?");
  Checked d(std::string(kPrelude) + "stream x = lines |> mpa(l -> l)\nsink x -> console()\n");
  EXPECT_EQ(d.first_error(), "unknown operator 'mpa'; did you mean 'map'?");
}

TEST(Check, UnionNeedsOneType) {
  Checked c(std::string(kPrelude) + "stream n = lines |> map(l -> length(l))\nstream u = lines |> union(n)\nsink u -> console()\n");
  EXPECT_EQ(c.first_error(), "union needs streams of one type: this stream has string, the other has int");
}

TEST(Check, FutureConstructsAreLocatedNotSupported) {
  Checked c(std::string(kPrelude) + "stream x = lines |> join(lines, on: k)\nsink x -> console()\n");
  EXPECT_EQ(c.first_error(), "a join of a stream with itself is not supported yet");
  EXPECT_EQ(c.first_error_at().line, 2u);
}

const char* kJoinPrelude =
    "schema Imp { ad: string, imp_time: timestamp }\n"
    "schema Clk { ad: string, click_time: timestamp, cost: float }\n"
    "source imps = socket(\"h\", 1, format: json, schema: Imp)\n"
    "source clks = socket(\"h\", 2, format: json, schema: Clk)\n"
    "stream i = imps |> watermark(imp_time, 10m)\n"
    "stream c = clks |> watermark(click_time, 5m)\n";

TEST(Check, StreamJoinNodeAndType) {
  Checked c(std::string(kJoinPrelude) + "stream j = i |> join(c, on: (a, b) -> b.ad == a.ad, kind: left, within: 1h)\n"
                                        "sink j -> console()\n");
  ASSERT_TRUE(c.ok) << c.first_error();
  EXPECT_EQ(c.stream_type("j"), "{ad: string, imp_time: timestamp, click_time: timestamp?, cost: float?}");
  const sema::Node& n = c.comp.checked->nodes.back();
  EXPECT_EQ(n.op, sema::Node::Op::StreamJoin);
  EXPECT_EQ(n.inputs.size(), 2u);
  EXPECT_EQ(n.left_time, "imp_time");
  EXPECT_EQ(n.right_time, "click_time");
  EXPECT_EQ(n.within_us, 3'600'000'000);
  EXPECT_TRUE(n.left_join);
  EXPECT_EQ(n.watermarks.size(), 2u);  // the join's watermark is the minimum of both sides'
  Checked inner(std::string(kJoinPrelude) + "stream j = i |> join(c, on: ad, within: 30s)\nsink j -> console()\n");
  ASSERT_TRUE(inner.ok) << inner.first_error();
  EXPECT_EQ(inner.stream_type("j"), "{ad: string, imp_time: timestamp, click_time: timestamp, cost: float}");
}

TEST(Check, StreamJoinRulesAreLocated) {
  Checked no_within(std::string(kJoinPrelude) + "stream j = i |> join(c, on: ad)\nsink j -> console()\n");
  EXPECT_NE(no_within.first_error().find("needs a time bound, e.g. within: 1h"), std::string::npos) << no_within.first_error();
  EXPECT_EQ(no_within.first_error_at().line, 7u);
  Checked no_wm(std::string(kJoinPrelude) + "stream j = i |> join(clks, on: ad, within: 1h)\nsink j -> console()\n");
  EXPECT_NE(no_wm.first_error().find("the right stream has none"), std::string::npos) << no_wm.first_error();
  Checked update(std::string(kJoinPrelude) + "stream j = i |> join(c, on: ad, within: 1h)\nsink j -> console() mode update\n");
  EXPECT_NE(update.first_error().find("only append"), std::string::npos) << update.first_error();
  Checked keys(std::string(kJoinPrelude) + "stream j = i |> join(c, on: (a, b) -> a.ad == b.cost, within: 1h)\n"
                                           "sink j -> console()\n");
  EXPECT_EQ(keys.first_error(), "the join keys differ in type: string on the left, float on the right");
}

TEST(Check, ParamsAndConfig) {
  Checked c("param host: string = \"h\"\nparam port: int = -1\nparam f: float = 2\nparam d: duration = 250ms\n"
            "config { batch: 500ms, threads: 2 }\n"
            "source lines = socket(host, port)\nsink lines -> console()\n");
  ASSERT_TRUE(c.ok) << c.first_error();
  const auto& p = *c.comp.checked;
  EXPECT_EQ(p.batch_us, 500000);
  EXPECT_EQ(p.threads, 2);
  ASSERT_EQ(p.params.size(), 4u);
  EXPECT_EQ(p.params[1].default_text, "-1");
  EXPECT_EQ(p.params[2].default_text, "2");
  EXPECT_EQ(p.params[3].default_text, "250ms");
}

TEST(Plan, NarrowOperatorsFuseIntoOneStage) {
  Checked c(std::string(kPrelude) +
            "stream counts = lines |> flat_map(l -> split(l, \" \")) |> filter(w -> length(w) > 0)"
            " |> map(w -> (w, 1)) |> reduce_by_key((a, b) -> a + b)\nsink counts -> console()\n",
            "plan");
  ASSERT_TRUE(c.ok) << c.first_error();
  const auto& plan = *c.comp.plan;
  ASSERT_EQ(plan.stages.size(), 1u);
  EXPECT_EQ(plan.stages[0].chain.size(), 3u);  // flat_map, filter, map fused
}

TEST(Plan, SharedStreamIsMaterializedOnce) {
  Checked c(std::string(kPrelude) +
            "stream w = lines |> map(l -> upper(l))\nstream n = w |> count()\n"
            "sink w -> console()\nsink n -> console()\n",
            "plan");
  ASSERT_TRUE(c.ok) << c.first_error();
  const auto& plan = *c.comp.plan;
  ASSERT_EQ(plan.stages.size(), 2u);  // lines -> w (vector), w -> count
  EXPECT_EQ(plan.stages[1].start, plan.stages[0].target);
}

}  // namespace
}  // namespace streamc
