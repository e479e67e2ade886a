#include "streamc/runtime/parse.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "streamc/runtime/format.hpp"

namespace streamc::rt {
namespace {

constexpr int64_t kNov24 = 1795525200;  // 2026-11-24 13:00:00 UTC

int64_t secs(std::string_view s) {
  auto t = parse_timestamp(s);
  EXPECT_TRUE(t.has_value()) << s;
  return t ? t->micros / 1'000'000 : 0;
}

TEST(ParseTimestamp, IsoForms) {
  EXPECT_EQ(secs("2026-11-24T13:00:00Z"), kNov24);
  EXPECT_EQ(secs("2026-11-24T13:00:00z"), kNov24);
  EXPECT_EQ(secs("2026-11-24 13:00:00"), kNov24);
  EXPECT_EQ(secs("2026-11-24T13:00"), kNov24);
  EXPECT_EQ(secs("2026-11-24T13:00:00"), kNov24);  // no zone: UTC
  EXPECT_EQ(secs("  2026-11-24T13:00:00Z\n"), kNov24);
  EXPECT_EQ(secs("2026-11-24"), kNov24 - 13 * 3600);
  EXPECT_EQ(secs("2026-11-24T22:00:00+09:00"), kNov24);
  EXPECT_EQ(secs("2026-11-24T08:00:00-0500"), kNov24);
  EXPECT_EQ(secs("2026-11-24T14:00:00+01"), kNov24);
  EXPECT_EQ(secs("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(secs("1969-12-31T23:59:59Z"), -1);
  EXPECT_EQ(secs("2024-02-29T00:00:00Z"), 1709164800);
}

TEST(ParseTimestamp, Fractions) {
  EXPECT_EQ(parse_timestamp("2026-11-24T13:00:00.5Z")->micros, kNov24 * 1'000'000 + 500'000);
  EXPECT_EQ(parse_timestamp("2026-11-24T13:00:00.123456Z")->micros, kNov24 * 1'000'000 + 123'456);
  EXPECT_EQ(parse_timestamp("2026-11-24T13:00:00.123456789Z")->micros, kNov24 * 1'000'000 + 123'456);
  EXPECT_EQ(parse_timestamp("2026-11-24 13:00:00.001+00:00")->micros, kNov24 * 1'000'000 + 1000);
  std::string out;
  append_timestamp_json(out, *parse_timestamp("2026-11-24T13:00:00.250Z"));
  EXPECT_EQ(out, "\"2026-11-24T13:00:00.25Z\"");
}

TEST(ParseTimestamp, RejectsGarbage) {
  for (std::string_view bad :
       {"", "   ", "2026", "2026-11", "2026-13-01", "2026-02-29", "2026-04-31", "2026-00-10", "2026-11-24T24:00:00Z",
        "2026-11-24T13:60:00Z", "2026-11-24T13:00:60Z", "2026-11-24T13:00:00.Z", "2026-11-24T13:00:00.1234567890Z",
        "2026-11-24T13:00:00+25:00", "2026-11-24T13:00:00Zjunk", "2026-11-24X13:00:00", "2026-11-24T13", "26-11-24",
        "2026/11/24", "yesterday", "2026-11-24T13:00:00 +09:00", "1795525200"})
    EXPECT_FALSE(parse_timestamp(bad).has_value()) << bad;
}

TEST(EpochNumbers, SecondsOrMilliseconds) {
  EXPECT_EQ(timestamp_from_epoch_number(1795525200.0).micros, kNov24 * 1'000'000);
  EXPECT_EQ(timestamp_from_epoch_number(1795525200.25).micros, kNov24 * 1'000'000 + 250'000);
  EXPECT_EQ(timestamp_from_epoch_number(1795525200123.0).micros, kNov24 * 1'000'000 + 123'000);
  EXPECT_EQ(timestamp_from_epoch_number(99999999999.0).micros, 99999999999LL * 1'000'000);  // just below: seconds
  EXPECT_EQ(timestamp_from_epoch_number(100000000000.0).micros, 100000000000LL * 1'000);    // 1e11: milliseconds
  EXPECT_EQ(timestamp_from_epoch_number(-5.5).micros, -5'500'000);
  EXPECT_THROW(timestamp_from_epoch_number(NAN), RecordError);
  EXPECT_THROW(timestamp_from_epoch_number(INFINITY), RecordError);
  EXPECT_THROW(timestamp_from_epoch_number(1e300), RecordError);
  EXPECT_EQ(timestamp_from_epoch_int(kNov24).micros, kNov24 * 1'000'000);
  EXPECT_EQ(timestamp_from_epoch_int(1795525200123).micros, kNov24 * 1'000'000 + 123'000);
  EXPECT_THROW(timestamp_from_epoch_int(INT64_MAX), RecordError);
}

TEST(ParseScalars, Ints) {
  EXPECT_EQ(parse_int("42"), 42);
  EXPECT_EQ(parse_int("-7"), -7);
  EXPECT_EQ(parse_int("+3"), 3);
  EXPECT_EQ(parse_int(" 12 "), 12);
  EXPECT_EQ(parse_int("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse_int("-9223372036854775808"), INT64_MIN);
  for (std::string_view bad : {"", "+", "-", "1.5", "12a", "0x10", "9223372036854775808", "+-3", "--3", "1 2"})
    EXPECT_FALSE(parse_int(bad).has_value()) << bad;
}

TEST(ParseScalars, Floats) {
  EXPECT_EQ(parse_float("1.5"), 1.5);
  EXPECT_EQ(parse_float("-2e3"), -2000.0);
  EXPECT_EQ(parse_float("+.5"), 0.5);
  EXPECT_EQ(parse_float("7"), 7.0);
  EXPECT_TRUE(std::isnan(*parse_float("NaN")));
  EXPECT_EQ(parse_float("Infinity"), INFINITY);
  EXPECT_EQ(parse_float("-inf"), -INFINITY);
  EXPECT_EQ(parse_float("1e999"), INFINITY);
  EXPECT_EQ(parse_float("1e-999"), 0.0);
  for (std::string_view bad : {"", "abc", "1.5x", "1,5", "--1", "+-1", "0x1p3"})
    EXPECT_FALSE(parse_float(bad).has_value()) << bad;
}

TEST(ParseScalars, Bools) {
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_bool("TRUE"), true);
  EXPECT_EQ(parse_bool("False"), false);
  EXPECT_EQ(parse_bool(" false "), false);
  for (std::string_view bad : {"", "1", "yes", "tru", "truee", "t"}) EXPECT_FALSE(parse_bool(bad).has_value()) << bad;
}

}  // namespace
}  // namespace streamc::rt
