// Plan units: the state objects of stateful nodes and the names they are
// checkpointed under (Plan::state). Checkpoints on disk and in changelog
// topics hold these names and signatures: the expected strings are what
// streamc wrote before the plan decided them, so a change here is a change
// that existing checkpoints cannot follow. The plan's whole text for every
// example is in tests/dump.
#include "plan/plan.hpp"

#include <gtest/gtest.h>

#include "driver/frontend.hpp"

namespace streamc {
namespace {

// "name of #node: signature" per state object, in the order codegen registers them.
std::vector<std::string> state_of(const std::string& text) {
  SourceFile file("t.sdl", text);
  Diagnostics diags(file);
  driver::Compilation comp;
  if (!driver::run_passes(file, diags, comp, "plan")) {
    ADD_FAILURE() << (diags.all().empty() ? "failed" : diags.all()[0].message);
    return {};
  }
  std::vector<std::string> out;
  for (const auto& st : comp.plan->state) out.push_back(st.name + " of #" + std::to_string(st.node) + ": " + st.signature);
  return out;
}

TEST(PlanState, WatermarkAndDropDuplicatesUnderIt) {
  EXPECT_EQ(state_of("schema Event { guid: string, ts: timestamp }\n"
                     "source events = files(\"in/*.csv\", format: csv, schema: Event)\n"
                     "stream unique = events |> watermark(ts, 10m) |> drop_duplicates(guid, ts)\n"
                     "sink unique -> console()\n"),
            (std::vector<std::string>{"watermark#0 of #2: column=timestamp",
                                      "drop_duplicates#0 of #3: key=(string,timestamp) expires=ts+0us"}));
}

TEST(PlanState, DStreamWindowsWithAndWithoutAnInverse) {
  // The length in batches follows the signature at run time.
  EXPECT_EQ(state_of("source lines = files(\"in/*.txt\", format: text)\n"
                     "stream words = lines |> flat_map(l -> split(l, \" \")) |> map(w -> (w, 1))\n"
                     "stream incremental = words |> reduce_by_key_and_window((a, b) -> a + b, 3s, 1s, (a, b) -> a - b)\n"
                     "stream recomputed = words |> reduce_by_key_and_window((a, b) -> a + b, 3s, 1s)\n"
                     "sink incremental -> console()\nsink recomputed -> console()\n"),
            (std::vector<std::string>{"window#0 of #4: totals=(string, int) batches=",
                                      "window#1 of #6: element=(string, int) batches="}));
}

TEST(PlanState, DropDuplicatesAndUpdateStateByKeyCountedPerKind) {
  EXPECT_EQ(state_of("source lines = files(\"in/*.txt\", format: text)\n"
                     "stream firsts = lines |> drop_duplicates()\n"
                     "stream seen = lines |> map(l -> (l, 1))\n"
                     "  |> update_state_by_key((values, state) -> if (state ?? 0) >= 3 then null else (state ?? 0) + 1)\n"
                     "sink firsts -> console()\nsink seen -> console()\n"),
            (std::vector<std::string>{"drop_duplicates#0 of #1: key=string",
                                      "update_state_by_key#0 of #3: key=string state=int"}));
}

TEST(PlanState, StreamJoinHasABufferPerSide) {
  EXPECT_EQ(state_of("schema Impression { ad: string, imp_time: timestamp }\n"
                     "schema Click { ad: string, click_time: timestamp }\n"
                     "source impressions = files(\"imp/*.json\", format: json, schema: Impression)\n"
                     "source clicks = files(\"clk/*.json\", format: json, schema: Click)\n"
                     "stream imps = impressions |> watermark(imp_time, 10m)\n"
                     "stream clks = clicks |> watermark(click_time, 10m)\n"
                     "stream joined = imps |> join(clks, on: (i, c) -> i.ad == c.ad, kind: inner, within: 30m)\n"
                     "sink joined -> console()\n"),
            (std::vector<std::string>{
                "watermark#0 of #4: column=timestamp", "watermark#1 of #5: column=timestamp",
                "stream_join#0.left of #6: key=ad:string time=imp_time row=Impression within=1800000000us",
                "stream_join#0.right of #6: key=ad:string time=click_time row=Click within=1800000000us"}));
}

TEST(PlanState, MapGroupsWithStateAndAggregateOrdinalsSurviveAFilter) {
  const std::string head =
      "schema Reading { device: string, ts: timestamp, temp: float }\n"
      "source readings = files(\"in/*.json\", format: json, schema: Reading)\n";
  const std::string groups =
      "stream last = readings |> group_by(device)\n"
      "  |> map_groups_with_state((device, rows, state) -> (size(rows.ts), update(state, size(rows.ts))), state: int)\n"
      "sink last -> console() mode update\n"
      "stream counts = readings |> group_by(device) |> aggregate(count() as n)\n"
      "sink counts -> console() mode complete\n";
  std::vector<std::string> want = {"map_groups_with_state#0 of #2: key=string state=int timeout=none",
                                   "aggregate#0 of #3: keys=(device:string) aggs=(count())"};
  EXPECT_EQ(state_of(head + groups), want);
  // A narrow operator before them moves node ids, not names.
  auto filtered = state_of(head + "stream hot = readings |> filter(temp > 30.0)\n" + "sink hot -> console()\n" + groups);
  ASSERT_EQ(filtered.size(), 2u);
  EXPECT_EQ(filtered[0].substr(0, filtered[0].find(" of ")), "map_groups_with_state#0");
  EXPECT_EQ(filtered[1].substr(0, filtered[1].find(" of ")), "aggregate#0");
}

}  // namespace
}  // namespace streamc
