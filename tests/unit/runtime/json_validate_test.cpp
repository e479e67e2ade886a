// Strict JSON for values a decoder does not read (streamc/runtime/json_validate.hpp),
// and the readers' Malformed status (json_decode.hpp).
#include "streamc/runtime/json_validate.hpp"

#include <gtest/gtest.h>

#include <string>

#include "streamc/runtime/api.hpp"
#include "streamc/runtime/json_decode.hpp"

namespace streamc::rt::json {
namespace {

TEST(JsonValidate, NumberTokens) {
  for (const char* ok : {"0", "-0", "12", "-12", "1.5", "0.25", "1e5", "1E+5", "1e-5", "-0.0e0", "3 ", "4\n\t"})
    EXPECT_TRUE(valid_number_token(ok)) << ok;
  for (const char* bad : {"", "-", "01", "-01", "1.", ".5", "1e", "1e+", "+1", "0x1", "1x", "1 2", "Infinity", "NaN",
                          "1.5.2", "-.5", "2.e3"})
    EXPECT_FALSE(valid_number_token(bad)) << bad;
}

TEST(JsonValidate, LiteralTokens) {
  EXPECT_TRUE(valid_literal_token("true", "true"));
  EXPECT_TRUE(valid_literal_token("null \n", "null"));
  EXPECT_FALSE(valid_literal_token("tru", "true"));
  EXPECT_FALSE(valid_literal_token("truex", "true"));
  EXPECT_FALSE(valid_literal_token("nul", "null"));
}

// Whether the value of field "x" in `text` is valid, by walking it.
bool field_valid(const std::string& text) {
  std::string padded = text + std::string(kRecordPadding, '\0');
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  if (parser.iterate(padded.data(), text.size(), padded.size()).get(doc)) return false;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  bool result = true;
  for (auto field : obj) {
    simdjson::ondemand::field f;
    if (std::move(field).get(f)) return false;
    if (f.key() == "x") result = valid(f.value());
  }
  return result;
}

TEST(JsonValidate, ValuesAreWalkedWhole) {
  for (const char* ok : {R"({"x": [1, true, null, "s", {"a": [], "b": {}}]})", R"({"x": "\u00e9\n\"\\"})",
                         R"({"x": {"\u0041": -1.5e3}})", R"({"x": []})", R"({"x": 0})"})
    EXPECT_TRUE(field_valid(ok)) << ok;
  for (const char* bad : {R"({"x": [1 true]})", R"({"x": [1,]})", R"({"x": [01]})", R"({"x": {"a" 1}})",
                          R"({"x": {"a": tru}})", R"({"x": "\x"})", R"({"x": {"\q": 1}})", R"({"x": [1.]})",
                          R"({"x": [-]})", R"({"x": {"a": 1,}})", R"({"x": [nul]})",
                          // a string then ':' (On-Demand would step over it as a key; found by fuzzing)
                          R"({"x": "z": 0]})", R"({"x": {"a": "z": 0]}})"})
    EXPECT_FALSE(field_valid(bad)) << bad;
}

TEST(JsonValidate, NestingIsBounded) {
  std::string deep = "{\"x\": " + std::string(kMaxDepth + 10, '[') + std::string(kMaxDepth + 10, ']') + "}";
  EXPECT_FALSE(field_valid(deep));
  std::string fine = "{\"x\": " + std::string(100, '[') + std::string(100, ']') + "}";
  EXPECT_TRUE(field_valid(fine));
}

// Reads field "x" of `text` as T.
template <class T>
Status read_x(const std::string& text) {
  std::string padded = text + std::string(kRecordPadding, '\0');
  Arena arena;
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  EXPECT_FALSE(parser.iterate(padded.data(), text.size(), padded.size()).get(doc));
  simdjson::ondemand::object obj;
  EXPECT_FALSE(doc.get_object().get(obj));
  Status status = Status::Ok;
  for (auto field : obj) {
    simdjson::ondemand::field f;
    EXPECT_FALSE(std::move(field).get(f));
    T out{};
    if (f.key() == "x") status = read(f.value(), out, arena);
  }
  return status;
}

TEST(JsonValidate, ReadersTellAWrongTypeFromMalformedJson) {
  EXPECT_EQ(read_x<int64_t>(R"({"x": "a"})"), Status::WrongType);
  EXPECT_EQ(read_x<int64_t>(R"({"x": 01})"), Status::Malformed);
  EXPECT_EQ(read_x<int64_t>(R"({"x": [1 2]})"), Status::Malformed);
  EXPECT_EQ(read_x<std::string_view>(R"({"x": "\x"})"), Status::Malformed);
  EXPECT_EQ(read_x<std::string_view>(R"({"x": [1, 2]})"), Status::WrongType);
  EXPECT_EQ(read_x<std::optional<double>>(R"({"x": nul})"), Status::Malformed);
  EXPECT_EQ(read_x<bool>(R"({"x": tru})"), Status::Malformed);
  EXPECT_EQ(read_x<int64_t>(R"({"x": 2.0})"), Status::Ok);
  EXPECT_EQ(read_x<int64_t>(R"({"x": 1e300})"), Status::WrongType);  // outside int64: no undefined conversion
  EXPECT_EQ(read_x<int64_t>(R"({"x": -1e19})"), Status::WrongType);
  // A list whose second element has the wrong type: the rest is still checked.
  EXPECT_EQ(read_x<std::vector<int64_t>>(R"({"x": [1, "a", 3]})"), Status::WrongType);
  EXPECT_EQ(read_x<std::vector<int64_t>>(R"({"x": [1, "a", 0x3]})"), Status::Malformed);
}

// The inline scan of a string token for a backslash: every length across
// the 16-byte steps, a backslash at every place, and one just past the end
// (readable, as simdjson's padding is) not counted.
TEST(JsonValidate, HasBackslashLooksAtExactlyItsBytes) {
  for (size_t n = 0; n <= 40; ++n) {
    std::string text(n + 64, 'a');
    EXPECT_FALSE(has_backslash(text.data(), n)) << n;
    text[n] = '\\';
    EXPECT_FALSE(has_backslash(text.data(), n)) << "one past the end, n = " << n;
    text[n] = 'a';
    for (size_t k = 0; k < n; ++k) {
      text[k] = '\\';
      EXPECT_TRUE(has_backslash(text.data(), n)) << n << " at " << k;
      text[k] = 'a';
    }
  }
}

}  // namespace
}  // namespace streamc::rt::json
