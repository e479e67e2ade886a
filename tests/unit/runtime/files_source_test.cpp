#include "io/files_source.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "error_of.hpp"
#include "test_dir.hpp"

namespace streamc::rt {
namespace {

using testing::TestDir;
using Lines = std::vector<std::string_view>;

// One poll's records, with the buffers kept alive by the fixture.
struct Poller {
  std::vector<std::shared_ptr<const void>> buffers;
  std::vector<std::string_view> records;
  bool finished = false;
  Lines operator()(FilesSource& s) {
    records.clear();
    finished = s.poll(SourceIntake{records, buffers});
    return records;
  }
  // Lets go of the piece held and takes the next one: false when none is left.
  bool next_piece(FilesSource& s) {
    records.clear();
    buffers.clear();
    return s.next_piece(SourceIntake{records, buffers});
  }
};

TEST(FilesSource, ReadsMatchingFilesInModificationTimeOrder) {
  TestDir dir;
  dir.write("in/b.txt", "b1\nb2\n", 100);
  dir.write("in/a.txt", "a1\n", 200);
  dir.write("in/c.txt", "c1\n", 100);  // same mtime as b: by name
  dir.write("in/skip.json", "no\n", 50);
  FilesSource src("lines", dir / "in/*.txt", {});
  src.start(RunMode::Continuous);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"b1", "b2", "c1", "a1"}));
  EXPECT_FALSE(poll.finished);
  EXPECT_EQ(src.taken().size(), 3u);
}

TEST(FilesSource, NewFilesArePickedUpInLaterBatchesOnce) {
  TestDir dir;
  dir.write("in/1.txt", "one\n", 100);
  FilesSource src("lines", dir / "in/*.txt", {});
  src.start(RunMode::Continuous);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"one"}));
  EXPECT_EQ(poll(src), (Lines{}));
  dir.write("in/2.txt", "two\n", 50);  // older mtime, but new to the source
  EXPECT_EQ(poll(src), (Lines{"two"}));
  EXPECT_EQ(poll(src), (Lines{}));
}

TEST(FilesSource, MissingDirectoryIsNoFilesYet) {
  TestDir dir;
  FilesSource src("lines", dir / "later/*.txt", {});
  src.start(RunMode::Continuous);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{}));
  dir.write("later/x.txt", "x\n");
  EXPECT_EQ(poll(src), (Lines{"x"}));
}

TEST(FilesSource, MaxFilesPerBatch) {
  TestDir dir;
  for (int i = 0; i < 5; ++i) dir.write("in/" + std::to_string(i) + ".txt", "f" + std::to_string(i) + "\n", 100 + i);
  FilesSource src("lines", dir / "in/*.txt", {.max_files_per_batch = 2});
  src.start(RunMode::Continuous);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"f0", "f1"}));
  EXPECT_EQ(poll(src), (Lines{"f2", "f3"}));
  EXPECT_EQ(poll(src), (Lines{"f4"}));
  EXPECT_EQ(poll(src), (Lines{}));
}

TEST(FilesSource, LineEndings) {
  TestDir dir;
  dir.write("in/1.txt", "", 1);                         // empty file: no records
  dir.write("in/2.txt", "no newline", 2);               // last line still counts
  dir.write("in/3.txt", "crlf\r\nblank\n\nend\r", 3);   // \r\n, empty line, trailing \r
  dir.write("in/4.txt", "\n", 4);                       // one empty record
  FilesSource src("lines", dir / "in/*.txt", {});
  src.start(RunMode::Continuous);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"no newline", "crlf", "blank", "", "end", ""}));
}

TEST(FilesSource, DirectoriesMatchingTheGlobAreSkipped) {
  TestDir dir;
  dir.write("in/sub.txt/inner", "x\n");
  dir.write("in/real.txt", "r\n");
  FilesSource src("lines", dir / "in/*.txt", {});
  src.start(RunMode::Continuous);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"r"}));
}

TEST(FilesSource, OnceTakesEverythingPresentAtStartInOneBatch) {
  TestDir dir;
  for (int i = 0; i < 3; ++i) dir.write("in/" + std::to_string(i) + ".txt", std::to_string(i) + "\n", 100 + i);
  FilesSource src("lines", dir / "in/*.txt", {.max_files_per_batch = 1});
  src.start(RunMode::Once);
  dir.write("in/late.txt", "late\n", 1);  // not there at start
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"0", "1", "2"}));
  EXPECT_TRUE(poll.finished);
}

TEST(FilesSource, AvailableNowRespectsMaxFilesAndEnds) {
  TestDir dir;
  for (int i = 0; i < 3; ++i) dir.write("in/" + std::to_string(i) + ".txt", std::to_string(i) + "\n", 100 + i);
  FilesSource src("lines", dir / "in/*.txt", {.max_files_per_batch = 2});
  src.start(RunMode::AvailableNow);
  dir.write("in/late.txt", "late\n", 1);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"0", "1"}));
  EXPECT_FALSE(poll.finished);
  EXPECT_EQ(poll(src), (Lines{"2"}));
  EXPECT_TRUE(poll.finished);
}

TEST(FilesSource, AvailableNowWithNoFilesIsFinishedAtOnce) {
  TestDir dir;
  FilesSource src("lines", dir / "none/*.txt", {});
  src.start(RunMode::AvailableNow);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{}));
  EXPECT_TRUE(poll.finished);
}

TEST(FilesSource, UnreadableFileIsFatal) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads everything";
  TestDir dir;
  std::string p = dir.write("in/secret.txt", "x\n");
  ::chmod(p.c_str(), 0);
  FilesSource src("lines", dir / "in/*.txt", {});
  src.start(RunMode::Continuous);
  Poller poll;
  try {
    poll(src);
    FAIL() << "no error";
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find("secret.txt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("source 'lines'"), std::string::npos) << e.what();
  }
}

TEST(FilesSource, LargeFileSplitsIntoAllLines) {
  TestDir dir;
  std::string big;
  for (int i = 0; i < 100'000; ++i) big += "line " + std::to_string(i) + "\n";
  dir.write("in/big.txt", big);
  FilesSource src("lines", dir / "in/*.txt", {});
  src.start(RunMode::Once);
  Poller poll;
  Lines got = poll(src);
  ASSERT_EQ(got.size(), 100'000u);
  EXPECT_EQ(got.back(), "line 99999");
}

// STREAMC_TEST_PIECE_BYTES for one test: 1 makes every file a piece.
struct PieceBytes {
  explicit PieceBytes(const char* n) { ::setenv("STREAMC_TEST_PIECE_BYTES", n, 1); }
  ~PieceBytes() { ::unsetenv("STREAMC_TEST_PIECE_BYTES"); }
};

// Files in/0.txt … in/{n-1}.txt, modified in that order, each "file i\n"
// and then `rest`.
void write_numbered(TestDir& dir, int n, const std::string& rest = "") {
  for (int i = 0; i < n; ++i) dir.write("in/" + std::to_string(i) + ".txt", "file " + std::to_string(i) + "\n" + rest, 100 + i);
}

// In pieces the batch takes (and logs) all its files at poll and delivers
// the first piece; each next_piece hands over the piece read ahead while
// the batch had the one before, and the two pieces' memories take turns:
// a piece is read over the memory of the piece before the last, which the
// batch has let go of.
TEST(FilesSource, InPiecesEachPieceIsReadOverTheMemoryOfThePieceBeforeTheLast) {
  PieceBytes one("1");
  TestDir dir;
  write_numbered(dir, 5, "line 2\n");
  FilesSource src("lines", dir / "in/*.txt", {.in_pieces = true});
  src.start(RunMode::Once);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"file 0", "line 2"}));
  EXPECT_TRUE(poll.finished);
  EXPECT_EQ(src.last_log().size(), 5u);
  std::vector<const char*> memory{poll.records[0].data()};
  for (int i = 1; i < 5; ++i) {
    ASSERT_TRUE(poll.next_piece(src));
    EXPECT_EQ(poll.records, (Lines{"file " + std::to_string(i), "line 2"}));
    memory.push_back(poll.records[0].data());
  }
  EXPECT_NE(memory[0], memory[1]);
  for (int i = 2; i < 5; ++i) EXPECT_EQ(memory[i], memory[i - 2]) << "piece " << i;
  EXPECT_FALSE(poll.next_piece(src));
  EXPECT_TRUE(poll.records.empty());
}

// A piece read ahead that the batch still holds is never read over: the
// next piece goes to memory of its own.
TEST(FilesSource, InPiecesAPieceStillHeldIsNotReadOver) {
  PieceBytes one("1");
  TestDir dir;
  write_numbered(dir, 4);
  FilesSource src("lines", dir / "in/*.txt", {.in_pieces = true});
  src.start(RunMode::Once);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"file 0"}));
  const std::vector<std::shared_ptr<const void>> held = poll.buffers;  // piece 0 kept
  const std::string_view first = poll.records[0];
  for (int i = 1; i < 4; ++i) {
    ASSERT_TRUE(poll.next_piece(src));
    EXPECT_EQ(poll.records, (Lines{"file " + std::to_string(i)}));
    EXPECT_NE(poll.records[0].data(), first.data()) << "piece " << i;
  }
  EXPECT_EQ(first, "file 0");
}

// Without in_pieces the whole batch is there at once, whatever the size.
TEST(FilesSource, WithoutPiecesTheBatchIsReadWhole) {
  PieceBytes one("1");
  TestDir dir;
  for (int i = 0; i < 3; ++i) dir.write("in/" + std::to_string(i) + ".txt", std::to_string(i) + "\n", 100 + i);
  FilesSource src("lines", dir / "in/*.txt", {});
  src.start(RunMode::Once);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"0", "1", "2"}));
  EXPECT_FALSE(src.next_piece(SourceIntake{poll.records, poll.buffers}));
}

// A file of a re-run batch must be there for its piece, as for a batch read
// whole; in a first run one deleted before its piece is read is skipped. (A
// piece is read ahead while the batch has the one before: file 2, deleted
// while the batch has piece 0, is read for piece 2, ahead of it while the
// batch has piece 1.)
TEST(FilesSource, InPiecesAReRunNeedsEveryFileOfItsBatch) {
  PieceBytes one("1");
  TestDir dir;
  write_numbered(dir, 4);
  std::vector<std::string> paths;
  for (int i = 0; i < 4; ++i) paths.push_back(dir / ("in/" + std::to_string(i) + ".txt"));
  {
    FilesSource src("lines", dir / "in/*.txt", {.in_pieces = true});
    src.start(RunMode::Once);
    Poller poll;
    EXPECT_EQ(poll(src), (Lines{"file 0"}));
    std::remove(paths[2].c_str());
    ASSERT_TRUE(poll.next_piece(src));
    EXPECT_EQ(poll.records, (Lines{"file 1"}));
    ASSERT_TRUE(poll.next_piece(src));
    EXPECT_EQ(poll.records, (Lines{"file 3"})) << "the deleted file is skipped, the next file follows";
    EXPECT_FALSE(poll.next_piece(src));
  }
  FilesSource src("lines", dir / "in/*.txt", {.in_pieces = true});
  src.replay("4", paths);
  src.start(RunMode::Once);
  Poller poll;
  EXPECT_EQ(poll(src), (Lines{"file 0"}));
  ASSERT_TRUE(poll.next_piece(src));
  EXPECT_EQ(poll.records, (Lines{"file 1"}));
  const std::string error = testing::error_of([&] { poll.next_piece(src); });
  EXPECT_NE(error.find("cannot re-run batch 0: its file '" + paths[2] + "' is gone"), std::string::npos) << error;
}

}  // namespace
}  // namespace streamc::rt
