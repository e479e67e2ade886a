// The CheckpointStore contract (write/read/list/remove, a reopened store
// sees the same files) for every store, and a Checkpoint over a store.
// The Kafka changelog store runs the same contract in kafka_changelog_test.cpp.
#include "checkpoint/checkpoint_store.hpp"

#include <gtest/gtest.h>

#include "checkpoint/checkpoint.hpp"
#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint_store_contract.hpp"
#include "test_dir.hpp"

namespace streamc::rt {
namespace {

using testing::TestDir;

TEST(DirStore, Contract) {
  TestDir dir;
  testing::check_store_contract([&] { return std::make_unique<DirStore>(dir / "chk"); });
}

TEST(DirStore, SameLayoutAsTheCheckpointDirectory) {
  TestDir dir;
  DirStore s(dir / "chk");
  s.open();
  EXPECT_TRUE(path_exists(dir / "chk/offsets"));
  EXPECT_TRUE(path_exists(dir / "chk/commits"));
  s.write("state/count#0/0/3.delta", encode_checkpoint_file("delta", "x"));
  EXPECT_EQ(read_checkpoint_file(dir / "chk/state/count#0/0/3.delta", "delta"), "x");
  EXPECT_EQ(s.describe("offsets/7"), dir / "chk/offsets/7");
  EXPECT_EQ(s.describe(""), dir / "chk");
  // A file the checkpoint cannot read is named with the reason.
  dir.write("chk/commits/4/x", "");  // commits/4 is a directory
  EXPECT_THROW(s.read("commits/4"), FatalError);
}

TEST(DirStore, CheckpointOverAStoreIsTheCheckpointOverItsDirectory) {
  TestDir dir;
  {
    Checkpoint c(std::make_unique<DirStore>(dir / "chk"));
    c.open({{"words", "files"}}, {});
    c.write_offsets({0, 1000, false, {"2"}});
    c.write_commit(0);
    c.write_offsets({1, 2000, false, {"3"}});
  }
  Checkpoint c(dir / "chk");
  c.open({{"words", "files"}}, {});
  EXPECT_EQ(c.last_committed(), 0);
  ASSERT_TRUE(c.pending());
  EXPECT_EQ(c.pending()->offsets, std::vector<std::string>{"3"});
  EXPECT_EQ(c.describe("offsets/1"), dir / "chk/offsets/1");
}

}  // namespace
}  // namespace streamc::rt
