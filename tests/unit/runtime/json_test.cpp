#include "streamc/runtime/json.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace streamc::rt {
namespace {

// Parses `text` with the padding a batch guarantees and runs `f(object)`.
template <class F>
void with_object(const std::string& text, F f) {
  std::string padded = text + std::string(kRecordPadding, '\0');
  simdjson::ondemand::parser parser;
  auto doc = iterate_record(parser, std::string_view(padded.data(), text.size()));
  simdjson::ondemand::object obj;
  ASSERT_FALSE(doc.get_object().get(obj)) << text;
  f(obj);
}

TEST(JsonRead, Ints) {
  with_object(R"({"a": 42, "b": -7, "c": 1.5, "d": "12", "e": null, "g": 99999999999999999999})", [](auto& o) {
    int64_t v = 0;
    EXPECT_EQ(read_int(o.find_field_unordered("a"), v), JsonRead::Ok);
    EXPECT_EQ(v, 42);
    EXPECT_EQ(read_int(o.find_field_unordered("b"), v), JsonRead::Ok);
    EXPECT_EQ(v, -7);
    EXPECT_EQ(read_int(o.find_field_unordered("c"), v), JsonRead::WrongType);
    EXPECT_EQ(read_int(o.find_field_unordered("d"), v), JsonRead::WrongType);
    EXPECT_EQ(read_int(o.find_field_unordered("e"), v), JsonRead::Null);
    EXPECT_EQ(read_int(o.find_field_unordered("f"), v), JsonRead::Null);  // missing
    EXPECT_EQ(read_int(o.find_field_unordered("g"), v), JsonRead::WrongType);
  });
}

TEST(JsonRead, FloatsBoolsStrings) {
  Arena arena;
  with_object(R"({"f": 2, "g": 2.5e1, "n": "NaN", "x": "1.5", "t": true, "s": "h\u00e9llo \"q\"", "u": 7})",
              [&](auto& o) {
                double d = 0;
                EXPECT_EQ(read_float(o.find_field_unordered("f"), d), JsonRead::Ok);
                EXPECT_EQ(d, 2.0);
                EXPECT_EQ(read_float(o.find_field_unordered("g"), d), JsonRead::Ok);
                EXPECT_EQ(d, 25.0);
                EXPECT_EQ(read_float(o.find_field_unordered("n"), d), JsonRead::Ok);
                EXPECT_TRUE(std::isnan(d));
                EXPECT_EQ(read_float(o.find_field_unordered("x"), d), JsonRead::WrongType);
                bool b = false;
                EXPECT_EQ(read_bool(o.find_field_unordered("t"), b), JsonRead::Ok);
                EXPECT_TRUE(b);
                EXPECT_EQ(read_bool(o.find_field_unordered("f"), b), JsonRead::WrongType);
                std::string_view s;
                EXPECT_EQ(read_string(o.find_field_unordered("s"), s, arena), JsonRead::Ok);
                EXPECT_EQ(s, "h\xC3\xA9llo \"q\"");
                EXPECT_EQ(read_string(o.find_field_unordered("u"), s, arena), JsonRead::WrongType);
              });
}

TEST(JsonRead, StringsAreCopiedIntoTheArena) {
  Arena arena;
  std::string_view kept;
  simdjson::ondemand::parser parser;
  for (std::string text : {R"({"s":"first"})", R"({"s":"second!"})"}) {
    text.append(kRecordPadding, '\0');
    auto doc = iterate_record(parser, std::string_view(text.data(), text.find('\0')));
    std::string_view s;
    ASSERT_EQ(read_string(doc.get_object().find_field_unordered("s"), s, arena), JsonRead::Ok);
    if (kept.empty()) kept = s;
  }
  EXPECT_EQ(kept, "first");  // not overwritten by the next document
}

TEST(JsonRead, StringOrJsonKeepsOtherValuesAsText) {
  Arena arena;
  with_object(R"({"n": 12 , "o": {"a": [1, 2]}, "l": [1,2], "b": false})", [&](auto& o) {
    std::string_view s;
    EXPECT_EQ(read_string_or_json(o.find_field_unordered("n"), s, arena), JsonRead::Ok);
    EXPECT_EQ(s, "12");
    EXPECT_EQ(read_string_or_json(o.find_field_unordered("o"), s, arena), JsonRead::Ok);
    EXPECT_EQ(s, R"({"a": [1, 2]})");
    EXPECT_EQ(read_string_or_json(o.find_field_unordered("l"), s, arena), JsonRead::Ok);
    EXPECT_EQ(s, "[1,2]");
    EXPECT_EQ(read_string_or_json(o.find_field_unordered("b"), s, arena), JsonRead::Ok);
    EXPECT_EQ(s, "false");
  });
}

TEST(JsonRead, Timestamps) {
  constexpr int64_t kNov24 = 1795525200;
  with_object(R"({"iso": "2026-11-24T13:00:00Z", "s": 1795525200, "ms": 1795525200500, "f": 1795525200.25,
                  "bad": "yesterday", "b": true})",
              [&](auto& o) {
                Timestamp t;
                EXPECT_EQ(read_timestamp(o.find_field_unordered("iso"), t), JsonRead::Ok);
                EXPECT_EQ(t.micros, kNov24 * 1'000'000);
                EXPECT_EQ(read_timestamp(o.find_field_unordered("s"), t), JsonRead::Ok);
                EXPECT_EQ(t.micros, kNov24 * 1'000'000);
                EXPECT_EQ(read_timestamp(o.find_field_unordered("ms"), t), JsonRead::Ok);
                EXPECT_EQ(t.micros, kNov24 * 1'000'000 + 500'000);
                EXPECT_EQ(read_timestamp(o.find_field_unordered("f"), t), JsonRead::Ok);
                EXPECT_EQ(t.micros, kNov24 * 1'000'000 + 250'000);
                EXPECT_EQ(read_timestamp(o.find_field_unordered("bad"), t), JsonRead::WrongType);
                EXPECT_EQ(read_timestamp(o.find_field_unordered("b"), t), JsonRead::WrongType);
                EXPECT_EQ(read_timestamp(o.find_field_unordered("none"), t), JsonRead::Null);
              });
}

TEST(JsonRead, TruncatedDocumentIsMalformedOrRejected) {
  std::string text = R"({"a": 1, "b": "tru)";
  std::string padded = text + std::string(kRecordPadding, '\0');
  simdjson::ondemand::parser parser;
  auto doc = iterate_record(parser, std::string_view(padded.data(), text.size()));
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) SUCCEED();  // rejected up front
  else {
    int64_t a = 0;
    std::string_view b;
    Arena arena;
    JsonRead ra = read_int(obj.find_field_unordered("a"), a);
    JsonRead rb = read_string(obj.find_field_unordered("b"), b, arena);
    EXPECT_TRUE(ra != JsonRead::Ok || rb != JsonRead::Ok);
    EXPECT_NE(rb, JsonRead::Ok);
  }
}

TEST(JsonRead, BadUtf8IsRejectedByTheParser) {
  std::string text = "{\"s\":\"\xC3\x28\"}";
  std::string padded = text + std::string(kRecordPadding, '\0');
  simdjson::ondemand::parser parser;
  auto doc = iterate_record(parser, std::string_view(padded.data(), text.size()));
  EXPECT_EQ(doc.error(), simdjson::UTF8_ERROR);
}

}  // namespace
}  // namespace streamc::rt
