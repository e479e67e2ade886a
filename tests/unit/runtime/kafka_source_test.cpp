// The Kafka source's offset log lines and Spark's maxOffsetsPerTrigger
// split (the source itself runs against the test broker: tests/kafka).
#include "io/kafka_source.hpp"

#include <gtest/gtest.h>

namespace streamc::rt {
namespace {

TEST(KafkaRanges, FormatAndParseRoundTrip) {
  std::vector<KafkaRange> ranges = {{"events", 0, 0, 12}, {"my-topic.v2", 11, 5, 5}, {"events", 1, 100, 250}};
  std::string line = format_kafka_ranges(ranges);
  EXPECT_EQ(line, "events/0:0-12 my-topic.v2/11:5-5 events/1:100-250");
  auto back = parse_kafka_ranges(line, "test");
  ASSERT_EQ(back.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back[i].topic, ranges[i].topic);
    EXPECT_EQ(back[i].partition, ranges[i].partition);
    EXPECT_EQ(back[i].start, ranges[i].start);
    EXPECT_EQ(back[i].end, ranges[i].end);
  }
  EXPECT_TRUE(parse_kafka_ranges("", "test").empty());
}

TEST(KafkaRanges, DamagedLinesAreNamed) {
  for (const char* bad : {"events", "events/0", "events/x:1-2", "events/0:5-2", "/0:1-2", "events/0:1", "e/0:-1-2"}) {
    try {
      parse_kafka_ranges(bad, "checkpoint offsets/3");
      ADD_FAILURE() << bad << " was accepted";
    } catch (const FatalError& e) {
      EXPECT_NE(std::string(e.what()).find("checkpoint offsets/3"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

TEST(KafkaRanges, LimitIsSplitByLagAsSparkDoes) {
  // Lags 100, 50, 0, 1 with a limit of 30 (total lag 151): 30 * lag / 151,
  // rounded down above one offset and up below it.
  std::vector<KafkaRange> r = {{"t", 0, 0, 100}, {"t", 1, 10, 60}, {"t", 2, 7, 7}, {"t", 3, 3, 4}};
  cap_kafka_ranges(r, 30);
  EXPECT_EQ(r[0].end, 19);  // floor(19.87)
  EXPECT_EQ(r[1].end, 19);  // 10 + floor(9.93)
  EXPECT_EQ(r[2].end, 7);
  EXPECT_EQ(r[3].end, 4);  // ceil(0.2)
  std::vector<KafkaRange> small = {{"t", 0, 0, 10}, {"t", 1, 0, 5}};
  cap_kafka_ranges(small, 100);  // under the limit: unchanged
  EXPECT_EQ(small[0].end, 10);
  EXPECT_EQ(small[1].end, 5);
  cap_kafka_ranges(small, 0);  // no limit
  EXPECT_EQ(small[0].end, 10);
}

}  // namespace
}  // namespace streamc::rt
