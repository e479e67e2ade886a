// The postgres sink's COPY text (streamc/runtime/postgres.hpp) and the
// connection's redaction of passwords (io/postgres_connection.hpp); the sink
// against a real server is tests/postgres.
#include "streamc/runtime/postgres.hpp"

#include <gtest/gtest.h>

#include <array>
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
