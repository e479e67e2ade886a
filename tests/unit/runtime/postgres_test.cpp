// The postgres sink's COPY text (streamc/runtime/postgres.hpp) and the
// connection's redaction of passwords (io/postgres_connection.hpp); the sink
// against a real server is tests/postgres.
#include "streamc/runtime/postgres.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "io/postgres_connection.hpp"

namespace streamc::rt {
namespace {

struct Win {
  Timestamp f_start, f_end;
  static constexpr std::array<std::string_view, 2> field_names{"start", "end"};
  template <class F>
  void for_each_field(F&& f) const {
    f(std::string_view("start"), f_start);
    f(std::string_view("end"), f_end);
  }
};

struct Row {
  Win f_window;
  std::string_view f_word;
  std::optional<int64_t> f_n;
  std::vector<std::string_view> f_tags;
  static constexpr std::array<std::string_view, 4> field_names{"window", "word", "n", "tags"};
  template <class F>
  void for_each_field(F&& f) const {
    f(std::string_view("window"), f_window);
    f(std::string_view("word"), f_word);
    f(std::string_view("n"), f_n);
    f(std::string_view("tags"), f_tags);
  }
};

TEST(PostgresCopy, RecordWithWindowNullAndList) {
  std::string out;
  append_copy_row(out, Row{{Timestamp{0}, Timestamp{1'500'000}}, "a\tb\\c\nd", std::nullopt, {"x", "y\"z"}});
  EXPECT_EQ(out, "1970-01-01T00:00:00Z\t1970-01-01T00:00:01.5Z\ta\\tb\\\\c\\nd\t\\N\t[\"x\",\"y\\\\\"z\"]\n");
}

TEST(PostgresCopy, TuplesAndScalars) {
  std::string out;
  append_copy_row(out, std::tuple<std::string_view, double, bool>{"w", 0.1, true});
  append_copy_row(out, std::pair<int64_t, double>{-3, std::numeric_limits<double>::quiet_NaN()});
  append_copy_row(out, -std::numeric_limits<double>::infinity());
  append_copy_row(out, Duration{2'500'000});
  EXPECT_EQ(out, "w\t0.1\tt\n-3\tNaN\n-Infinity\n2500000 microseconds\n");
}

TEST(PostgresCopy, AbsentWindowIsTwoNulls) {
  std::string out;
  append_copy_row(out, std::tuple<std::optional<Win>, int64_t>{std::nullopt, 1});
  EXPECT_EQ(out, "\\N\t\\N\t1\n");
}

TEST(PostgresCopy, TextEscapesOnlyWhatCopyNeeds) {
  std::string out;
  append_copy_row(out, std::tuple<std::string_view, std::string_view, std::optional<std::string_view>>{
                           "plain \"quoted\", é", "cr\rlf\n\\end", std::nullopt});
  EXPECT_EQ(out, "plain \"quoted\", é\tcr\\rlf\\n\\\\end\t\\N\n");
}

TEST(PostgresCopy, TextFloatsRoundTripAndTimestampsKeepMicros) {
  std::string out;
  append_copy_row(out, std::tuple<double, double, double, Timestamp, Timestamp>{
                           0.1 + 0.2, -0.0, 1e300, Timestamp{1'795'000'000'123'456}, Timestamp{-1}});
  EXPECT_EQ(out, "0.30000000000000004\t-0\t1e+300\t2026-11-18T11:06:40.123456Z\t1969-12-31T23:59:59.999999Z\n");
  EXPECT_EQ(std::stod("0.30000000000000004"), 0.1 + 0.2);
}

// The bytes of a binary field: its 4-byte big-endian length, then `payload`.
std::string field(std::string_view payload) {
  std::string out;
  auto n = static_cast<uint32_t>(payload.size());
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>(n >> (8 * i)));
  return out.append(payload);
}
std::string be64(uint64_t v) {
  std::string out;
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(v >> (8 * i)));
  return out;
}
const std::string kNull("\xff\xff\xff\xff", 4);

TEST(PostgresCopyBinary, HeaderAndTrailer) {
  std::string out;
  append_copy_binary_header(out);
  append_copy_binary_trailer(out);
  EXPECT_EQ(out, std::string("PGCOPY\n\xff\r\n\0" "\0\0\0\0" "\0\0\0\0" "\xff\xff", 21));
}

TEST(PostgresCopyBinary, EveryScalarType) {
  std::string out;
  append_copy_row_binary(out, std::tuple<int64_t, double, std::string_view, bool, bool, Timestamp, Duration>{
                                  -2, 0.25, "a\tb\\é", true, false, Timestamp{946'684'800'000'001}, Duration{-3}});
  std::string want("\0\7", 2);
  want += field(be64(static_cast<uint64_t>(int64_t{-2})));
  want += field(be64(0x3FD0000000000000));  // 0.25
  want += field("a\tb\\é");                // raw bytes, nothing escaped
  want += field(std::string("\1", 1));
  want += field(std::string("\0", 1));
  want += field(be64(1));  // microseconds since 2000-01-01
  want += field(be64(static_cast<uint64_t>(int64_t{-3})) + std::string(8, '\0'));  // micros, days 0, months 0
  EXPECT_EQ(out, want);
}

TEST(PostgresCopyBinary, FloatsKeepTheirBits) {
  for (double v : {0.1 + 0.2, -0.0, 5e-324, 1.7976931348623157e308, std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    std::string out;
    append_copy_row_binary(out, v);
    ASSERT_EQ(out.size(), 2u + 4 + 8);
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = bits << 8 | static_cast<unsigned char>(out[6 + i]);
    EXPECT_EQ(bits, std::bit_cast<uint64_t>(v)) << v;
  }
}

TEST(PostgresCopyBinary, NullsWindowsAndJson) {
  std::string out;
  append_copy_row_binary(out, Row{{Timestamp{0}, Timestamp{1'500'000}}, "w", std::nullopt, {"x", "y\"z"}});
  append_copy_row_binary(out, std::tuple<std::optional<Win>, std::optional<int64_t>, std::nullopt_t>{
                                  std::nullopt, 7, std::nullopt});
  std::string want("\0\5", 2);
  want += field(be64(static_cast<uint64_t>(-946'684'800'000'000)));
  want += field(be64(static_cast<uint64_t>(-946'684'800'000'000 + 1'500'000)));
  want += field("w") + kNull + field("\1[\"x\",\"y\\\"z\"]");  // jsonb: version 1, then the JSON text
  want += std::string("\0\4", 2) + kNull + kNull + field(be64(7)) + kNull;
  EXPECT_EQ(out, want);
}

TEST(PostgresCopyBinary, TimestampsOutOfRangeStayOutOfRange) {
  EXPECT_EQ(postgres_timestamp(Timestamp{946'684'800'000'000}), 0);
  EXPECT_EQ(postgres_timestamp(Timestamp{std::numeric_limits<int64_t>::max()}),
            std::numeric_limits<int64_t>::max() - 946'684'800'000'000);
  // Not representable (nor -infinity, INT64_MIN to the server): a finite value it refuses.
  EXPECT_EQ(postgres_timestamp(Timestamp{std::numeric_limits<int64_t>::min()}),
            std::numeric_limits<int64_t>::min() + 1);
  EXPECT_EQ(postgres_timestamp(Timestamp{std::numeric_limits<int64_t>::min() + 946'684'800'000'000}),
            std::numeric_limits<int64_t>::min() + 1);
}

TEST(PostgresCopyBinary, RowAsTextForMessages) {
  using R = std::tuple<int64_t, std::string_view, std::optional<double>, bool, Timestamp, Duration, std::vector<int64_t>>;
  const std::vector<std::string> types{"bigint", "text", "double precision", "boolean", "timestamptz", "interval", "jsonb"};
  const R rows[] = {{1, "a\tb\\c", 0.5, true, Timestamp{1'500'000}, Duration{2}, {1, 2}},
                    {-9, "", std::nullopt, false, Timestamp{-1}, Duration{-5}, {}}};
  std::string stream, text;
  append_copy_binary_header(stream);
  for (const R& r : rows) {
    append_copy_row_binary(stream, r);
    append_copy_row(text, r);
  }
  append_copy_binary_trailer(stream);
  EXPECT_EQ(copy_binary_row_as_text(stream, 1, types) + "\n", text.substr(0, text.find('\n') + 1));
  EXPECT_EQ(copy_binary_row_as_text(stream, 2, types) + "\n", text.substr(text.find('\n') + 1));
  EXPECT_EQ(copy_binary_row_as_text(stream, 3, types), "");
  EXPECT_EQ(copy_binary_row_as_text(stream.substr(0, stream.size() - 9), 2, types), "");  // cut short
}

TEST(PostgresConnection, RedactDropsThePassword) {
  EXPECT_EQ(PostgresConnection::redact("host=db port=5433 dbname=app user=me password=s3cret"),
            "user=me dbname=app host=db port=5433");
  std::string uri = PostgresConnection::redact("postgresql://me:s3cret@db:5433/app?sslmode=disable");
  EXPECT_EQ(uri.find("s3cret"), std::string::npos) << uri;
  EXPECT_NE(uri.find("host=db"), std::string::npos) << uri;
  EXPECT_THROW(PostgresConnection::redact("host=db password"), FatalError);
}

TEST(PostgresConnection, BaseTypeDropsModifiers) {
  EXPECT_EQ(pg_base_type("character varying(10)"), "character varying");
  EXPECT_EQ(pg_base_type("timestamp(3) with time zone"), "timestamp with time zone");
  EXPECT_EQ(pg_base_type("numeric(10,2)"), "numeric");
  EXPECT_EQ(pg_base_type("bigint"), "bigint");
}

}  // namespace
}  // namespace streamc::rt
