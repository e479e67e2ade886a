// Tests for compile-time schema inference (sema/infer_schema.hpp): every JSON
// and CSV rule, the error messages, and print_schema's text parsing back to
// the same type.
#include "sema/infer_schema.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "syntax/parse.hpp"

namespace streamc::sema {
namespace {

namespace fs = std::filesystem;

// The `.sdl` text every inference is reported against; `where` is the call.
const std::string kProgram = "schema S = infer(\"sample\")";
const SourceRange kWhere{11, 26};

struct Inferred {
  TypeRef type;
  std::vector<Diagnostic> diags;
  std::string text() const { return type->is_error() ? "<error>" : print_schema("S", type); }
  std::string error() const {
    if (diags.size() != 1) return "expected one diagnostic, got " + std::to_string(diags.size());
    return diags[0].message;
  }
};

class InferSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("infer_schema_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }

  Inferred infer_path(const std::string& path, SampleFormat format = SampleFormat::Auto) {
    SourceFile file("test.sdl", kProgram);
    Diagnostics diags(file);
    Inferred r;
    r.type = infer_schema(path, format, "S", diags, kWhere);
    r.diags = diags.all();
    if (r.type->is_error()) {
      EXPECT_TRUE(diags.has_errors()) << "error type without a diagnostic";
    } else {
      EXPECT_TRUE(diags.all().empty()) << diags.all()[0].message;
    }
    for (const Diagnostic& d : r.diags) {
      EXPECT_EQ(d.range.begin, kWhere.begin);
      EXPECT_EQ(d.range.end, kWhere.end);
    }
    return r;
  }
  Inferred infer(const std::string& name, const std::string& content, SampleFormat format = SampleFormat::Auto) {
    return infer_path(write(name, content), format);
  }
  // The fields of an inferred schema as a one-line `{a: int, …}`.
  std::string fields(const std::string& name, const std::string& content, SampleFormat format = SampleFormat::Auto) {
    Inferred r = infer(name, content, format);
    if (r.type->is_error()) return "error: " + r.error();
    TypeRef anonymous = types::record(r.type->fields, r.type->elements);
    return to_string(anonymous);
  }

  fs::path dir_;
};

// ---------------------------------------------------------------- JSON

TEST_F(InferSchemaTest, ScalarsOfOneObject) {
  Inferred r = infer("a.json", R"({"i": 1, "f": 1.5, "s": "x", "b": true, "neg": -3, "e": 2e3})");
  ASSERT_FALSE(r.type->is_error());
  EXPECT_EQ(r.type->kind, Type::Kind::Record);
  EXPECT_EQ(r.type->name, "S");
  EXPECT_EQ(to_string(types::record(r.type->fields, r.type->elements)),
            "{i: int, f: float, s: string, b: bool, neg: int, e: float}");
}

TEST_F(InferSchemaTest, IntWidensToFloat) {
  EXPECT_EQ(fields("a.jsonl", "{\"x\": 1}\n{\"x\": 2.5}\n{\"x\": 3}\n"), "{x: float}");
  EXPECT_EQ(fields("b.jsonl", "{\"x\": 2.5}\n{\"x\": 1}\n"), "{x: float}");
  EXPECT_EQ(fields("c.json", R"({"xs": [1, 2, 3.5], "ys": [1, 2]})"), "{xs: [float], ys: [int]}");
  // Beyond int64: only a float holds it.
  EXPECT_EQ(fields("d.json", R"({"big": 18446744073709551615, "small": 9223372036854775807})"),
            "{big: float, small: int}");
}

TEST_F(InferSchemaTest, BoolStaysBool) {
  EXPECT_EQ(fields("a.jsonl", "{\"b\": true}\n{\"b\": false}\n"), "{b: bool}");
  EXPECT_EQ(infer("b.jsonl", "{\"b\": true}\n{\"b\": 1}\n").error(),
            "conflicting types for $.b: bool and int (samples 1 and 2)");
}

TEST_F(InferSchemaTest, MissingFieldIsOptional) {
  EXPECT_EQ(fields("a.jsonl", "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2}\n"), "{a: int, b: string?}");
  // First-seen order: a field that first appears later goes last.
  EXPECT_EQ(fields("b.jsonl", "{\"a\": 1}\n{\"c\": true, \"a\": 2}\n"), "{a: int, c: bool?}");
}

TEST_F(InferSchemaTest, NullFieldIsOptional) {
  EXPECT_EQ(fields("a.jsonl", "{\"a\": 1}\n{\"a\": null}\n"), "{a: int?}");
  EXPECT_EQ(fields("b.jsonl", "{\"a\": null}\n{\"a\": 1.5}\n"), "{a: float?}");
  // Missing in one, null in another: still just optional.
  EXPECT_EQ(fields("c.jsonl", "{\"a\": null}\n{}\n{\"a\": \"s\"}\n"), "{a: string?}");
}

TEST_F(InferSchemaTest, OnlyNullIsOptionalString) {
  EXPECT_EQ(fields("a.json", R"({"a": null, "b": 1})"), "{a: string?, b: int}");
  EXPECT_EQ(fields("b.jsonl", "{\"a\": null}\n{\"a\": null}\n"), "{a: string?}");
}

TEST_F(InferSchemaTest, NestedObjectsAreUnionedFieldByField) {
  EXPECT_EQ(fields("a.jsonl",
                   "{\"p\": {\"x\": 1, \"y\": {\"z\": \"a\"}}}\n"
                   "{\"p\": {\"w\": true, \"x\": 2.5, \"y\": {\"z\": \"b\", \"q\": 1}}}\n"),
            "{p: {x: float, y: {z: string, q: int?}, w: bool?}}");
  // A nested object missing in one sample: the whole record is optional, its fields are not.
  EXPECT_EQ(fields("b.jsonl", "{\"p\": {\"x\": 1}}\n{\"q\": 1}\n"), "{p: {x: int}?, q: int?}");
  EXPECT_EQ(fields("c.jsonl", "{\"p\": {\"x\": 1}}\n{\"p\": null}\n"), "{p: {x: int}?}");
  EXPECT_EQ(fields("d.json", R"({"empty": {}})"), "{empty: {}}");
}

TEST_F(InferSchemaTest, ArrayElementsAreUnified) {
  EXPECT_EQ(fields("a.json", R"({"xs": [{"a": 1}, {"a": 2, "b": "s"}, {"a": 3.5}]})"),
            "{xs: [{a: float, b: string?}]}");
  // An empty array contributes nothing.
  EXPECT_EQ(fields("b.jsonl", "{\"xs\": []}\n{\"xs\": [\"a\"]}\n{\"xs\": []}\n"), "{xs: [string]}");
  EXPECT_EQ(fields("c.jsonl", "{\"xs\": []}\n{\"xs\": [1]}\n"), "{xs: [int]}");
  // Always empty: [string].
  EXPECT_EQ(fields("d.jsonl", "{\"xs\": []}\n{\"xs\": []}\n"), "{xs: [string]}");
  // Null elements make the element optional; a null list makes the list optional.
  EXPECT_EQ(fields("e.json", R"({"xs": [1, null, 2], "ys": [null], "zs": null})"),
            "{xs: [int?], ys: [string?], zs: string?}");
  EXPECT_EQ(fields("f.jsonl", "{\"xs\": [1]}\n{\"xs\": null}\n"), "{xs: [int]?}");
  EXPECT_EQ(fields("g.json", R"({"m": [[1], [], [2.5, 3]]})"), "{m: [[float]]}");
  EXPECT_EQ(infer("h.json", R"({"xs": [1, "a"]})").error(),
            "conflicting types for $.xs[]: int and string ($.xs[0] and $.xs[1])");
}

TEST_F(InferSchemaTest, IsoStringsAreTimestamps) {
  EXPECT_EQ(fields("a.jsonl",
                   "{\"t\": \"2026-11-24T13:00:00Z\", \"u\": \"2021-08-13 14:25:02.0\", \"d\": \"20210813142502\"}\n"
                   "{\"t\": \"2026-11-24T13:00:00.123456+09:00\", \"u\": \"2021-08-13 14:25:03\", \"d\": \"x\"}\n"),
            "{t: timestamp, u: timestamp, d: string}");
  // One string that is not a timestamp makes the field a string.
  EXPECT_EQ(fields("b.jsonl", "{\"t\": \"2026-11-24T13:00:00Z\"}\n{\"t\": \"soon\"}\n"), "{t: string}");
  EXPECT_EQ(fields("c.jsonl", "{\"t\": \"soon\"}\n{\"t\": \"2026-11-24T13:00:00Z\"}\n"), "{t: string}");
  // Epoch numbers are not guessed.
  EXPECT_EQ(fields("d.json", R"({"t": 1629000000, "ms": 1629000000123})"), "{t: int, ms: int}");
  // Timestamps with nulls are optional timestamps.
  EXPECT_EQ(fields("e.jsonl", "{\"t\": \"2026-11-24T13:00:00Z\"}\n{\"t\": null}\n"), "{t: timestamp?}");
  // A timestamp string and a number conflict as string (timestamp) and int.
  EXPECT_EQ(infer("f.jsonl", "{\"t\": \"2026-11-24T13:00:00Z\"}\n{\"t\": 5}\n").error(),
            "conflicting types for $.t: timestamp and int (samples 1 and 2)");
}

TEST(InferSchemaTimestamp, AcceptedForms) {
  for (const char* ok : {"2026-11-24T13:00:00Z", "2026-11-24T13:00:00", "2026-11-24 13:00", "2026-11-24t13:00:00z",
                         "2021-08-13 14:25:02.0", "2021-08-13T14:25:02.123456789Z", "2021-08-13T14:25:02+09:00",
                         "2021-08-13T14:25:02-0330", "2021-08-13T14:25:02+09", "2024-02-29T00:00:00Z",
                         "2021-12-31T23:59:59Z", "2026-11-24", " 2026-11-24T13:00:00Z", "2026-11-24T13:00:00Z "})
    EXPECT_TRUE(looks_like_timestamp(ok)) << ok;
  for (const char* bad : {"", "20210813142502", "2026-11-24T", "2026-13-01T00:00:00Z",
                          "2023-02-29T00:00:00Z", "2026-11-24T24:00:00Z", "2026-11-24T13:60:00Z",
                          "2026-11-24T13:00:60Z", "2026-11-24T13:00:00.Z", "2026-11-24T13:00:00.1234567890Z",
                          "2026-11-24T13:00:00ZZ", "2026-11-24T13:00:00+9", "2026-11-24X13:00:00",
                          "2026/11/24 13:00:00"})
    EXPECT_FALSE(looks_like_timestamp(bad)) << bad;
}

TEST_F(InferSchemaTest, TopLevelArrayElementsAreSamples) {
  EXPECT_EQ(fields("a.json", R"([{"a": 1}, {"a": 2.5, "b": "x"}])"), "{a: float, b: string?}");
  EXPECT_EQ(infer("b.json", R"([{"a": 1}, {"a": "x"}])").error(),
            "conflicting types for $.a: int and string (samples 1 and 2)");
  EXPECT_EQ(infer("c.json", R"([{"a": 1}, 2])").error(),
            "element 1 of the top-level array in sample file '" + (dir_ / "c.json").string() +
                "' is not a JSON object");
  EXPECT_EQ(infer("d.json", "[]").error(),
            "sample file '" + (dir_ / "d.json").string() + "' is an empty array: nothing to infer from");
}

// JSON Lines whose lines are arrays of objects (Spark's JSON source makes a
// row of each element): the union of the elements' fields; [] adds nothing.
TEST_F(InferSchemaTest, ArrayLinesInferTheUnionOfTheirElements) {
  EXPECT_EQ(fields("a.jsonl", "{\"a\": 1}\n[{\"a\": 2, \"b\": \"x\"}, {\"a\": 3}]\n[]\n[{\"c\": true}]\n"),
            "{a: int?, b: string?, c: bool?}");
  EXPECT_EQ(fields("b.jsonl", "[{\"a\": 1}]\n[{\"a\": 2.5}, {\"a\": 3}]\n"), "{a: float}");
  EXPECT_EQ(infer("c.jsonl", "{\"a\": 1}\n[{\"a\": 1}, {\"a\": \"x\"}]\n").error(),
            "conflicting types for $.a: int and string (samples 1 and 2)");
  EXPECT_EQ(infer("d.jsonl", "[{\"a\": 1}, {\"a\": \"x\"}]\n{\"a\": 1}\n").error(),
            "conflicting types for $.a: int and string (sample 1: $[0].a and $[1].a)");
  EXPECT_EQ(infer("e.jsonl", "{\"a\": 1}\n[{\"a\": 1}, 2]\n").error(),
            "sample 2 in '" + (dir_ / "e.jsonl").string() + "' is an array whose element 1 is a JSON number, not an object");
  EXPECT_EQ(infer("f.jsonl", "{\"a\": 1}\n[[{\"a\": 1}]]\n").error(),
            "sample 2 in '" + (dir_ / "f.jsonl").string() + "' is an array whose element 0 is a JSON array, not an object");
  EXPECT_EQ(infer("g.jsonl", "[]\n[]\n").error(),
            "sample file '" + (dir_ / "g.jsonl").string() + "' holds only empty arrays: nothing to infer from");
}

TEST_F(InferSchemaTest, PrettyPrintedDocumentAndConcatenatedDocuments) {
  EXPECT_EQ(fields("a.json", "{\n  \"a\": {\n    \"b\": [\n      1,\n      2\n    ]\n  }\n}\n"), "{a: {b: [int]}}");
  // Several pretty-printed documents one after another are several samples.
  EXPECT_EQ(fields("b.json", "{\n  \"a\": 1\n}\n{\n  \"a\": 2,\n  \"b\": true\n}\n"), "{a: int, b: bool?}");
  // JSON Lines with blank lines and CRLF.
  EXPECT_EQ(fields("c.jsonl", "{\"a\": 1}\r\n\r\n{\"a\": 2}\r\n"), "{a: int}");
  // A UTF-8 byte order mark is skipped.
  EXPECT_EQ(fields("d.json", "\xEF\xBB\xBF{\"a\": \"\xEC\x84\x9C\xEC\x9A\xB8\"}"), "{a: string}");
}

TEST_F(InferSchemaTest, ConflictsNameThePathAndBothTypes) {
  std::string sample =
      R"({"ServiceResult": {"msgBody": {"itemList": [{"gpsX": 126.98}]}}})"
      "\n"
      R"({"ServiceResult": {"msgBody": {"itemList": [{"gpsX": 127}]}}})"
      "\n"
      R"({"ServiceResult": {"msgBody": {"itemList": [{"gpsX": 126.9}, {"gpsX": "126.97"}]}}})"
      "\n";
  EXPECT_EQ(infer("a.jsonl", sample).error(),
            "conflicting types for $.ServiceResult.msgBody.itemList[].gpsX: float and string (samples 1 and 3)");
  // Within one document: the two concrete places.
  EXPECT_EQ(infer("b.json", R"({"items": [{"v": 1}, {"v": 2}, {"v": "x"}]})").error(),
            "conflicting types for $.items[].v: int and string ($.items[0].v and $.items[2].v)");
  // Within one sample of several.
  EXPECT_EQ(infer("c.jsonl", "{\"a\": 1}\n{\"a\": 2, \"xs\": [true, 1]}\n").error(),
            "conflicting types for $.xs[]: bool and int (sample 2: $.xs[0] and $.xs[1])");
  // Objects against scalars and lists.
  EXPECT_EQ(infer("d.jsonl", "{\"p\": {\"x\": 1}}\n{\"p\": 5}\n").error(),
            "conflicting types for $.p: record and int (samples 1 and 2)");
  EXPECT_EQ(infer("e.jsonl", "{\"p\": [1]}\n{\"p\": {\"x\": 1}}\n").error(),
            "conflicting types for $.p: list and record (samples 1 and 2)");
  // A null in between does not hide a conflict.
  EXPECT_EQ(infer("f.jsonl", "{\"a\": 1}\n{\"a\": null}\n{\"a\": \"x\"}\n").error(),
            "conflicting types for $.a: int and string (samples 1 and 3)");
  // The conflict is reported once, and nothing else.
  EXPECT_EQ(infer("g.jsonl", "{\"a\": 1, \"b\": 1}\n{\"a\": \"x\", \"b\": \"y\"}\n").diags.size(), 1u);
}

TEST_F(InferSchemaTest, FieldNamesMustBeSdlNames) {
  EXPECT_EQ(infer("a.json", R"({"ok": 1, "p": {"bus-type": 1}})").error(),
            "field 'bus-type' (at $.p) is not a valid SDL name (letters, digits and '_', not starting with a "
            "digit); write the schema by hand or rename the field in the data");
  EXPECT_EQ(infer("b.json", R"({"1st": 1})").error().substr(0, 35), "field '1st' (at $) is not a valid S");
  EXPECT_EQ(infer("c.json", R"({"": 1})").error().substr(0, 20), "field '' (at $) is n");
  // Keywords are fine: SDL record fields may be keywords (`r.mode`).
  EXPECT_EQ(fields("d.json", R"({"mode": "x", "table": 1, "_under": true, "a1": 2})"),
            "{mode: string, table: int, _under: bool, a1: int}");
  // A duplicate key counts once (the field stays required).
  EXPECT_EQ(fields("e.jsonl", "{\"a\": 1, \"a\": 2}\n{\"a\": 3}\n"), "{a: int}");
}

TEST_F(InferSchemaTest, FileAndSyntaxErrors) {
  std::string missing = (dir_ / "nope.json").string();
  EXPECT_EQ(infer_path(missing).error(), "cannot read sample file '" + missing + "': No such file or directory");
  EXPECT_EQ(infer_path(dir_.string()).error(), "cannot read sample file '" + dir_.string() + "': is a directory");

  std::string empty = write("empty.json", "");
  EXPECT_EQ(infer_path(empty).error(), "sample file '" + empty + "' is empty: nothing to infer from");
  std::string blank = write("blank.json", " \n\n ");
  EXPECT_EQ(infer_path(blank).error(), "sample file '" + blank + "' is empty: nothing to infer from");

  // Invalid JSON in a pretty-printed document: simdjson's message, and the line.
  std::string bad = write("bad.json", "{\n  \"a\": 1,\n  \"b\": [1, 2,,]\n}\n");
  std::string msg = infer_path(bad).error();
  EXPECT_EQ(msg.substr(0, msg.find(':', msg.find("line"))),
            "invalid JSON in sample file '" + bad + "' at line 3")
      << msg;

  // Truncated document.
  std::string trunc = write("trunc.json", "{\n  \"a\": 1,\n  \"b\": {\"c\": 2\n");
  EXPECT_EQ(infer_path(trunc).error(),
            "invalid JSON in sample file '" + trunc + "' at line 3: the document ends before it is complete");

  // JSON Lines: the line of the bad document.
  std::string lines = write("bad.jsonl", "{\"a\": 1}\n{\"a\": 2}\n{\"a\": tru}\n{\"a\": 4}\n");
  msg = infer_path(lines).error();
  EXPECT_EQ(msg.rfind("invalid JSON in sample file '" + lines + "' at line 3: ", 0), 0u) << msg;

  // JSON Lines whose last line is cut off.
  std::string cut = write("cut.jsonl", "{\"a\": 1}\n{\"a\": 2}\n{\"a\": 3\n");
  msg = infer_path(cut).error();
  EXPECT_EQ(msg.rfind("invalid JSON in sample file '" + cut + "' at line 3: ", 0), 0u) << msg;

  // Documents that are not objects.
  std::string scalar = write("scalar.json", "42");
  EXPECT_EQ(infer_path(scalar).error(),
            "sample file '" + scalar + "' holds a JSON number, not an object or an array of objects");
  std::string mixed = write("mixed.jsonl", "{\"a\": 1}\n\"x\"\n");
  EXPECT_EQ(infer_path(mixed).error(), "sample 2 in '" + mixed + "' is a JSON string, not an object");
}

TEST_F(InferSchemaTest, TheBusSample) {
  Inferred r = infer_path(std::string(STREAMC_SOURCE_DIR) + "/examples/samples/bus.json");
  EXPECT_EQ(r.text(),
            "schema S {\n"
            "  ServiceResult: {\n"
            "    comMsgHeader: {\n"
            "      errMsg: string?,\n"
            "      responseTime: string?,\n"
            "      requestMsgID: string?,\n"
            "      responseMsgID: string?,\n"
            "      successYN: string?,\n"
            "      returnCode: string?\n"
            "    },\n"
            "    msgHeader: {\n"
            "      headerCd: string,\n"
            "      headerMsg: string,\n"
            "      itemCount: int\n"
            "    },\n"
            "    msgBody: {\n"
            "      itemList: [{\n"
            "        busType: int,\n"
            "        congetion: int?,\n"
            "        dataTm: string,\n"
            "        fullSectDist: float,\n"
            "        gpsX: float,\n"
            "        gpsY: float,\n"
            "        isFullFlag: int,\n"
            "        islastyn: int,\n"
            "        isrunyn: int,\n"
            "        lastStTm: int,\n"
            "        lastStnId: string,\n"
            "        nextStId: string,\n"
            "        nextStTm: int,\n"
            "        plainNo: string,\n"
            "        posX: float,\n"
            "        posY: float,\n"
            "        rtDist: float,\n"
            "        sectDist: float,\n"
            "        sectOrd: int,\n"
            "        sectionId: string,\n"
            "        stopFlag: int,\n"
            "        trnstnid: string,\n"
            "        vehId: string\n"
            "      }]\n"
            "    }\n"
            "  }\n"
            "}\n");
  // The example inputs have the same shape.
  for (const char* in : {"/examples/in/20210813142502Bus100100073.json", "/examples/in/20210813152502Bus100100073.json"}) {
    Inferred i = infer_path(std::string(STREAMC_SOURCE_DIR) + in);
    ASSERT_FALSE(i.type->is_error()) << in;
    // ServiceResult.msgBody.itemList[]: the same fields (congetion is present in every record of one file)
    TypeRef want = r.type->elements[0]->elements[2]->elements[0]->elements[0];
    TypeRef got = i.type->elements[0]->elements[2]->elements[0]->elements[0];
    EXPECT_EQ(got->fields, want->fields) << in;
  }
}

// ---------------------------------------------------------------- CSV

TEST_F(InferSchemaTest, CsvColumnTypes) {
  EXPECT_EQ(fields("a.csv",
                   "i,f,b,t,s,mixed_num\n"
                   "1,1.5,true,2026-11-24T13:00:00Z,x,1\n"
                   "-2,3,FALSE,2021-08-13 14:25:02.0,y,2.5e3\n"),
            "{i: int, f: float, b: bool, t: timestamp, s: string, mixed_num: float}");
  // A value that fits nothing narrower makes the column a string.
  EXPECT_EQ(fields("b.csv", "a,b,c\n1,true,1\nx,1,99999999999999999999\n"), "{a: string, b: string, c: float}");
  // Digits alone are not timestamps, and hex/inf/nan are not floats.
  EXPECT_EQ(fields("c.csv", "d,h,n\n20210813142502,0x10,nan\n"), "{d: int, h: string, n: string}");
  // What the runtime's decoders parse as a timestamp, inference calls one:
  // a date alone (midnight UTC), as rt::parse_timestamp reads it.
  EXPECT_EQ(fields("d.csv", "day,n\n2026-11-24,1\n2026-11-25,2\n"), "{day: timestamp, n: int}");
  EXPECT_EQ(fields("d.json", R"({"day": "2026-11-24"})"), "{day: timestamp}");
}

TEST_F(InferSchemaTest, CsvEmptyCellsAreOptional) {
  EXPECT_EQ(fields("a.csv", "a,b,c\n1,,\n2,x,\n,y,\n"), "{a: int?, b: string?, c: string?}");
  EXPECT_EQ(fields("b.csv", "a,b\n1,\"\"\n"), "{a: int, b: string?}");
}

TEST_F(InferSchemaTest, CsvQuoting) {
  // Quoted delimiters, doubled quotes, newlines inside quotes, CRLF rows.
  EXPECT_EQ(fields("a.csv",
                   "name,n,note\r\n"
                   "\"Kim, Minsu\",\"1\",\"said \"\"hi\"\"\"\r\n"
                   "\"Lee\",2,\"two\nlines\"\r\n"),
            "{name: string, n: int, note: string}");
  EXPECT_EQ(fields("b.csv", "\"a\",\"b\"\n1,2"), "{a: int, b: int}");  // quoted header, no final newline
  std::string p = write("c.csv", "a,b\n1,\"open\n2,3\n");
  EXPECT_EQ(infer_path(p).error(), "invalid CSV in sample file '" + p + "': line 2: unterminated quoted field");
  p = write("d.csv", "a,b\n1,\"x\"y\n");
  EXPECT_EQ(infer_path(p).error(),
            "invalid CSV in sample file '" + p + "': line 2: unexpected character after a closing quote");
}

TEST_F(InferSchemaTest, CsvDelimiters) {
  EXPECT_EQ(fields("a.csv", "a;b;c\n1;2.5;x,y\n"), "{a: int, b: float, c: string}");
  EXPECT_EQ(fields("b.tsv", "a\tb\n1\thello, world\n"), "{a: int, b: string}");
  // Only the header line decides; ties go to ','.
  EXPECT_EQ(fields("c.csv", "a,b\n1;2;3,x\n"), "{a: string, b: string}");
  EXPECT_EQ(fields("d.csv", "a;b,c\n1;2,3\n", SampleFormat::Csv).substr(0, 20), "error: field 'a;b' (");
}

TEST_F(InferSchemaTest, CsvErrors) {
  std::string p = write("a.csv", "a,b\n1,2\n3\n");
  EXPECT_EQ(infer_path(p).error(), "line 3 of '" + p + "' has 1 fields, the header has 2");
  p = write("b.csv", "a,b\n1,2,3\n");
  EXPECT_EQ(infer_path(p).error(), "line 2 of '" + p + "' has 3 fields, the header has 2");
  EXPECT_EQ(infer("c.csv", "a,bus type\n1,2\n").error().rfind("field 'bus type' (at column 2) is not a valid SDL name", 0),
            0u);
  p = write("d.csv", "a,a\n1,2\n");
  EXPECT_EQ(infer_path(p).error(), "column 'a' appears twice in the header of '" + p + "'");
  p = write("e.csv", "a,,c\n1,2,3\n");
  EXPECT_EQ(infer_path(p).error(), "column 2 of the header of '" + p + "' has no name");
  p = write("f.csv", "");
  EXPECT_EQ(infer_path(p).error(), "sample file '" + p + "' is empty: a CSV sample needs a header line");
  p = write("g.csv", "a,b\n\n");
  EXPECT_EQ(infer_path(p).error(), "sample file '" + p + "' has a header but no rows: nothing to infer from");
  // Blank lines between rows are skipped.
  EXPECT_EQ(fields("h.csv", "a\n1\n\n2\n"), "{a: int}");
}

// A CSV sample is read as a running program reads its input (rt::strip_bom,
// rt::frame_csv, rt::split_csv). Where inference's own parser read it
// otherwise, the runtime's reading is the one kept; each such case is here.

TEST_F(InferSchemaTest, CsvByteOrderMarkIsDropped) {
  // (Was part of the first column's name: not a valid SDL name.)
  EXPECT_EQ(fields("a.csv", "\xEF\xBB\xBF" "a,b\n1,2\n"), "{a: int, b: int}");
  EXPECT_EQ(fields("b.csv", "\xEF\xBB\xBF" "\"a\",b\n1,2\n"), "{a: int, b: int}");
  std::string p = write("c.csv", "\xEF\xBB\xBF");
  EXPECT_EQ(infer_path(p).error(), "sample file '" + p + "' is empty: a CSV sample needs a header line");
}

TEST_F(InferSchemaTest, CsvLoneCarriageReturnIsNotALineEnd) {
  // Only '\n' ends a record ('\r' before it is dropped); a lone '\r' is text.
  // (Each was a line end: "y" a row of one field.)
  EXPECT_EQ(fields("a.csv", "n,s\n1,x\ry\n"), "{n: int, s: string}");
  EXPECT_EQ(infer("b.csv", "a,b\r1,2\r").error().rfind("field 'b\r1' (at column 2) is not a valid SDL name", 0), 0u);
  // Lines are counted by '\n' (was line 4: "\r\r\n" counted two).
  std::string p = write("c.csv", "a,b\r\n1,2\r\r\n3\n");
  EXPECT_EQ(infer_path(p).error(), "line 3 of '" + p + "' has 1 fields, the header has 2");
}

TEST_F(InferSchemaTest, CsvBlankLines) {
  // Empty lines, and lines of only '\r', are skipped.
  EXPECT_EQ(fields("a.csv", "a\n1\n\n\r\n2\n"), "{a: int}");
  // A line holding one quoted empty field is a record of one empty field
  // (was skipped as blank).
  EXPECT_EQ(fields("b.csv", "a\n1\n\"\"\n2\n"), "{a: int?}");
  std::string p = write("c.csv", "a,b\n1,2\n\"\"\n");
  EXPECT_EQ(infer_path(p).error(), "line 3 of '" + p + "' has 1 fields, the header has 2");
}

TEST_F(InferSchemaTest, FormatByExtensionOrContentOrExplicit) {
  EXPECT_EQ(fields("a.ndjson", "{\"a\": 1}\n"), "{a: int}");
  EXPECT_EQ(fields("a.CSV", "a\n1\n"), "{a: int}");
  EXPECT_EQ(fields("sample.txt", "{\"a\": 1}"), "{a: int}");
  EXPECT_EQ(fields("sample.dat", "a,b\n1,2\n"), "{a: int, b: int}");
  EXPECT_EQ(fields("x.data", "a,b\n1,2\n", SampleFormat::Csv), "{a: int, b: int}");
  EXPECT_EQ(fields("y.csv", "{\"a\": 1}", SampleFormat::Json), "{a: int}");
}

// ---------------------------------------------------------------- print_schema

// TypeExpr → TypeRef, as the checker will resolve it (built-in names only).
TypeRef from_ast(const ast::TypeExpr& t) {
  TypeRef r;
  switch (t.kind) {
    case ast::TypeExpr::Kind::Named:
      r = t.name == "bool"        ? types::boolean()
          : t.name == "int"       ? types::integer()
          : t.name == "float"     ? types::floating()
          : t.name == "string"    ? types::string()
          : t.name == "timestamp" ? types::timestamp()
          : t.name == "duration"  ? types::duration()
                                  : types::error();
      break;
    case ast::TypeExpr::Kind::List: r = types::list(from_ast(t.elements[0])); break;
    case ast::TypeExpr::Kind::Tuple: {
      std::vector<TypeRef> elems;
      for (const auto& e : t.elements) elems.push_back(from_ast(e));
      r = types::tuple(elems);
      break;
    }
    case ast::TypeExpr::Kind::Record: {
      std::vector<std::string> names;
      std::vector<TypeRef> elems;
      for (size_t i = 0; i < t.elements.size(); ++i) {
        names.push_back(t.field_names[i].name);
        elems.push_back(from_ast(t.elements[i]));
      }
      r = types::record(names, elems);
      break;
    }
  }
  return t.optional ? types::optional(r) : r;
}

// Parses `text` as a program with one schema declaration; its type, or null.
TypeRef parse_schema(const std::string& text, std::string& name, std::string& error) {
  SourceFile file("printed.sdl", text);
  Diagnostics diags(file);
  std::optional<ast::Program> program = parse_program(file, diags);
  if (!program) {
    error = diags.all().empty() ? "no program" : diags.all()[0].message;
    return nullptr;
  }
  if (program->decls.size() != 1 || program->decls[0].kind != ast::DeclKind::Schema || !program->decls[0].type) {
    error = "not one schema declaration";
    return nullptr;
  }
  name = program->decls[0].name.name;
  return from_ast(*program->decls[0].type);
}

void expect_round_trip(const TypeRef& t) {
  std::string printed = print_schema("Rt", t);
  std::string name, error;
  TypeRef back = parse_schema(printed, name, error);
  ASSERT_TRUE(back) << error << "\n" << printed;
  EXPECT_EQ(name, "Rt");
  EXPECT_TRUE(same_type(back, t)) << printed << "\nparsed back as " << to_string(back);
}

TEST(InferSchemaPrint, Text) {
  TypeRef t = types::record(
      {"a", "b", "c", "d", "e"},
      {types::integer(), types::optional(types::string()),
       types::record({"x", "y"}, {types::list(types::floating()), types::optional(types::record({"z"}, {types::boolean()}))}),
       types::list(types::record({"t"}, {types::timestamp()})), types::record({}, {})},
      "Thing");
  EXPECT_EQ(print_schema("Thing", t),
            "schema Thing {\n"
            "  a: int,\n"
            "  b: string?,\n"
            "  c: {\n"
            "    x: [float],\n"
            "    y: {\n"
            "      z: bool\n"
            "    }?\n"
            "  },\n"
            "  d: [{\n"
            "    t: timestamp\n"
            "  }],\n"
            "  e: {}\n"
            "}\n");
  EXPECT_EQ(print_schema("E", types::record({}, {})), "schema E {}\n");
}

TEST(InferSchemaPrint, RoundTrips) {
  expect_round_trip(types::record({"a"}, {types::integer()}));
  expect_round_trip(types::record({}, {}));
  expect_round_trip(types::record(
      {"mode", "on", "xs", "opt_list", "list_opt", "nested", "tup", "dur"},
      {types::string(), types::boolean(), types::list(types::list(types::optional(types::floating()))),
       types::optional(types::list(types::integer())), types::list(types::optional(types::timestamp())),
       types::optional(types::record({"a", "b"}, {types::list(types::record({"c"}, {types::integer()})),
                                                  types::record({}, {})})),
       types::tuple({types::string(), types::integer()}), types::duration()}));
}

TEST_F(InferSchemaTest, InferredSchemasRoundTrip) {
  expect_round_trip(infer_path(std::string(STREAMC_SOURCE_DIR) + "/examples/samples/bus.json").type);
  expect_round_trip(infer("a.jsonl",
                          "{\"p\": {\"x\": [1, null], \"t\": \"2026-11-24T13:00:00Z\"}, \"n\": null, \"e\": []}\n"
                          "{\"p\": {\"x\": [], \"y\": {}}, \"m\": [{\"k\": 1.5}]}\n")
                        .type);
  expect_round_trip(infer("b.csv", "a,b,c,d\n1,,x,2026-11-24T13:00:00Z\n").type);
}

}  // namespace
}  // namespace streamc::sema
