// Checkpoint files (format, checksum, damage detection), state save/load
// round trips (snapshot + deltas rebuild the same table in the same order),
// plan changes, and the files sink manifest reader.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "checkpoint/checkpoint.hpp"
#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint/output_manifest.hpp"
#include "error_of.hpp"
#include "streamc/runtime/aggregates.hpp"
#include "streamc/runtime/event_time.hpp"
#include "streamc/runtime/state.hpp"
#include "test_dir.hpp"

namespace streamc::rt {
namespace {

using testing::error_of;
using testing::TestDir;

TEST(CheckpointFile, RoundTripAndLayout) {
  std::string bytes = encode_checkpoint_file("offsets", "batch 3\n");
  EXPECT_EQ(bytes.substr(0, 13), "SCK1 offsets\n");
  EXPECT_EQ(bytes.size(), 13 + 8 + kCheckpointTrailerSize);
  EXPECT_EQ(bytes.substr(21, 14), "#streamc xxh3=");
  EXPECT_EQ(decode_checkpoint_file(bytes, "offsets", "f"), "batch 3\n");
  std::string binary("\0\n#streamc \xff", 12);
  EXPECT_EQ(decode_checkpoint_file(encode_checkpoint_file("delta", binary), "delta", "f"), binary);
}

TEST(CheckpointFile, DamageIsAnErrorNamingTheFile) {
  std::string bytes = encode_checkpoint_file("commit", "batch 7\n");
  auto err = [&](std::string b, std::string_view kind = "commit") {
    return error_of([&] { decode_checkpoint_file(b, kind, "chk/commits/7"); });
  };
  EXPECT_EQ(err(""), "checkpoint file 'chk/commits/7' is damaged: the file is empty (truncated)");
  for (size_t cut = 1; cut < bytes.size(); ++cut)
    EXPECT_NE(err(bytes.substr(0, cut)).find("checkpoint file 'chk/commits/7' is damaged"), std::string::npos) << cut;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string flipped = bytes;
    flipped[i] ^= 0x20;
    EXPECT_NE(err(flipped), "") << i;
  }
  EXPECT_NE(err(bytes, "offsets").find("expected a 'offsets' file"), std::string::npos);
  EXPECT_EQ(err(bytes + "x"), "checkpoint file 'chk/commits/7' is damaged: truncated or overwritten (no valid checksum line at the end)");
}

TEST(CheckpointFile, WrittenAtomicallyAndNumbered) {
  TestDir dir;
  write_checkpoint_file(dir.path(), "12.delta", "delta", "x");
  write_checkpoint_file(dir.path(), "3.delta", "delta", "y");
  write_checkpoint_file(dir.path(), "4.snapshot", "snapshot", "z");
  dir.write(".5.delta.tmp", "half");
  EXPECT_EQ(numbered_files(dir.path(), ".delta"), (std::vector<int64_t>{3, 12}));
  EXPECT_EQ(read_checkpoint_file(dir / "12.delta", "delta"), "x");
  EXPECT_EQ(error_of([&] { read_checkpoint_file(dir / "9.delta", "delta"); }),
            "checkpoint file '" + dir / "9.delta" + "' is missing");
}

struct Agg {
  Count a0;
  Sum<int64_t> a1;
  Max<std::string_view> a2;
  CollectList<std::string_view> a3;
  template <class F>
  void for_each_member(F&& f) {
    f(a0);
    f(a1);
    f(a2);
    f(a3);
  }
  template <class F>
  void for_each_member(F&& f) const {
    f(a0);
    f(a1);
    f(a2);
    f(a3);
  }
};
using Table = StateTable<std::tuple<std::string_view, int64_t>, Agg>;

std::string dump(const Table& t) {
  std::string out;
  t.for_each([&](const auto& k, const Agg& s) {
    out += std::string(std::get<0>(k)) + "/" + std::to_string(std::get<1>(k)) + "=" + std::to_string(s.a0.result()) +
           "," + std::to_string(s.a1.result()) + "," + std::string(s.a2.result().value_or("-")) + "," +
           std::to_string(s.a3.result().size()) + ";";
  });
  return out;
}

TEST(StateCheckpoint, SnapshotPlusDeltasRebuildTheTableInOrder) {
  auto live = std::make_shared<Table>();
  PersistentStateOf<Table> saver(live);
  saver.track_changes();
  std::vector<std::pair<bool, std::string>> files;
  auto save = [&](bool snapshot) {
    std::string payload;
    {
      StateWriter w(payload);  // payload is whole once the writer is gone
      saver.save(w, snapshot);
    }
    files.emplace_back(snapshot, payload);
  };
  auto touch = [&](std::string word, int64_t n) {
    Agg& a = live->upsert({word, n % 3});
    a.a0.add();
    a.a1.add(n);
    a.a2.add(std::string_view(word));
    a.a3.add(std::string_view(word));
  };
  for (int i = 0; i < 5; ++i) touch("w" + std::to_string(i), i);
  live->end_batch();
  save(false);
  touch("w1", 10);
  touch("new", 4);
  live->erase({"w2", 2});
  live->end_batch();
  save(true);
  live->erase({"w0", 0});
  touch("w2", 2);  // back, at the end of the order
  touch("w3", 7);
  live->end_batch();
  save(false);
  touch("w4", 1);
  live->end_batch();
  save(false);

  // The snapshot, then the deltas after it (what restore_state reads).
  auto restored = std::make_shared<Table>();
  PersistentStateOf<Table> loader(restored);
  for (size_t f = 1; f < files.size(); ++f) {
    StateReader r(files[f].second);
    loader.load(r, files[f].first);
    EXPECT_TRUE(r.done());
  }
  EXPECT_EQ(dump(*restored), dump(*live));
  EXPECT_EQ(dump(*live), "w1/1=2,11,w1,2;w3/0=1,3,w3,1;w4/1=2,5,w4,2;new/1=1,4,new,1;w2/2=1,2,w2,1;w3/1=1,7,w3,1;");
}

TEST(StateCheckpoint, TruncatedStateIsAFormatError) {
  auto t = std::make_shared<Table>();
  t->upsert({"a", 1}).a0.add();
  std::string payload;
  StateWriter w(payload);
  t->save_snapshot(w);
  w.finish();
  for (size_t cut = 0; cut < payload.size(); ++cut) {
    Table u;
    StateReader r(std::string_view(payload).substr(0, cut));
    EXPECT_THROW(u.load_snapshot(r), StateFormatError) << cut;
  }
}

TEST(StateCheckpoint, SeenSetAndWatermark) {
  auto s = std::make_shared<SeenSet<std::string_view>>();
  s->track_changes();
  s->insert("a");
  std::string snap, delta;
  StateWriter ws(snap);
  s->save_snapshot(ws);
  ws.finish();
  s->insert("b");
  s->insert("a");
  StateWriter wd(delta);
  s->save_delta(wd);
  wd.finish();
  SeenSet<std::string_view> u;
  StateReader rs(snap), rd(delta);
  u.load_snapshot(rs);
  u.apply_delta(rd);
  EXPECT_EQ(u.size(), 2u);
  EXPECT_TRUE(u.contains("b"));

  WatermarkState wm;
  wm.delay_us = 5;
  wm.observe(Timestamp{100});
  wm.advance();
  std::string b;
  StateWriter w(b);
  wm.save_snapshot(w);
  w.finish();
  WatermarkState v;
  StateReader r(b);
  v.load_snapshot(r);
  EXPECT_EQ(v.current, 95);
  EXPECT_EQ(v.max_seen, 100);
}

TEST(Checkpoint, PlanChangesAreNamed) {
  Signatures src{{"words", "files"}};
  Signatures st{{"aggregate#0", "keys=(word:string) aggs=(count())"}};
  EXPECT_EQ(describe_plan_change(src, src, st, st), "");
  EXPECT_EQ(describe_plan_change(src, src, st, {{"aggregate#0", "keys=(n:int) aggs=(count())"}}),
            "the state of aggregate#0 cannot be reused: keys changed from (word:string) to (n:int)");
  EXPECT_EQ(describe_plan_change(src, src, st, {{"aggregate#0", "keys=(word:string) aggs=(count(),sum(int))"}}),
            "the state of aggregate#0 cannot be reused: aggs changed from (count()) to (count(),sum(int))");
  EXPECT_EQ(describe_plan_change(src, {{"lines", "socket"}}, st, st),
            "source #0 changed from 'words: files' to 'lines: socket'");
  EXPECT_NE(describe_plan_change(src, src, st, {}).find("no longer has"), std::string::npos);
  EXPECT_NE(describe_plan_change(src, src, {}, st).find("new stateful operator aggregate#0"), std::string::npos);
}

TEST(Checkpoint, OffsetsCommitsAndPending) {
  TestDir dir;
  Signatures src{{"words", "files"}};
  {
    Checkpoint c(dir / "chk");
    c.open(src, {});
    EXPECT_EQ(c.last_committed(), -1);
    c.write_source_log("words", 0, {"in/a.json", "in/b.json"});
    c.write_offsets({0, 1000, false, {"2"}});
    c.write_commit(0);
    c.write_source_log("words", 1, {"in/c.json"});
    c.write_offsets({1, 2000, false, {"3"}});
  }
  Checkpoint c(dir / "chk");
  c.open(src, {});
  EXPECT_EQ(c.last_committed(), 0);
  ASSERT_TRUE(c.pending());
  EXPECT_EQ(c.pending()->batch, 1);
  EXPECT_EQ(c.pending()->time_us, 2000);
  EXPECT_EQ(c.pending()->offsets, std::vector<std::string>{"3"});
  EXPECT_EQ(c.read_source_log("words", 0), (std::vector<std::string>{"in/a.json", "in/b.json"}));
  Checkpoint other(dir / "chk");
  EXPECT_NE(error_of([&] { other.open({{"lines", "socket"}}, {}); }).find("belongs to another plan"), std::string::npos);
}

TEST(Checkpoint, SourceLogsAreCompacted) {
  TestDir dir;
  Checkpoint c(dir / "chk");
  c.open({{"words", "files"}}, {});
  const int64_t k = Checkpoint::kCompactEvery;
  std::vector<std::string> taken;
  std::vector<std::vector<std::string>> upto;  // upto[b]: every file taken in batches 0..b
  for (int64_t b = 0; b < 2 * k + 5; ++b) {
    std::vector<std::string> log;
    for (int64_t f = 0; f < b % 3; ++f) log.push_back("in/" + std::to_string(b) + "-" + std::to_string(f) + ".json");
    c.write_source_log("words", b, log);
    taken.insert(taken.end(), log.begin(), log.end());
    upto.push_back(taken);
  }
  // Compact files at k-1 and 2k-1; the batch logs the older one covers are gone.
  const std::string logs = dir / "chk/sources/words";
  EXPECT_EQ(numbered_files(logs, ".compact"), (std::vector<int64_t>{k - 1, 2 * k - 1}));
  std::vector<int64_t> left = numbered_files(logs);
  ASSERT_FALSE(left.empty());
  EXPECT_EQ(left.front(), k);
  EXPECT_EQ(left.back(), 2 * k + 4);
  // A restart after any batch still held sees exactly the files taken up to it.
  for (int64_t last = k - 1; last < 2 * k + 5; ++last) EXPECT_EQ(c.read_source_history("words", last), upto[last]) << last;
  // A damaged compact file is named.
  {
    std::ofstream(logs + "/" + std::to_string(2 * k - 1) + ".compact", std::ios::trunc) << "x";
  }
  EXPECT_NE(error_of([&] { c.read_source_history("words", 2 * k + 2); }).find(std::to_string(2 * k - 1) + ".compact"),
            std::string::npos);
}

TEST(OutputManifest, ReadsOnlyCommittedParts) {
  TestDir dir;
  dir.write("out/part-00000.json", "{\"a\":1}\n");
  dir.write("out/part-00001.json", "{\"a\":2}\n");
  dir.write("out/part-00002.json", "{\"a\":3}\n");  // written, never committed (a crash)
  std::filesystem::create_directories(dir / "out/_streamc");
  write_manifest_entry(dir / "out", {0, "q", false, "json", {"part-00000.json"}});
  write_manifest_entry(dir / "out", {1, "q", false, "json", {"part-00001.json"}});
  EXPECT_EQ(read_committed_output(dir / "out"), "{\"a\":1}\n{\"a\":2}\n");
  write_manifest_entry(dir / "out", {2, "q", true, "json", {}});
  EXPECT_EQ(read_committed_output(dir / "out"), "");  // complete mode: the latest result, empty
  EXPECT_EQ(read_manifest_entry(dir / "out", 1).files, std::vector<std::string>{"part-00001.json"});
  dir.write("csv/part-00000.csv", "w,n\ncat,2\n");
  EXPECT_EQ(read_committed_output(dir / "csv"), "{\"w\":\"cat\",\"n\":\"2\"}\n");
}

}  // namespace
}  // namespace streamc::rt
