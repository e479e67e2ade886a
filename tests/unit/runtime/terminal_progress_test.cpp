#include "core/terminal_progress.hpp"

#include <gtest/gtest.h>

namespace streamc::rt {
namespace {

TEST(TerminalProgress, LineShowsDoneOfTotalRatesAndTimeLeft) {
  EXPECT_EQ(TerminalProgress::line({{"lines", {3, 9, "files"}}}, 120000, 4.0),
            "lines 3/12 files · 120k rows · 30k rows/s · 0:04 elapsed · ~0:12 left");
}

TEST(TerminalProgress, BeforeTheFirstBatchEndsAndWhenAllIsTaken) {
  EXPECT_EQ(TerminalProgress::line({{"a", {0, 5, "files"}}}, 0, 0.3), "a 0/5 files · first batch running · 0:00 elapsed");
  EXPECT_EQ(TerminalProgress::line({{"a", {5, 0, "files"}}, {"b", {10, 0, "bytes"}}}, 7, 65),
            "a 5/5 files · b 10/10 bytes · 7 rows · 0 rows/s · 1:05 elapsed");
}

}  // namespace
}  // namespace streamc::rt
