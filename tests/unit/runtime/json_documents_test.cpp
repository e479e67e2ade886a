// rt::json::Documents: JSON Lines records parsed as one document stream give
// exactly what each record parsed on its own gives, for good and bad input.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/batch_access.hpp"
#include "base/framing.hpp"
#include "streamc/runtime/api.hpp"
#include "streamc/runtime/json_decode.hpp"

namespace streamc::rt::json {
namespace {

// What a decoder sees of each record: every value walked (strings
// unescaped, numbers and literals as written), or the message of the
// RecordError it ends with.
void describe_value(simdjson::ondemand::value v, std::string& out) {
  auto fail = [](const char* what, simdjson::error_code err) {
    throw RecordError(std::string(what) + ": " + simdjson::error_message(err));
  };
  simdjson::ondemand::json_type type;
  if (auto err = v.type().get(type)) fail("type", err);
  switch (type) {
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object obj;
      if (auto err = v.get_object().get(obj)) fail("object", err);
      out += "{";
      for (auto fr : obj) {
        simdjson::ondemand::field f;
        if (auto err = std::move(fr).get(f)) fail("field", err);
        std::string_view key;
        if (auto err = f.unescaped_key().get(key)) fail("key", err);
        out += std::string(key) + "=";
        describe_value(f.value(), out);
        out += ";";
      }
      out += "}";
      return;
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array arr;
      if (auto err = v.get_array().get(arr)) fail("array", err);
      out += "[";
      for (auto el : arr) {
        simdjson::ondemand::value ev;
        if (auto err = std::move(el).get(ev)) fail("element", err);
        describe_value(ev, out);
        out += ",";
      }
      out += "]";
      return;
    }
    case simdjson::ondemand::json_type::string: {
      std::string_view s;
      if (auto err = v.get_string().get(s)) fail("string", err);
      out += "'" + std::string(s) + "'";
      return;
    }
    default:
      out += std::string(v.raw_json_token());
  }
}

std::string describe(simdjson::ondemand::document_reference doc, int& calls) {
  ++calls;
  simdjson::ondemand::value root;
  if (auto err = doc.get_value().get(root)) throw RecordError(std::string("root: ") + simdjson::error_message(err));
  std::string out;
  describe_value(root, out);
  return out;
}

// Each input is one file of a batch; its records are framed as a files
// source frames JSON Lines. Returns what each record decoded to, with the
// records in the batch (stream) and without it (each on its own).
struct Decoded {
  std::vector<std::string> results;
  int calls = 0;
  size_t streamed = 0;
};

Decoded decode_all(const std::vector<std::string>& files, bool in_batch) {
  std::vector<std::string> buffers;
  buffers.reserve(files.size());
  Batch batch;
  BatchAccess::begin(batch, nullptr, 0, Timestamp{}, 1);
  std::vector<std::string_view>& records = BatchAccess::records(batch, 0);
  for (const auto& f : files) {
    buffers.push_back(f + std::string(kRecordPadding, '\0'));
    std::string_view text(buffers.back().data(), f.size());
    frame_json_lines(text, records);
    BatchAccess::origins(batch).push_back({text.data(), text.data() + text.size(), "f"});
  }
  Decoded d;
  Documents docs(in_batch ? &batch : nullptr, records);
  for (size_t i = 0; i < records.size(); ++i) {
    std::string result;
    try {
      docs.decode(i, [&](simdjson::ondemand::document_reference doc) { result = describe(doc, d.calls); });
    } catch (const RecordError& e) {
      result = std::string("error: ") + e.what();
    }
    d.results.push_back(result);
  }
  d.streamed = docs.streamed();
  return d;
}

// The same results both ways; returns how many records the stream gave.
size_t expect_same(const std::vector<std::string>& files) {
  Decoded alone = decode_all(files, false);
  Decoded stream = decode_all(files, true);
  EXPECT_EQ(alone.streamed, 0u);
  EXPECT_EQ(stream.results.size(), alone.results.size());
  for (size_t i = 0; i < alone.results.size() && i < stream.results.size(); ++i)
    EXPECT_EQ(stream.results[i], alone.results[i]) << "record " << i;
  return stream.streamed;
}

TEST(JsonDocuments, GoodLinesAreOneStreamWithOneCallPerRecord) {
  std::string file;
  for (int i = 0; i < 1000; ++i) file += "{\"a\":" + std::to_string(i) + ",\"s\":\"x\\ty\",\"l\":[1,{\"b\":2}]}\n";
  Decoded d = decode_all({file}, true);
  ASSERT_EQ(d.results.size(), 1000u);
  EXPECT_EQ(d.results[7], "{a=7;s='x\ty';l=[1,{b=2;},];}");
  EXPECT_EQ(d.calls, 1000);  // no record parsed twice
  EXPECT_EQ(d.streamed, 1000u);
  EXPECT_EQ(expect_same({file}), 1000u);
}

// Good lines around one damaged line: the same results. Damage that simdjson
// finds while indexing the window (an open string, bad UTF-8) sends the
// whole window through one parse per record; other damage only its line, so
// that the good lines before it still come from the stream.
void expect_same_around(const std::string& damaged, bool whole_window = false) {
  std::string good;
  for (int i = 0; i < 20; ++i) good += "{\"a\":" + std::to_string(i) + "}\n";
  SCOPED_TRACE(damaged);
  size_t streamed = expect_same({good + damaged + "\n" + good});
  if (whole_window)
    EXPECT_EQ(streamed, 0u);
  else
    EXPECT_GE(streamed, 20u);
}

TEST(JsonDocuments, BadLinesGetTheirOwnParseAndTheSameResult) {
  expect_same_around("{\"a\":\"unclosed}", true);          // a string open to the end of the line
  expect_same_around("{\"a\":3} {\"b\":4}");          // two documents on one line
  expect_same_around("{\"a\":3}{\"b\":4}");
  expect_same_around("{\"a\":3} x");                   // something after the document
  expect_same_around("{\"a\":\n5}");                   // an object continued on the next line
  expect_same_around("[1,\n2]");
  expect_same_around("{\"a\":\n\n\n");              // never closed
  expect_same_around("\n  \r\n\t");                   // blank lines
  expect_same_around("{\"a\":6}\r");                  // CRLF
  expect_same_around("  \t{\"a\":6}  ");                // whitespace around the value
  expect_same_around("42");                            // not an object
  expect_same_around("\"a string\"");
  expect_same_around("{\"a\":\"\xff\xfe\"}", true);        // bad UTF-8
  expect_same_around("{\"a\":7,}");                    // a trailing comma
  expect_same_around("{\"a\" 7}");                     // no colon
  expect_same_around("}{");
  expect_same_around("{\"a\":\"\\\"}", true);              // an escaped quote, then the line ends
  expect_same_around("{\"a\":[1,2}");                  // mismatched brackets
  // Everything at once, and a file without a newline at its end.
  expect_same({"{\"a\":1}\n{\"a\":\"unclosed}\n{\"a\":2}\n{\"a\":3} {\"b\":4}\n{\"a\":\n5}\n\n  \r\n{\"a\":6}\r\n42\n"
               "{\"a\":\"\xff\xfe\"}\n{\"a\":7,}\n[1,2\n{\"a\":8}\n\"a string\"\n{\"a\":9}"});
}

TEST(JsonDocuments, IndentedLinesStillComeFromTheStream) {
  std::string file;
  for (int i = 0; i < 100; ++i) file += std::string(static_cast<size_t>(i % 3), ' ') + "{\"a\":" + std::to_string(i) + "}\n";
  EXPECT_EQ(expect_same({file}), 100u);
}

TEST(JsonDocuments, RecordsOfSeveralFilesAndARecordLargerThanTheWindow) {
  std::string big = "{\"a\":\"" + std::string(Documents::kWindow + 1000, 'x') + "\"}";
  EXPECT_GE(expect_same({"{\"a\":1}\n{\"a\":2}\n", big + "\n{\"a\":3}\n", "{\"a\":\"open\n{\"a\":4}\n", "{\"a\":5}\n"}), 3u);
}

TEST(JsonDocuments, RandomDamageInManyWindows) {
  // Lines of several windows' worth, a few of them damaged at random: the
  // stream finds its way back after each, in the next window.
  std::mt19937 rng(42);
  std::string file;
  // One damaged line in the middle of every other window, at a random
  // place in the line with a random character.
  size_t next_damage = Documents::kWindow + Documents::kWindow / 2;
  while (file.size() < 6 * Documents::kWindow) {
    // One rng() call per statement: the order of calls within one
    // expression is the compiler's choice, and the file must be the same
    // whichever compiler builds the test.
    const auto id = rng() % 100000;
    const auto name = rng() % 1000;
    std::string line = "{\"id\":" + std::to_string(id) + ",\"name\":\"n" + std::to_string(name) +
                       "\",\"tags\":[\"a\",\"b\"],\"pos\":{\"x\":1.5,\"y\":-2}}";
    if (file.size() >= next_damage) {
      next_damage += 2 * Documents::kWindow;
      size_t at = rng() % line.size();
      const char damage[] = {'"', '{', '}', '[', ']', ',', ':', '\\', '\xC3', '\n', ' '};
      line[at] = damage[rng() % sizeof damage];
    }
    file += line + "\n";
  }
  // Most records still come from the stream.
  Decoded d = decode_all({file}, true);
  EXPECT_GT(d.streamed, d.results.size() / 3);
  expect_same({file, file.substr(0, file.size() / 3)});
}

}  // namespace
}  // namespace streamc::rt::json
