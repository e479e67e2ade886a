// Record framing per format, through the files and socket sources.
#include "base/framing.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "io/files_source.hpp"
#include "io/padded_buffer.hpp"
#include "io/socket_source.hpp"
#include "base/split_lines.hpp"
#include "test_dir.hpp"
#include "test_server.hpp"

namespace streamc::rt {
namespace {

using testing::TestDir;
using testing::TestServer;
using Records = std::vector<std::string_view>;

Records json_file(std::string_view text, int multiline = -1) {
  Records r;
  frame_json_file(text, multiline, r);
  return r;
}

// A file framed as it is read, in pieces of every size, gives the records of
// framing it whole.
Records whole(SourceFormat format, int multiline, std::string_view text) {
  Records r;
  switch (format) {
    case SourceFormat::Text: split_lines(text, r); break;
    case SourceFormat::Json: frame_json_file(text, multiline, r); break;
    case SourceFormat::Csv: frame_csv(strip_bom(text), ',', r); break;
  }
  return r;
}

TEST(FileFramer, InPiecesEqualsWhole) {
  const std::string bom = "\xEF\xBB\xBF";
  const std::vector<std::string> texts = {
      "",
      "a\nbb\r\n\nccc",
      "a\nbb\n",
      bom + "x\ny\n",
      "{\"a\":1}\n\n  \n{\"a\":2}\r\n{\"a\":3}",
      "\n\n  {\"a\":1}\n{\"b\":2}\n",
      bom + "{\"a\":1}\n",
      "{\n  \"a\": [1,\n 2]\n}\n",
      "\n\n{\n\"a\":1}\n\n",
      "   \n \t ",
      "42\n43\n",
      "h1,h2\n1,\"two\nlines\"\n3,\"x\"\"y\"\n\n5,6",
      bom + "a,b\r\n1,2\r\n",
  };
  for (SourceFormat format : {SourceFormat::Text, SourceFormat::Json, SourceFormat::Csv}) {
    for (int multiline : {-1, 0, 1}) {
      if (format != SourceFormat::Json && multiline != -1) continue;
      for (const auto& text : texts) {
        Records want = whole(format, multiline, text);
        for (size_t piece = 1; piece <= text.size() + 1; ++piece) {
          FileFramer framer(format, multiline, ',');
          Records got;
          for (size_t n = piece; n < text.size(); n += piece) framer.more(std::string_view(text).substr(0, n), got);
          framer.finish(text, got);
          EXPECT_EQ(got, want) << "format " << static_cast<int>(format) << " multiline " << multiline << " piece "
                               << piece << " text " << ::testing::PrintToString(text);
        }
      }
    }
  }
}

TEST(JsonFraming, CompleteFirstLineMeansJsonLines) {
  EXPECT_TRUE(is_complete_json_line(R"({"a": "}", "b": [1, {"c": "\"{"}]})"));
  EXPECT_TRUE(is_complete_json_line("  [1, 2]  "));
  EXPECT_TRUE(is_complete_json_line("\"str\\\"ing\""));
  EXPECT_TRUE(is_complete_json_line("123"));
  EXPECT_FALSE(is_complete_json_line("{"));
  EXPECT_FALSE(is_complete_json_line(R"({"a": "}")"));
  EXPECT_FALSE(is_complete_json_line(R"({"a":1} {"b":2})"));
  EXPECT_FALSE(is_complete_json_line("   "));

  EXPECT_EQ(json_file("{\"a\":1}\n\n  \n{\"a\":2}\r\n{\"a\":3}"), (Records{"{\"a\":1}", "{\"a\":2}", "{\"a\":3}"}));
  EXPECT_EQ(json_file("\n\n{\"a\":1}\n"), (Records{"{\"a\":1}"}));
}

TEST(JsonFraming, PrettyPrintedFileIsOneDocument) {
  std::string pretty = "\xEF\xBB\xBF\n{\n  \"ServiceResult\": {\n    \"itemList\": [1, 2]\n  }\n}\n\n";
  EXPECT_EQ(json_file(pretty), (Records{"{\n  \"ServiceResult\": {\n    \"itemList\": [1, 2]\n  }\n}"}));
  EXPECT_EQ(json_file("[\n1,\n2\n]"), (Records{"[\n1,\n2\n]"}));
  EXPECT_EQ(json_file(""), (Records{}));
  EXPECT_EQ(json_file(" \n\n "), (Records{}));
}

TEST(JsonFraming, MultilineOptionForcesEitherWay) {
  EXPECT_EQ(json_file("{\"a\":1}\n{\"a\":2}\n", 1), (Records{"{\"a\":1}\n{\"a\":2}"}));
  EXPECT_EQ(json_file("{\n\"a\":1}\n", 0), (Records{"{", "\"a\":1}"}));
}

TEST(JsonFraming, TruncatedLineStaysOneBadRecord) {
  // The first line decides JSON Lines; a truncated object later is one
  // record and the next line is still its own record.
  EXPECT_EQ(json_file("{\"a\":1}\n{\"a\":\"tru\n{\"a\":3}\n"), (Records{"{\"a\":1}", "{\"a\":\"tru", "{\"a\":3}"}));
}

// One poll's records, keeping the buffers alive.
struct Poller {
  std::vector<std::shared_ptr<const void>> buffers;
  std::vector<std::string_view> records;
  std::vector<CsvSegment> segments;
  bool finished = false;
  Records operator()(Source& s) {
    records.clear();
    segments.clear();
    SourceIntake intake{records, buffers};
    intake.csv_segments = &segments;
    finished = s.poll(intake);
    return records;
  }
  // Every record lies in a PaddedBuffer with kRecordPadding readable zeros
  // after the buffer's content (reads them, for ASan builds).
  void expect_padded() const {
    for (std::string_view r : records) {
      bool found = false;
      for (const auto& b : buffers) {
        auto pb = std::static_pointer_cast<const PaddedBuffer>(b);
        const char* begin = pb->data.get();
        if (r.data() < begin || r.data() + r.size() > begin + pb->size) continue;
        found = true;
        EXPECT_GE(pb->capacity, pb->size + kRecordPadding);
        volatile char sum = 0;
        for (const char* p = r.data() + r.size(); p < begin + pb->size + kRecordPadding; ++p) sum = sum + *p;
        for (size_t i = 0; i < kRecordPadding; ++i) EXPECT_EQ(begin[pb->size + i], '\0');
      }
      EXPECT_TRUE(found) << "record not in a padded buffer: " << r.substr(0, 40);
    }
  }
};

TEST(FilesSourceFormats, JsonFilesAutoDetectedPerFile) {
  TestDir dir;
  dir.write("in/1.json", "{\"a\":1}\n{\"a\":2}\n", 100);
  dir.write("in/2.json", "{\n  \"a\": 3\n}\n", 200);
  dir.write("in/3.json", "", 300);
  dir.write("in/4.json", "\n\n", 400);
  FilesSource src("j", dir / "in/*.json", {.format = SourceFormat::Json});
  src.start(RunMode::Continuous);
  Poller poll;
  EXPECT_EQ(poll(src), (Records{"{\"a\":1}", "{\"a\":2}", "{\n  \"a\": 3\n}"}));
  poll.expect_padded();
}

TEST(FilesSourceFormats, HugeLineAndBadUtf8PassThrough) {
  TestDir dir;
  std::string huge = "{\"s\":\"" + std::string(1 << 20, 'x') + "\"}";
  std::string bad = "{\"s\":\"\xC3\x28\xFF\"}";
  dir.write("in/a.json", huge + "\n" + bad + "\n{\"s\":\"ok\"}\n");
  FilesSource src("j", dir / "in/*.json", {.format = SourceFormat::Json});
  src.start(RunMode::Continuous);
  Poller poll;
  Records r = poll(src);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].size(), huge.size());
  EXPECT_EQ(r[1], bad);
  EXPECT_EQ(r[2], "{\"s\":\"ok\"}");
  poll.expect_padded();
}

TEST(FilesSourceFormats, TextRecordsArePaddedToo) {
  TestDir dir;
  dir.write("in/a.txt", "one\ntwo");
  FilesSource src("t", dir / "in/*.txt", {});
  src.start(RunMode::Continuous);
  Poller poll;
  EXPECT_EQ(poll(src), (Records{"one", "two"}));
  poll.expect_padded();
}

TEST(FilesSourceFormats, CsvHeaderPerFile) {
  TestDir dir;
  dir.write("in/1.csv", "word,n\r\ncat,1\r\n\"big \"\"dog\"\"\",2\r\n", 100);
  dir.write("in/2.csv", "n,word\n3,\"two\nlines\"\n", 200);
  dir.write("in/3.csv", "n,word\n", 300);  // only a header
  FilesSource src("c", dir / "in/*.csv", {.format = SourceFormat::Csv});
  src.start(RunMode::Continuous);
  Poller poll;
  EXPECT_EQ(poll(src), (Records{"cat,1", "\"big \"\"dog\"\"\",2", "3,\"two\nlines\""}));
  poll.expect_padded();
  ASSERT_EQ(poll.segments.size(), 3u);
  EXPECT_EQ(poll.segments[0].first_record, 0u);
  EXPECT_EQ(poll.segments[0].header->names, (std::vector<std::string>{"word", "n"}));
  EXPECT_EQ(poll.segments[1].first_record, 2u);
  EXPECT_EQ(poll.segments[1].header->names, (std::vector<std::string>{"n", "word"}));
  EXPECT_EQ(poll.segments[1].header->column("word"), 1);
  EXPECT_NE(poll.segments[0].header->id, poll.segments[1].header->id);
  EXPECT_NE(poll.segments[1].header->file.find("2.csv"), std::string::npos);
}

TEST(FilesSourceFormats, CsvWithoutHeaderAndCustomDelimiter) {
  TestDir dir;
  dir.write("in/1.csv", "a;\"b;c\"\nd;e\n");
  FilesSource src("c", dir / "in/*.csv", {.format = SourceFormat::Csv, .csv_delimiter = ';', .csv_header = false});
  src.start(RunMode::Continuous);
  Poller poll;
  EXPECT_EQ(poll(src), (Records{"a;\"b;c\"", "d;e"}));
  EXPECT_TRUE(poll.segments.empty());
}

TEST(BatchCsvHeader, MapsRecordsToTheirFilesHeader) {
  // Through Batch: segments are searched by record index.
  Batch b;
  EXPECT_EQ(b.csv_header(SourceId{0}, 0), nullptr);
  EXPECT_EQ(b.generated(SourceId{0}).count, 0);
}

// --- sockets
struct SocketPoller {
  Poller poll;
  std::vector<std::string> all;
  bool until(SocketSource& s, size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (all.size() < n && std::chrono::steady_clock::now() < deadline) {
      for (auto r : poll(s)) all.emplace_back(r);
      poll.expect_padded();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return all.size() >= n;
  }
};

TEST(SocketSourceFormats, JsonSkipsBlankLines) {
  TestServer server;
  SocketSource src("s", "127.0.0.1", server.port(), {.format = SourceFormat::Json}, {.notice = [](auto&) {}});
  src.start(RunMode::Continuous);
  ASSERT_TRUE(server.accept_client());
  server.send("{\"a\":1}\n\n   \n{\"a\":2}\r\n");
  SocketPoller p;
  ASSERT_TRUE(p.until(src, 2));
  EXPECT_EQ(p.all, (std::vector<std::string>{"{\"a\":1}", "{\"a\":2}"}));
}

TEST(SocketSourceFormats, CsvQuotedNewlineAcrossSends) {
  TestServer server;
  SocketSource src("s", "127.0.0.1", server.port(), {.format = SourceFormat::Csv}, {.notice = [](auto&) {}});
  src.start(RunMode::Continuous);
  ASSERT_TRUE(server.accept_client());
  SocketPoller p;
  server.send("a,1\n\"first\n");  // the quoted field goes on in the next send
  ASSERT_TRUE(p.until(src, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  for (auto r : p.poll(src)) p.all.emplace_back(r);
  EXPECT_EQ(p.all.size(), 1u);
  server.send("second\",2\nb,3\n");
  ASSERT_TRUE(p.until(src, 3));
  EXPECT_EQ(p.all, (std::vector<std::string>{"a,1", "\"first\nsecond\",2", "b,3"}));
}

}  // namespace
}  // namespace streamc::rt
