// The Kafka changelog store against librdkafka's mock cluster (real Kafka
// protocol over TCP on 127.0.0.1, in this process): the store contract that
// DirStore also meets, tasks sharing a partition, zombie fencing, damaged
// records, retention, and a batch loop that restarts on it.
#include "io/kafka_changelog.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "checkpoint/checkpoint.hpp"
#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint_store_contract.hpp"
#include "core/batch_loop.hpp"
#include "error_of.hpp"
#include "kafka_mock_cluster.hpp"
#include "streamc/runtime/aggregates.hpp"
#include "streamc/runtime/state.hpp"
#include "test_dir.hpp"

namespace streamc::rt {
namespace {

using testing::error_of;
using testing::MockCluster;
using testing::TestDir;

// Sends one raw record of the changelog (a damaged one, for tests).
void send_raw(MockCluster& k, const std::string& topic, int32_t partition, const std::string& key,
              const std::string& value, const char* epoch, const char* part = nullptr) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (epoch) headers.emplace_back("streamc-epoch", epoch);
  if (part) headers.emplace_back("streamc-part", part);
  k.send(topic, partition, key, value, headers);
}

std::unique_ptr<KafkaChangelogStore> open_store(const MockCluster& k, const std::string& topic, const std::string& task,
                                                int64_t rewrite_bytes = 1 << 20, int64_t record_bytes = 512 << 10) {
  auto s = std::make_unique<KafkaChangelogStore>(
      KafkaChangelogOptions{k.brokers(), {}, topic, task, rewrite_bytes, record_bytes});
  s->open();
  return s;
}

std::string file(std::string_view text) { return encode_checkpoint_file("delta", text); }
std::string text_of(const std::optional<std::string>& bytes) {
  return bytes ? decode_checkpoint_file(*bytes, "delta", "test") : "(none)";
}

TEST(KafkaChangelogStore, Contract) {
  MockCluster k;
  testing::check_store_contract([&] {
    return std::make_unique<KafkaChangelogStore>(KafkaChangelogOptions{k.brokers(), {"linger.ms=0"}, "ck", "orders-5"});
  });
}

TEST(KafkaChangelogStore, TasksSharingAPartitionSeeOnlyTheirOwnFiles) {
  MockCluster k;
  k.create_topic("shared", 1);
  {
    auto a = open_store(k, "shared", "orders-0");
    auto b = open_store(k, "shared", "orders-1");
    EXPECT_EQ(a->partition(), 0);
    EXPECT_EQ(b->partition(), 0);
    a->write("offsets/0", file("a0"));
    b->write("offsets/0", file("b0"));
    b->write("offsets/1", file("b1"));
    a->remove("offsets/0");
    a->write("offsets/2", file("a2"));
  }
  auto a = open_store(k, "shared", "orders-0");
  auto b = open_store(k, "shared", "orders-1");
  EXPECT_EQ(a->list("offsets"), std::vector<int64_t>{2});
  EXPECT_EQ(b->list("offsets"), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(text_of(b->read("offsets/0")), "b0");
  EXPECT_EQ(text_of(a->read("offsets/2")), "a2");
  // Each open claimed the next epoch of its own task only.
  EXPECT_EQ(a->epoch(), 2);
  EXPECT_EQ(b->epoch(), 2);
}

TEST(KafkaChangelogStore, PartitionIsKafkasMurmur2OfTheTask) {
  MockCluster k;  // the mock creates any topic with 4 partitions
  std::set<int32_t> seen;
  for (int t = 0; t < 8; ++t) {
    auto s = open_store(k, "auto", "orders-" + std::to_string(t));
    EXPECT_GE(s->partition(), 0);
    EXPECT_LT(s->partition(), 4);
    seen.insert(s->partition());
    EXPECT_EQ(open_store(k, "auto", "orders-" + std::to_string(t))->partition(), s->partition());
  }
  EXPECT_GT(seen.size(), 1u);
}

TEST(KafkaChangelogStore, AZombieWriterAfterANewClaimIsIgnored) {
  MockCluster k;
  auto old_owner = open_store(k, "ck", "t");
  EXPECT_EQ(old_owner->epoch(), 1);
  old_owner->write("commits/0", file("old 0"));
  auto new_owner = open_store(k, "ck", "t");  // takes the task over
  EXPECT_EQ(new_owner->epoch(), 2);
  EXPECT_EQ(text_of(new_owner->read("commits/0")), "old 0");
  // The old owner does not know yet: it writes on (a zombie).
  old_owner->write("commits/1", file("zombie 1"));
  old_owner->write("commits/0", file("zombie 0"));
  old_owner->remove("commits/0");
  new_owner->write("commits/1", file("new 1"));
  auto next = open_store(k, "ck", "t");
  EXPECT_EQ(next->epoch(), 3);
  EXPECT_EQ(next->list("commits"), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(text_of(next->read("commits/0")), "old 0");
  EXPECT_EQ(text_of(next->read("commits/1")), "new 1");
}

// What confirm_owner() says when it finds another owner ("" when it does not).
std::string taken_over(KafkaChangelogStore& store) {
  try {
    store.confirm_owner();
  } catch (const CheckpointTakenOver& e) {
    return e.what();
  }
  return "";
}

TEST(KafkaChangelogStore, AnOwnerConfirmsItsWritesUntilAnotherCopyClaimsTheTask) {
  MockCluster k;
  auto old_owner = open_store(k, "ck", "t");
  EXPECT_EQ(taken_over(*old_owner), "");  // nothing written yet
  old_owner->write("offsets/0", file("old 0"));
  EXPECT_EQ(taken_over(*old_owner), "");
  // Another task's claim in the same partition does not matter.
  auto other = open_store(k, "ck", "u");
  old_owner->write("offsets/1", file("old 1"));
  if (other->partition() == old_owner->partition()) old_owner->confirm_owner();
  auto new_owner = open_store(k, "ck", "t");  // takes the task over
  EXPECT_EQ(text_of(new_owner->read("offsets/1")), "old 1");
  // The old owner's write before the claim was in force (the new owner
  // restored it); it learns of the claim at its next write.
  old_owner->write("offsets/2", file("zombie 2"));
  const std::string e = taken_over(*old_owner);
  EXPECT_NE(e.find("another copy took the task over (its claim of epoch 2 is at offset "), std::string::npos) << e;
  EXPECT_NE(e.find("this copy's was epoch 1"), std::string::npos) << e;
  // The new owner's writes are in force.
  new_owner->write("offsets/2", file("new 2"));
  new_owner->confirm_owner();
  EXPECT_EQ(text_of(open_store(k, "ck", "t")->read("offsets/2")), "new 2");
}

TEST(KafkaChangelogStore, OwnersOfTasksSharingAPartitionConfirmThroughOneTail) {
  MockCluster k;
  k.create_topic("one", 1);
  auto a = open_store(k, "one", "a");
  auto b = open_store(k, "one", "b");
  // b confirms first: the process's tail of the partition starts after b's
  // claim; a's confirmation reads it again from a's earlier claim.
  b->write("offsets/0", file("b 0"));
  b->confirm_owner();
  a->write("offsets/0", file("a 0"));
  a->confirm_owner();
  auto a2 = open_store(k, "one", "a");  // takes a over (epoch 2)
  b->write("offsets/1", file("b 1"));
  b->confirm_owner();  // another task's claim
  a->write("offsets/1", file("a 1"));
  const std::string e = taken_over(*a);
  EXPECT_NE(e.find("another copy took the task over (its claim of epoch 2"), std::string::npos) << e;
  a2->write("offsets/1", file("a2 1"));
  a2->confirm_owner();
}

TEST(KafkaChangelogStore, DamagedRecordsAreNamedByTopicPartitionAndOffset) {
  MockCluster k;
  k.create_topic("ck", 1);
  {
    Checkpoint c(open_store(k, "ck", "t"));
    c.open({{"in", "files"}}, {});
    c.write_offsets({0, 1000, false, {"1"}});
  }
  // A commit whose bytes are not a checkpoint file, by the owner's epoch.
  send_raw(k, "ck", 0, "t\tcommits/0", "batch 0 but no checksum", "1");
  Checkpoint c(open_store(k, "ck", "t"));
  std::string err = error_of([&] { c.open({{"in", "files"}}, {}); });
  EXPECT_NE(err.find("checkpoint file 'kafka changelog topic ck partition 0 offset 3, task t, file commits/0' is damaged"),
            std::string::npos)
      << err;
  // A record of the task without an epoch stops the restore.
  send_raw(k, "ck", 0, "t\toffsets/1", file("x"), nullptr);
  err = error_of([&] { open_store(k, "ck", "t"); });
  EXPECT_NE(err.find("kafka changelog topic ck partition 0, task t: the record at offset 5 is damaged: no valid "
                     "streamc-epoch header"),
            std::string::npos)
      << err;
}

TEST(KafkaChangelogStore, LargeFilesGoInPartsAndACutShortFileIsNotTaken) {
  MockCluster k;
  k.create_topic("ck", 1);
  const std::string big(300'000, 'b');
  {
    auto s = open_store(k, "ck", "t", 1 << 20, 100'000);
    s->write("state/a#0/0/5.snapshot", file(big));
    EXPECT_EQ(s->records_written(), 1 + 4);  // the claim, then 300 KB (and the checksum) in 4 parts
    s->write("state/a#0/0/10.snapshot", file("small"));
  }
  auto s = open_store(k, "ck", "t");  // epoch 2
  EXPECT_EQ(text_of(s->read("state/a#0/0/5.snapshot")), big);
  // The owner of epoch 2 crashed after two of three parts of a new version
  // of 10.snapshot: the version before it stays.
  send_raw(k, "ck", 0, "t\tstate/a#0/0/10.snapshot", "xxxx", "2", "0/3");
  send_raw(k, "ck", 0, "t\tstate/a#0/0/10.snapshot", "yyyy", "2", "1/3");
  auto next = open_store(k, "ck", "t");
  EXPECT_EQ(text_of(next->read("state/a#0/0/10.snapshot")), "small");
  EXPECT_EQ(text_of(next->read("state/a#0/0/5.snapshot")), big);
}

// The mock keeps about 5 MiB per partition; 8 MiB of 100 KiB deltas push the
// oldest records out.
// With `confirm`, each delta is a batch the owner confirms.
void churn(CheckpointStore& s, int n, bool confirm = false) {
  for (int v = 1; v <= n; ++v) {
    s.write("state/a#0/0/" + std::to_string(v) + ".delta", file(std::string(100 << 10, static_cast<char>('a' + v % 26))));
    if (v > 2) s.remove("state/a#0/0/" + std::to_string(v - 2) + ".delta");
    if (confirm) s.confirm_owner();
  }
}

TEST(KafkaChangelogStore, RewritesKeepLiveFilesAheadOfRetention) {
  MockCluster k;
  k.create_topic("ck", 1);
  {
    auto s = open_store(k, "ck", "t", 1 << 20);
    s->write("metadata", encode_checkpoint_file("metadata", "version 1\n"));
    churn(*s, 80);
    // 1 claim + 1 + 80 writes + 78 removes, and the rewrites: a marker and
    // the live files (metadata and two deltas) about every MiB.
    EXPECT_GT(s->records_written(), 160 + 5 * 4);
    EXPECT_LT(s->records_written(), 160 + 12 * 4);
  }
  auto s = open_store(k, "ck", "t");
  EXPECT_EQ(decode_checkpoint_file(*s->read("metadata"), "metadata", "m"), "version 1\n");
  EXPECT_EQ(s->list("state/a#0/0", ".delta"), (std::vector<int64_t>{79, 80}));
  EXPECT_EQ(text_of(s->read("state/a#0/0/80.delta")), std::string(100 << 10, static_cast<char>('a' + 80 % 26)));
}

TEST(KafkaChangelogStore, RecordsGoneToRetentionStopTheRestore) {
  MockCluster k;
  k.create_topic("ck", 1);
  {
    auto s = open_store(k, "ck", "t", int64_t{1} << 40);  // never rewrites
    s->write("metadata", encode_checkpoint_file("metadata", "version 1\n"));
    churn(*s, 80);
  }
  std::string err = error_of([&] { open_store(k, "ck", "t"); });
  EXPECT_NE(err.find("kafka changelog topic ck partition 0, task t: records the task still needs are gone"),
            std::string::npos)
      << err;
}

TEST(KafkaChangelogStore, AnOwnerConfirmsOnLongAfterRetentionDroppedItsClaim) {
  MockCluster k;
  k.create_topic("ck", 1);
  auto s = open_store(k, "ck", "t", 1 << 20);
  s->write("metadata", encode_checkpoint_file("metadata", "version 1\n"));
  // 8 MiB of 100 KiB deltas, each batch's confirmed: the mock's ~5 MiB a
  // partition drop the claim; a confirmation reads on from where the
  // process's tail was, not from the claim again (which threw here).
  churn(*s, 80, true);
  auto next = open_store(k, "ck", "t");
  EXPECT_EQ(next->list("state/a#0/0", ".delta"), (std::vector<int64_t>{79, 80}));
}

// ---- a group member's local cache (--checkpoint DIR) ----

std::unique_ptr<KafkaChangelogStore> open_cached(const MockCluster& k, const std::string& topic, const std::string& task,
                                                 const std::string& cache_dir,
                                                 const std::shared_ptr<ChangelogRestoreStats>& stats,
                                                 int64_t rewrite_bytes = 1 << 20) {
  KafkaChangelogOptions o{k.brokers(), {}, topic, task, rewrite_bytes};
  o.cache_dir = cache_dir;
  o.stats = stats;
  auto s = std::make_unique<KafkaChangelogStore>(std::move(o));
  s->open();
  return s;
}

// Every numbered file under `dirs` with its text: what a restore found.
std::string files_of(const CheckpointStore& s, const std::vector<std::string>& dirs = {"offsets", "commits"}) {
  std::string out;
  for (const auto& d : dirs)
    for (int64_t n : s.list(d)) out += d + "/" + std::to_string(n) + "=" + text_of(s.read(d + "/" + std::to_string(n))) + " ";
  return out;
}

TEST(KafkaChangelogCache, ARestoreReadsFromTheTopicOnlyWhatFollowsTheCachedRecords) {
  MockCluster k;
  k.create_topic("ck", 1);
  TestDir dir;
  auto stats = std::make_shared<ChangelogRestoreStats>();
  {
    auto s = open_cached(k, "ck", "t", dir.path(), stats);
    for (int i = 0; i < 30; ++i) {
      s->write("offsets/" + std::to_string(i), file("o" + std::to_string(i)));
      s->confirm_owner();
    }
    s->remove("offsets/0");
    s->confirm_owner();
  }
  EXPECT_EQ(stats->cached, 0);
  EXPECT_EQ(stats->fetched, 1);  // the claim, read back
  stats->fetched = 0;
  const std::string want = files_of(*open_store(k, "ck", "t"));  // epoch 2, from the topic alone
  EXPECT_NE(want.find("offsets/29=o29 "), std::string::npos) << want;
  EXPECT_EQ(want.find("offsets/0="), std::string::npos) << want;
  auto again = open_cached(k, "ck", "t", dir.path(), stats);  // epoch 3
  EXPECT_EQ(files_of(*again), want);
  // The first claim and 31 writes came from the cache; the second claim
  // (another copy's, after the cached records) and this one's from the topic.
  EXPECT_EQ(stats->cached, 32);
  EXPECT_EQ(stats->fetched, 2);
  EXPECT_EQ(again->epoch(), 3);
}

TEST(KafkaChangelogCache, WhatAnotherCopyWroteAfterTheCachedRecordsIsReadFromTheTopic) {
  MockCluster k;
  k.create_topic("ck", 1);
  TestDir dir;
  auto stats = std::make_shared<ChangelogRestoreStats>();
  auto here = open_cached(k, "ck", "t", dir.path(), stats);
  here->write("commits/0", file("here 0"));
  here->confirm_owner();
  here->write("commits/1", file("here 1"));  // never confirmed: not in the cache
  // Another copy takes the task over and commits on.
  auto there = open_store(k, "ck", "t");
  EXPECT_EQ(text_of(there->read("commits/1")), "here 1");
  there->write("commits/2", file("there 2"));
  there->remove("commits/0");
  // This copy, a zombie now, writes on before it learns.
  here->write("commits/2", file("zombie 2"));
  EXPECT_NE(taken_over(*here), "");
  here.reset();
  const std::string want = files_of(*open_store(k, "ck", "t"));
  EXPECT_EQ(want, "commits/1=here 1 commits/2=there 2 ");
  stats->cached = stats->fetched = 0;
  auto back = open_cached(k, "ck", "t", dir.path(), stats);  // the task comes back to this copy
  EXPECT_EQ(files_of(*back), want);
  EXPECT_EQ(stats->cached, 2);  // its claim and commits/0
  EXPECT_GE(stats->fetched, 6);
  EXPECT_EQ(back->epoch(), 4);
}

TEST(KafkaChangelogCache, ACacheOfAnotherClusterOrADamagedOneIsNotTrusted) {
  TestDir dir;
  auto stats = std::make_shared<ChangelogRestoreStats>();
  std::string want;
  {
    MockCluster k;
    k.create_topic("ck", 1);
    auto s = open_cached(k, "ck", "t", dir.path(), stats);
    for (int i = 0; i < 5; ++i) s->write("offsets/" + std::to_string(i), file("old " + std::to_string(i)));
    s->confirm_owner();
  }
  // A new cluster whose topic of the same name has another history (the
  // cache's last record is not there at its offset): the topic alone counts.
  MockCluster k;
  k.create_topic("ck", 1);
  {
    auto s = open_store(k, "ck", "t");
    for (int i = 0; i < 9; ++i) s->write("offsets/" + std::to_string(i), file("new " + std::to_string(i)));
    want = files_of(*s);
  }
  stats->cached = stats->fetched = 0;
  EXPECT_EQ(files_of(*open_cached(k, "ck", "t", dir.path(), stats)), want);
  EXPECT_EQ(stats->cached, 0);
  // That restore wrote a new cache (through its claim at offset 10); then
  // damage its last bytes (a crash while appending): the cache is read up
  // to the last point it vouches for.
  const std::string path = dir / "ck/t";
  {
    std::string bytes = *read_checkpoint_bytes(path);
    ASSERT_GT(bytes.size(), 40u);
    bytes[bytes.size() - 3] ^= 0x55;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
  stats->cached = stats->fetched = 0;
  EXPECT_EQ(files_of(*open_cached(k, "ck", "t", dir.path(), stats)), want);
  EXPECT_EQ(stats->cached, 0);  // its only 'T' frame was the damaged last one
  // The restore before rewrote it whole: the next one uses it.
  stats->cached = stats->fetched = 0;
  EXPECT_EQ(files_of(*open_cached(k, "ck", "t", dir.path(), stats)), want);
  EXPECT_EQ(stats->cached, 12);  // three claims and nine writes
  EXPECT_EQ(stats->fetched, 1);
}

TEST(KafkaChangelogCache, RecordsRetentionDroppedAreLeftOutAsAWholeReadLeavesThemOut) {
  MockCluster k;
  k.create_topic("ck", 1);
  TestDir dir;
  auto stats = std::make_shared<ChangelogRestoreStats>();
  {
    auto s = open_cached(k, "ck", "t", dir.path(), stats);
    s->write("metadata", encode_checkpoint_file("metadata", "version 1\n"));
    churn(*s, 80, true);
  }
  stats->cached = stats->fetched = 0;
  auto s = open_cached(k, "ck", "t", dir.path(), stats);
  EXPECT_GT(stats->cached, 0);
  EXPECT_EQ(stats->fetched, 1);
  EXPECT_EQ(decode_checkpoint_file(*s->read("metadata"), "metadata", "m"), "version 1\n");
  EXPECT_EQ(s->list("state/a#0/0", ".delta"), (std::vector<int64_t>{79, 80}));
  EXPECT_EQ(text_of(s->read("state/a#0/0/80.delta")), std::string(100 << 10, static_cast<char>('a' + 80 % 26)));
  // The rewritten cache holds what the partition holds, not all 80 deltas.
  EXPECT_LT(std::filesystem::file_size(dir / "ck/t"), 7u << 20);
}

// A counting program over a files source on the changelog store: a restart
// of the loop (a new engine, as on another copy) continues state, batch ids
// and offsets exactly.
struct Count1 {
  Count n;
  template <class F>
  void for_each_member(F&& f) {
    f(n);
  }
  template <class F>
  void for_each_member(F&& f) const {
    f(n);
  }
};
using Counts = StateTable<std::tuple<std::string_view>, Count1>;

struct LoopRun {
  std::string counts;
  int64_t batches = 0, first_batch = -1;
};

LoopRun run_counting(const MockCluster& k, const std::string& input) {
  RunOptions o;
  o.mode = RunMode::AvailableNow;
  o.snapshot_every = 3;
  ProgramEngine engine(o);
  SourceOptions so;
  so.max_files_per_batch = 1;
  SourceId in = engine.add_files_source("lines", input + "/*.txt", so);
  auto table = std::make_shared<Counts>();
  engine.add_state("count#0", "keys=(word:string) aggs=(count())", std::make_unique<PersistentStateOf<Counts>>(table));
  LoopRun run;
  engine.set_batch_function([&](Batch& b) {
    if (run.first_batch < 0) run.first_batch = b.id();
    for (std::string_view line : b.records(in)) table->upsert({line}).n.add();
    table->end_batch();
  });
  engine.use_checkpoint_store([&] { return make_kafka_changelog_store(k.brokers(), {}, "counts-changelog", "lines-0"); });
  std::atomic<int> stop{0};
  BatchLoop loop(engine, Clock::manual(1'700'000'000'000'000), stop);
  loop.run();
  run.batches = loop.batches_run();
  std::map<std::string, int64_t> sorted;
  table->for_each([&](const auto& key, const Count1& c) { sorted[std::string(std::get<0>(key))] = c.n.result(); });
  for (const auto& [w, n] : sorted) run.counts += w + "=" + std::to_string(n) + " ";
  return run;
}

TEST(KafkaChangelogStore, BatchLoopRestartsOnTheChangelogExactly) {
  MockCluster k;
  TestDir dir;
  dir.write("in/1.txt", "a\nb\na\n", 1'700'000'001);
  dir.write("in/2.txt", "b\n", 1'700'000'002);
  LoopRun first = run_counting(k, dir / "in");
  EXPECT_EQ(first.counts, "a=2 b=2 ");
  EXPECT_EQ(first.first_batch, 0);
  EXPECT_EQ(first.batches, 2);
  for (int f = 3; f <= 6; ++f) dir.write("in/" + std::to_string(f) + ".txt", "c\na\n", 1'700'000'000 + f);
  LoopRun second = run_counting(k, dir / "in");
  EXPECT_EQ(second.counts, "a=6 b=2 c=4 ");  // files 1 and 2 are not read again
  EXPECT_EQ(second.first_batch, 2);
  EXPECT_EQ(second.batches, 6);
  LoopRun third = run_counting(k, dir / "in");  // nothing new
  EXPECT_EQ(third.counts, "a=6 b=2 c=4 ");
}

}  // namespace
}  // namespace streamc::rt
