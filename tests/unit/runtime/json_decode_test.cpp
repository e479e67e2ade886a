// The readers generated decoders call (streamc/runtime/json_decode.hpp).
#include "streamc/runtime/json_decode.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// simdjson 3.0's On-Demand reads a number below 1 of more than 19
// significant digits wrongly (a fuzz finding): such numbers are read as the
// DOM and strtod read them, in fields and in lists alike.
TEST(JsonDecodeNumber, LongMantissasBelowOneAreReadExactly) {
  ReadField<double> d("{\"s\": 0.753333333333333333333333333333375}");
  EXPECT_EQ(d.status, Status::Ok);
  EXPECT_EQ(d.out, 0.7533333333333333);
  ReadField<double> e("{\"s\":0.75333333333333333333333333333337e5}");
  EXPECT_EQ(e.out, std::strtod("75333.333333333333333333333333337", nullptr));
  ReadField<std::vector<double>> l("{\"s\":[1.5, 0.1234567890123456789012, 0.7533333333333333333]}");
  EXPECT_EQ(l.status, Status::Ok);
  EXPECT_EQ(l.out, (std::vector<double>{1.5, 0.12345678901234568, 0.7533333333333333}));
  ReadField<int64_t> i("{\"s\":0.10000000000000000000000000001}");
  EXPECT_EQ(i.status, Status::WrongType);
}

// A record's rows as a generated decoder makes them (rt::json::for_each_row
// through Documents): field "a" of each object, every other field checked.
struct Rows {
  std::vector<int64_t> a;
  bool array = false;
  std::string error;  // empty: the record was accepted
};

Rows rows_of(const std::string& text) {
  std::string padded = text + std::string(kRecordPadding, '\0');
  std::vector<std::string_view> records{std::string_view(padded.data(), text.size())};
  Documents docs(nullptr, records);
  Arena arena;
  Rows r;
  try {
    docs.decode(0, [&](simdjson::ondemand::document_reference doc) {
      r.a.clear();
      r.array = for_each_row(doc, [&](simdjson::ondemand::value root, bool) {
        simdjson::ondemand::object o;
        if (root.get_object().get(o)) throw RecordError("the record is not a JSON object");
        int64_t a = 0;
        for (auto fr : o) {
          simdjson::ondemand::field f;
          if (std::move(fr).get(f)) throw RecordError("malformed JSON");
          if (f.key() == "a") {
            if (read(f.value(), a, arena) != Status::Ok) throw RecordError("field a is bad");
          } else if (!valid_key(f) || !valid(f.value())) {
            throw RecordError("malformed JSON in the record");
          }
        }
        r.a.push_back(a);
      });
    });
  } catch (const RecordError& e) {
    r.error = e.what();
  }
  return r;
}

TEST(JsonDecodeRows, AnObjectIsOneRowAnArrayOfObjectsOneRowPerElement) {
  Rows one = rows_of(R"({"a": 1, "b": [true]})");
  EXPECT_EQ(one.error, "");
  EXPECT_FALSE(one.array);
  EXPECT_EQ(one.a, std::vector<int64_t>{1});

  Rows three = rows_of(R"( [{"a": 1}, {"b": "x", "a": 2}, {"a": 3, "c": {"d": null}}] )");
  EXPECT_EQ(three.error, "");
  EXPECT_TRUE(three.array);
  EXPECT_EQ(three.a, (std::vector<int64_t>{1, 2, 3}));

  // Spark: an empty array makes no row (and is not malformed).
  Rows none = rows_of("[]");
  EXPECT_EQ(none.error, "");
  EXPECT_TRUE(none.array);
  EXPECT_TRUE(none.a.empty());
  EXPECT_EQ(rows_of("[ \n ]").error, "");
}

TEST(JsonDecodeRows, AnElementThatIsNotAnObjectMakesTheWholeRecordMalformed) {
  // As Spark's parser marks the record corrupt (SPARK-36379: null too).
  const char* not_object = "an element of the record's array is not a JSON object";
  EXPECT_EQ(rows_of(R"([1, {"a": 1}])").error, not_object);
  EXPECT_EQ(rows_of(R"([{"a": 1}, null])").error, not_object);
  EXPECT_EQ(rows_of(R"([{"a": 1}, "x"])").error, not_object);
  EXPECT_EQ(rows_of(R"([[{"a": 1}]])").error, not_object);
  EXPECT_EQ(rows_of(R"([{"a": 1}, []])").error, not_object);
  // A bad element's field rejects the record too.
  EXPECT_EQ(rows_of(R"([{"a": 1}, {"a": "x"}])").error, "field a is bad");
  // A record that is a scalar is not a row (simdjson says why).
  EXPECT_EQ(rows_of("1").error.rfind("malformed JSON: ", 0), 0u);
  EXPECT_EQ(rows_of("null").error.rfind("malformed JSON: ", 0), 0u);
}

TEST(JsonDecodeRows, AnArrayThatIsNotJsonIsMalformed) {
  for (const char* bad : {R"([{"a": 1},])", R"([{"a": 1} {"a": 2}])", R"([{"a": 1}, {"a": 2})", R"([{"a": 1}]])",
                          R"([{"a": 1}] x)", R"([{"a": 1}] [{"a": 2}])", R"([{"a": 1, "b": [1 true]}])",
                          R"([{"a": 1, "b": 01}])", R"([,{"a": 1}])", "[", "[{\"a\": 1}, {\"b\": tru}]"}) {
    Rows r = rows_of(bad);
    EXPECT_NE(r.error, "") << bad;
  }
}

}  // namespace
}  // namespace streamc::rt::json
