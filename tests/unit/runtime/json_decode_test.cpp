// The readers generated decoders call (streamc/runtime/json_decode.hpp).
#include "streamc/runtime/json_decode.hpp"

#include <gtest/gtest.h>

#include <string>

#include "streamc/runtime/api.hpp"

namespace streamc::rt::json {
namespace {

// Reads field "s" of the object `text` as a T.
template <class T>
struct ReadField {
  std::string padded;
  Arena arena;
  T out{};
  Status status = Status::WrongType;

  explicit ReadField(const std::string& text) : padded(text + std::string(kRecordPadding, '\0')) {
    auto& parser = thread_parser();
    simdjson::ondemand::document doc;
    EXPECT_FALSE(parser.iterate(padded.data(), text.size(), padded.size()).get(doc));
    simdjson::ondemand::object obj;
    EXPECT_FALSE(doc.get_object().get(obj));
    for (auto field : obj) {
      simdjson::ondemand::field f;
      EXPECT_FALSE(std::move(field).get(f));
      if (f.key() == "s") status = read(f.value(), out, arena);
    }
  }
  bool points_into_record() const { return out.data() >= padded.data() && out.data() < padded.data() + padded.size(); }
};
using ReadString = ReadField<std::string_view>;

TEST(JsonDecodeString, WithoutEscapesItIsAViewIntoTheRecord) {
  ReadString r("{\"a\": 1, \"s\": \"ad-7 \u00e9\u00e9\" , \"b\": 2}");  // UTF-8, not JSON escapes
  EXPECT_EQ(r.status, Status::Ok);
  EXPECT_EQ(r.out, "ad-7 \u00e9\u00e9");
  EXPECT_TRUE(r.points_into_record());
  EXPECT_EQ(r.arena.bytes_reserved(), 0u);

  ReadString empty(R"({"s":""})");
  EXPECT_EQ(empty.status, Status::Ok);
  EXPECT_EQ(empty.out, "");
}

TEST(JsonDecodeString, WithEscapesItIsUnescapedIntoTheArena) {
  ReadString r(R"({"s": "a\"b\\c\n\u00e9", "t": "x"})");
  EXPECT_EQ(r.status, Status::Ok);
  EXPECT_EQ(r.out, "a\"b\\c\n\u00e9");
  EXPECT_FALSE(r.points_into_record());

  ReadString quote_last(R"({"s": "ends with \""})");
  EXPECT_EQ(quote_last.out, "ends with \"");
}

TEST(JsonDecodeString, NullAndOtherTypes) {
  EXPECT_EQ(ReadString(R"({"s": null})").status, Status::Null);
  EXPECT_EQ(ReadString(R"({"s": 12})").status, Status::WrongType);
  EXPECT_EQ(ReadString(R"({"s": ["x"]})").status, Status::WrongType);
}

// On-Demand refuses an exponent of more digits than it takes; simdjson's DOM
// (and Jackson) read such a valid number (found by fuzz_json_decode).
TEST(JsonDecodeNumber, ValidNumbersOnDemandRefusesAreReadAsTheDomReadsThem) {
  const std::string zero = "0e+" + std::string(40, '9');
  ReadField<int64_t> i("{\"s\":" + zero + "}");
  EXPECT_EQ(i.status, Status::Ok);
  EXPECT_EQ(i.out, 0);
  ReadField<double> d("{\"s\": -" + zero + " }");
  EXPECT_EQ(d.status, Status::Ok);
  EXPECT_EQ(d.out, 0.0);
  ReadField<double> small("{\"s\":1.5e-" + std::string(40, '9') + "}");
  EXPECT_EQ(small.status, Status::Ok);
  EXPECT_EQ(small.out, 0.0);
  // Too large for a double stays a value of another type, as before.
  EXPECT_EQ(ReadField<double>("{\"s\":1e400}").status, Status::WrongType);
  EXPECT_EQ(ReadField<int64_t>("{\"s\":1e" + std::string(40, '9') + "}").status, Status::WrongType);
}

}  // namespace
}  // namespace streamc::rt::json
