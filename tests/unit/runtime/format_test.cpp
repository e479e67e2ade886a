#include "streamc/runtime/format.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace streamc::rt {
namespace {

struct WordCount {
  std::string_view word;
  int64_t n;
  template <class F>
  void for_each_field(F&& f) const {
    f("word", word);
    f("n", n);
  }
};

struct Window {
  Timestamp start, end;
  template <class F>
  void for_each_field(F&& f) const {
    f("start", start);
    f("end", end);
  }
};

template <class T>
std::string pp(const T& v) {
  return to_pprint(v);
}
template <class T>
std::string js(const T& v) {
  return to_json(v);
}
template <class T>
std::string tx(const T& v) {
  std::string s;
  append_text(s, v);
  return s;
}

constexpr int64_t kNov24 = 1795525200;  // 2026-11-24 13:00:00 UTC

TEST(Format, Integers) {
  EXPECT_EQ(pp(int64_t{42}), "42");
  EXPECT_EQ(js(int64_t{-7}), "-7");
  EXPECT_EQ(tx(std::numeric_limits<int64_t>::min()), "-9223372036854775808");
}

TEST(Format, Bools) {
  EXPECT_EQ(pp(true), "true");
  EXPECT_EQ(js(false), "false");
  EXPECT_EQ(tx(true), "true");
}

TEST(Format, FloatsAreShortestAndLookLikeFloats) {
  EXPECT_EQ(pp(2.0), "2.0");
  EXPECT_EQ(pp(0.1), "0.1");
  EXPECT_EQ(pp(-1.5), "-1.5");
  EXPECT_EQ(pp(1e21), "1e+21");
  EXPECT_EQ(pp(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(pp(std::nan("")), "NaN");
  EXPECT_EQ(pp(INFINITY), "Infinity");
  EXPECT_EQ(pp(-INFINITY), "-Infinity");
  EXPECT_EQ(js(2.0), "2.0");
  EXPECT_EQ(js(0.25), "0.25");
  EXPECT_EQ(js(std::nan("")), "null");
  EXPECT_EQ(js(INFINITY), "null");
  EXPECT_EQ(tx(3.0), "3.0");
}

// The text of a double is std::to_chars's shortest round-trip text (plus
// ".0" when that looks like an integer) for every kind of value: decimals
// of every length and size, their neighbours one ulp away, integers, and
// random bit patterns.
TEST(Format, FloatsAreExactlyToCharsText) {
  auto expected = [](double v) {
    char buf[32];
    std::string s(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
  };
  std::mt19937_64 rng(7);
  std::vector<double> values = {0.1, 0.18, 0.999999999, 1, 3, 10, 100000, 123456789, 1e15, 1125899906842623.0,
                                1125899906842624.0, 0.09999999999999999, 2.5, 127.023496, 37.567769, 202003.672,
                                4503599627370495.5, 0.30000000000000004, -0.0, 0.0, 5e-324, 1.7976931348623157e308};
  for (int i = 0; i < 200000; ++i) {
    // A decimal of 0-12 places and 1-16 digits, as data holds them.
    uint64_t digits = rng() % 10000000000000000ull >> (rng() % 50);
    int places = static_cast<int>(rng() % 13);
    double v = static_cast<double>(digits);
    for (int p = 0; p < places; ++p) v /= 10;
    values.push_back(v);
    values.push_back(std::nextafter(v, 0.0));
    values.push_back(std::nextafter(v, 1e300));
    double bits;
    uint64_t r = rng();
    std::memcpy(&bits, &r, sizeof bits);
    if (std::isfinite(bits)) values.push_back(bits);
  }
  for (double v : values) {
    for (double x : {v, -v}) {
      std::string got;
      append_float_pprint(got, x);
      ASSERT_EQ(got, expected(x)) << "for " << std::hexfloat << x;
    }
  }
}

TEST(Format, Strings) {
  EXPECT_EQ(pp(std::string_view("hello")), "hello");
  EXPECT_EQ(pp(std::string("a \"b\"")), "a \"b\"");
  EXPECT_EQ(pp("lit"), "lit");
  EXPECT_EQ(js(std::string_view("hello")), "\"hello\"");
  EXPECT_EQ(js(std::string("a\"b\\c")), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(js("lit"), "\"lit\"");
  EXPECT_EQ(tx(std::string("x y")), "x y");
}

TEST(Format, JsonEscapesControlCharacters) {
  EXPECT_EQ(js(std::string_view("a\nb\tc\r")), "\"a\\nb\\tc\\r\"");
  EXPECT_EQ(js(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(js(std::string_view("\0", 1)), "\"\\u0000\"");
  EXPECT_EQ(js(std::string_view("\x7f")), "\"\x7f\"");
}

TEST(Format, JsonKeepsValidUtf8) {
  EXPECT_EQ(js(std::string_view("caf\xC3\xA9")), "\"caf\xC3\xA9\"");               // é
  EXPECT_EQ(js(std::string_view("\xE2\x82\xAC")), "\"\xE2\x82\xAC\"");             // €
  EXPECT_EQ(js(std::string_view("\xF0\x9F\x98\x80")), "\"\xF0\x9F\x98\x80\"");     // 😀
}

TEST(Format, JsonReplacesInvalidUtf8) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(js(std::string_view("a\xFF" "b")), "\"a" + fffd + "b\"");
  EXPECT_EQ(js(std::string_view("\xC3")), "\"" + fffd + "\"");                    // truncated
  EXPECT_EQ(js(std::string_view("\xC0\xAF")), "\"" + fffd + fffd + "\"");         // overlong
  EXPECT_EQ(js(std::string_view("\xED\xA0\x80")), "\"" + fffd + fffd + fffd + "\"");  // surrogate
  EXPECT_EQ(js(std::string_view("\xE2\x82" "x")), "\"" + fffd + "x\"");           // maximal subpart
  EXPECT_EQ(js(std::string_view("\xF4\x90\x80\x80")), "\"" + fffd + fffd + fffd + fffd + "\"");  // > U+10FFFF
}

TEST(Format, Timestamps) {
  Timestamp t{kNov24 * 1'000'000};
  EXPECT_EQ(pp(t), "2026-11-24 13:00:00");
  EXPECT_EQ(js(t), "\"2026-11-24T13:00:00Z\"");
  Timestamp frac{kNov24 * 1'000'000 + 123'000};
  EXPECT_EQ(pp(frac), "2026-11-24 13:00:00.123");
  EXPECT_EQ(js(frac), "\"2026-11-24T13:00:00.123Z\"");
  EXPECT_EQ(pp(Timestamp{1}), "1970-01-01 00:00:00.000001");
  EXPECT_EQ(pp(Timestamp{-1'000'000}), "1969-12-31 23:59:59");
  EXPECT_EQ(pp(Timestamp{951782400LL * 1'000'000}), "2000-02-29 00:00:00");
  EXPECT_EQ(tx(t), "2026-11-24 13:00:00");
  EXPECT_EQ(format_batch_time(frac), "2026-11-24 13:00:00");
}

TEST(Format, Durations) {
  EXPECT_EQ(pp(Duration{1'500'000}), "1.5s");
  EXPECT_EQ(pp(Duration{250'000}), "250ms");
  EXPECT_EQ(pp(Duration{1'000'000}), "1s");
  EXPECT_EQ(pp(Duration{90'000'000}), "90s");
  EXPECT_EQ(pp(Duration{120'000'000}), "2m");
  EXPECT_EQ(pp(Duration{3'600'000'000}), "1h");
  EXPECT_EQ(pp(Duration{86'400'000'000}), "1d");
  EXPECT_EQ(pp(Duration{1500}), "1.5ms");
  EXPECT_EQ(pp(Duration{7}), "7us");
  EXPECT_EQ(pp(Duration{0}), "0s");
  EXPECT_EQ(pp(Duration{-250'000}), "-250ms");
  EXPECT_EQ(js(Duration{250'000}), "\"250ms\"");
}

TEST(Format, TuplesAndPairs) {
  auto t = std::tuple<std::string_view, int64_t>{"hello", 2};
  EXPECT_EQ(pp(t), "(hello,2)");  // Scala's tuple toString, as pprint shows it
  EXPECT_EQ(js(t), "[\"hello\",2]");
  EXPECT_EQ(tx(t), "(hello,2)");
  EXPECT_EQ(pp(std::pair<int64_t, double>{1, 2.0}), "(1,2.0)");
  EXPECT_EQ(js(std::pair<int64_t, double>{1, 2.0}), "[1,2.0]");
  EXPECT_EQ(pp(std::tuple<>{}), "()");
  EXPECT_EQ(pp(std::tuple<int64_t>{5}), "(5)");
}

TEST(Format, Lists) {
  std::vector<std::string_view> v{"a", "b"};
  EXPECT_EQ(pp(v), "[a, b]");
  EXPECT_EQ(js(v), "[\"a\",\"b\"]");
  EXPECT_EQ(pp(std::vector<int64_t>{}), "[]");
  EXPECT_EQ(js(std::vector<std::vector<int64_t>>{{1, 2}, {3}}), "[[1,2],[3]]");
}

TEST(Format, Optionals) {
  std::optional<int64_t> none, some = 3;
  EXPECT_EQ(pp(none), "null");
  EXPECT_EQ(js(none), "null");
  EXPECT_EQ(pp(some), "3");
  EXPECT_EQ(js(std::optional<std::string_view>("x")), "\"x\"");
}

TEST(Format, Records) {
  WordCount r{"a", 2};
  EXPECT_EQ(pp(r), "{word: a, n: 2}");
  EXPECT_EQ(js(r), "{\"word\":\"a\",\"n\":2}");
  EXPECT_EQ(tx(r), "{\"word\":\"a\",\"n\":2}");  // the text sink writes a record as JSON
  Window w{Timestamp{kNov24 * 1'000'000}, Timestamp{(kNov24 + 600) * 1'000'000}};
  EXPECT_EQ(js(std::tuple<Window, int64_t>{w, 4}),
            "[{\"start\":\"2026-11-24T13:00:00Z\",\"end\":\"2026-11-24T13:10:00Z\"},4]");
  EXPECT_EQ(pp(std::vector<WordCount>{{"x", 1}}), "[{word: x, n: 1}]");
}

struct Bus {
  std::optional<std::string_view> plate;
  std::optional<Timestamp> seen;
  std::vector<WordCount> stops;
  Window window;
  std::optional<double> speed;
  template <class F>
  void for_each_field(F&& f) const {
    f("plate", plate);
    f("seen", seen);
    f("stops", stops);
    f("window", window);
    f("speed", speed);
  }
};

TEST(Format, NestedRecordsAsJsonObjects) {
  Window w{Timestamp{kNov24 * 1'000'000}, Timestamp{kNov24 * 1'000'000 + 1}};
  Bus b{"서울 1234", Timestamp{kNov24 * 1'000'000 + 500'000}, {{"a", 1}, {"b\"", 2}}, w, std::nullopt};
  EXPECT_EQ(js(b),
            "{\"plate\":\"서울 1234\",\"seen\":\"2026-11-24T13:00:00.5Z\",\"stops\":[{\"word\":\"a\",\"n\":1},"
            "{\"word\":\"b\\\"\",\"n\":2}],\"window\":{\"start\":\"2026-11-24T13:00:00Z\","
            "\"end\":\"2026-11-24T13:00:00.000001Z\"},\"speed\":null}");
  Bus empty{std::nullopt, std::nullopt, {}, w, 3.0};
  EXPECT_EQ(js(empty).substr(0, 45), "{\"plate\":null,\"seen\":null,\"stops\":[],\"window\"");
  std::string cell;
  append_cell(cell, empty);
  EXPECT_EQ(cell, "{null, null, [], {2026-11-24 13:00:00, 2026-11-24 13:00:00.000001}, 3.0}");
}

TEST(Format, AppendsToExisting) {
  std::string s = "> ";
  append_pprint(s, int64_t{1});
  append_json(s, std::string_view("q"));
  EXPECT_EQ(s, "> 1\"q\"");
}

}  // namespace
}  // namespace streamc::rt
