// The background checkpoint writer (order, waiting, a failure stops what
// follows), its buffer pool, the chunked StateWriter, and state files
// encoded on one thread and written on another: read back whole, and a
// truncated or damaged one is an error naming it.
#include <gtest/gtest.h>

#include <atomic>
#include <climits>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "checkpoint/checkpoint.hpp"
#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint/checkpoint_writer.hpp"
#include "streamc/runtime/aggregates.hpp"
#include "streamc/runtime/state.hpp"
#include "test_dir.hpp"

namespace streamc::rt {
namespace {

using testing::TestDir;

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(CheckpointWriter, RunsTasksInOrderAndWaitsForThem) {
  CheckpointWriter w;
  std::vector<int> ran;  // written by the writer thread only until wait returns
  std::atomic<bool> release{false};
  w.submit([&] {
    while (!release.load()) std::this_thread::yield();
    ran.push_back(1);
  });
  CheckpointWriter::Ticket second = w.submit([&] { ran.push_back(2); });
  w.submit([&] { ran.push_back(3); });
  EXPECT_EQ(w.submitted(), 3u);
  release = true;
  w.wait(second);
  ASSERT_GE(ran.size(), 2u);
  EXPECT_EQ(ran[0], 1);
  EXPECT_EQ(ran[1], 2);
  w.drain();
  EXPECT_EQ(ran, (std::vector<int>{1, 2, 3}));
  w.wait(0);  // nothing to wait for
}

TEST(CheckpointWriter, AFailureSkipsWhatFollowsAndIsRethrown) {
  TestDir dir;
  CheckpointWriter w;
  // The state file of a batch fails (its directory is missing), so the
  // commit queued after it must never be written. Both are queued while the
  // writer waits on a first task: once a task failed, submit throws, so the
  // failing one must not run before the commit is queued.
  std::promise<void> queued;
  w.submit([ready = queued.get_future().share()] { ready.wait(); });
  w.submit([&] { write_checkpoint_file(dir / "missing", "1.delta", "delta", "x"); });
  CheckpointWriter::Ticket commit = w.submit([&] { write_checkpoint_file(dir.path(), "0", "commit", "batch 0\n"); });
  queued.set_value();
  try {
    w.wait(commit);
    FAIL() << "no error";
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find(dir / "missing"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(path_exists(dir / "0"));
  EXPECT_THROW(w.submit([] {}), FatalError);
  EXPECT_THROW(w.drain(), FatalError);
}

TEST(CheckpointWriter, DestructionFinishesQueuedTasks) {
  int ran = 0;
  {
    CheckpointWriter w;
    for (int i = 0; i < 50; ++i) w.submit([&] { ++ran; });
  }
  EXPECT_EQ(ran, 50);
}

TEST(BufferPool, HandsBackCapacityEmpty) {
  BufferPool pool(1);
  EXPECT_TRUE(pool.take().empty());
  std::string big(1 << 20, 'x');
  const size_t cap = big.capacity();
  pool.give(std::move(big));
  pool.give(std::string(10, 'y'));  // over `keep`: dropped
  std::string again = pool.take();
  EXPECT_TRUE(again.empty());
  EXPECT_GE(again.capacity(), cap);
  EXPECT_EQ(pool.take().capacity(), std::string().capacity());
  pool.give(std::string(100, 'z'));
  pool.prepare(1 << 16);  // replaces the smaller buffer
  EXPECT_GE(pool.take().capacity(), size_t{1} << 16);
  pool.prepare(1 << 10);
  pool.prepare(1 << 8);  // the pooled one is big enough
  std::string ready = pool.take();
  EXPECT_TRUE(ready.empty());
  EXPECT_GE(ready.capacity(), size_t{1} << 10);
}

TEST(StateWriter, ChunkedBytesAreExactOnceFinished) {
  std::string out = "head";
  {
    StateWriter w(out);
    w.u8(7);
    w.u64(0);
    w.u64(127);
    w.u64(128);
    w.u64(~uint64_t{0});
    w.i64(-1);
    w.i64(INT64_MIN);
    w.f64(0.5);
    w.bytes("abc");
    w.raw("");
    for (int i = 0; i < 5000; ++i) w.u64(300);  // past several chunks
  }
  StateReader r(std::string_view(out).substr(4));
  EXPECT_EQ(out.substr(0, 4), "head");
  EXPECT_EQ(r.u8(), 7);
  EXPECT_EQ(r.u64(), 0u);
  EXPECT_EQ(r.u64(), 127u);
  EXPECT_EQ(r.u64(), 128u);
  EXPECT_EQ(r.u64(), ~uint64_t{0});
  EXPECT_EQ(r.i64(), -1);
  EXPECT_EQ(r.i64(), INT64_MIN);
  EXPECT_EQ(r.f64(), 0.5);
  EXPECT_EQ(r.bytes(), "abc");
  for (int i = 0; i < 5000; ++i) ASSERT_EQ(r.u64(), 300u);
  EXPECT_TRUE(r.done());
  // Many short-lived writers on one string (erased keys) append in turn.
  std::string keys;
  for (int i = 0; i < 3000; ++i) {
    StateWriter w(keys);
    w.i64(i);
  }
  StateReader k(keys);
  for (int i = 0; i < 3000; ++i) ASSERT_EQ(k.i64(), i);
  EXPECT_TRUE(k.done());
}

struct Counts {
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
using IntTable = StateTable<std::tuple<int64_t>, Counts>;

std::string dump(const IntTable& t) {
  std::string out;
  t.for_each([&](const auto& k, const Counts& c) {
    out += std::to_string(std::get<0>(k)) + "=" + std::to_string(c.n.result()) + ";";
  });
  return out;
}

// Deltas of many changed keys (one pass over the flags) and of a few keys
// touched out of order (the sorted list), with erased keys, rebuild the
// same table in the same order.
TEST(StateDelta, ManyAndFewChangesRebuildTheSameTable) {
  auto live = std::make_shared<IntTable>();
  PersistentStateOf<IntTable> saver(live);
  saver.track_changes();
  std::vector<std::string> deltas;
  auto save = [&] {
    live->end_batch();
    std::string d;
    {
      StateWriter w(d);
      saver.save(w, false);
    }
    deltas.push_back(d);
  };
  for (int64_t k = 0; k < 1000; ++k) live->upsert({k}).n.add();
  save();
  for (int64_t k = 999; k >= 0; k -= 3) live->upsert({k}).n.add();  // many, backwards
  live->erase({500});
  live->erase({501});  // touched above, then erased
  save();
  live->upsert({900}).n.add();  // few, out of order
  live->upsert({7}).n.add();
  live->erase({8});
  live->upsert({500}).n.add();  // back after its erasure: last in the order
  save();
  save();  // nothing changed

  auto restored = std::make_shared<IntTable>();
  PersistentStateOf<IntTable> loader(restored);
  for (const auto& d : deltas) {
    StateReader r(d);
    loader.load(r, false);
    EXPECT_TRUE(r.done());
  }
  EXPECT_EQ(dump(*restored), dump(*live));
  EXPECT_EQ(live->size(), 998u);
}

TEST(StateFiles, EncodedHereWrittenThereReadBackOrNamedWhenDamaged) {
  TestDir dir;
  auto live = std::make_shared<IntTable>();
  PersistentStateOf<IntTable> state(live);
  state.track_changes();
  Checkpoint ck(dir / "chk");
  ck.open({}, {{"aggregate#0", "keys=(k:int)"}});
  ck.restore_state("aggregate#0", 0, state);  // creates the state directory
  CheckpointWriter writer;
  BufferPool pool(2);
  for (int64_t version = 1; version <= 3; ++version) {
    for (int64_t k = 0; k < 100 * version; ++k) live->upsert({k % 150}).n.add();
    live->end_batch();
    std::string bytes = pool.take();
    Checkpoint::encode_state(state, false, bytes);
    writer.submit([&ck, version, bytes = std::move(bytes), &pool]() mutable {
      ck.write_state("aggregate#0", version, bytes, false);
      pool.give(std::move(bytes));
    });
    if (version == 2) {
      std::string all;
      Checkpoint::encode_state(state, true, all);
      writer.submit([&ck, all = std::move(all)]() mutable { ck.write_state("aggregate#0", 2, all, true); });
    }
  }
  writer.drain();
  const std::string sdir = dir / "chk/state/aggregate#0/0";
  EXPECT_EQ(numbered_files(sdir, ".delta"), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(numbered_files(sdir, ".snapshot"), (std::vector<int64_t>{2}));

  auto restored = std::make_shared<IntTable>();
  PersistentStateOf<IntTable> loader(restored);
  ck.restore_state("aggregate#0", 3, loader);  // snapshot 2, then delta 3
  EXPECT_EQ(dump(*restored), dump(*live));

  // Without the snapshot (written in the background, not there yet after a
  // crash), the deltas alone give the same table.
  std::filesystem::rename(sdir + "/2.snapshot", sdir + "/.2.snapshot.tmp");
  auto from_deltas = std::make_shared<IntTable>();
  PersistentStateOf<IntTable> loader2(from_deltas);
  ck.restore_state("aggregate#0", 3, loader2);
  EXPECT_EQ(dump(*from_deltas), dump(*live));

  // A truncated delta is an error naming the file.
  std::string whole = read_bytes(sdir + "/3.delta");
  {
    std::ofstream(sdir + "/3.delta", std::ios::binary | std::ios::trunc) << whole.substr(0, whole.size() / 2);
  }
  auto broken = std::make_shared<IntTable>();
  PersistentStateOf<IntTable> loader3(broken);
  try {
    ck.restore_state("aggregate#0", 3, loader3);
    FAIL() << "no error";
  } catch (const FatalError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("checkpoint file '" + sdir + "/3.delta' is damaged", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace streamc::rt
