// Structured-record features through run_program: CSV headers per file,
// rejected records to errors_path, the CSV files sink, the generate source
// and the program's own run mode.
#include <gtest/gtest.h>

#include <array>
#include <filesystem>

#include "run_in_process.hpp"
#include "streamc/runtime/api.hpp"
#include "test_dir.hpp"

namespace streamc::rt {
namespace {

using testing::kNov24;
using testing::Result;
using testing::run;
using testing::TestClock;
using testing::TestDir;

ProgramSpec spec_named(std::string name) {
  ProgramSpec spec;
  spec.name = std::move(name);
  return spec;
}

struct Word {
  std::string_view word;
  int64_t n;
  static constexpr std::array<std::string_view, 2> field_names = {"word", "n"};
  template <class F>
  void for_each_field(F&& f) const {
    f("word", word);
    f("n", n);
  }
};

TEST(RecordsProgram, CsvHeadersMapColumnsPerFile) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.csv", "word,n\ncat,1\n\"dog, big\",2\n", 100);
  dir.write("in/2.csv", "n,word\n3,eel\nx,bad\n", 200);
  auto r = run({"--once"}, spec_named("csvwords"), [&](Engine& eng) {
    auto src = eng.add_files_source("words", dir / "in/*.csv", {.format = SourceFormat::Csv});
    auto& out = eng.add_table_console_sink("out", {});
    eng.set_batch_function([=, &out](Batch& b) {
      std::vector<Word> rows;
      std::vector<std::string_view> fields;
      uint64_t cached = 0;
      int word_col = -1, n_col = -1;
      const auto& recs = b.records(src);
      for (size_t i = 0; i < recs.size(); ++i) {
        const CsvHeader* h = b.csv_header(src, i);
        ASSERT_NE(h, nullptr);
        if (h->id != cached) {  // map schema fields to columns once per file
          cached = h->id;
          word_col = h->column("word");
          n_col = h->column("n");
        }
        split_csv(recs[i], ',', fields, b.arena());
        auto n = parse_int(fields[static_cast<size_t>(n_col)]);
        if (!n) {
          b.reject(src, recs[i], "n is not an int");
          continue;
        }
        rows.push_back({fields[static_cast<size_t>(word_col)], *n});
      }
      out.write(b, rows);
    });
  });
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "-------------------------------------------\n"
            "Batch: 0\n"
            "-------------------------------------------\n"
            "+--------+---+\n"
            "|    word|  n|\n"
            "+--------+---+\n"
            "|     cat|  1|\n"
            "|dog, big|  2|\n"
            "|     eel|  3|\n"
            "+--------+---+\n"
            "\n");
  EXPECT_EQ(r.err, "words: 1 record rejected (1 n is not an int)\n");
}

// Rejects every record that does not start with '{'.
std::function<void(Engine&)> rejecting(const TestDir& dir, OnError mode) {
  return [&dir, mode](Engine& eng) {
    auto src = eng.add_files_source(
        "bus", dir / "in/*.json",
        {.on_error = mode, .format = SourceFormat::Json, .errors_path = dir / "errors"});
    eng.set_batch_function([=](Batch& b) {
      for (std::string_view rec : b.records(src))
        if (!rec.starts_with("{")) b.reject(src, rec, "not an \"object\"");
    });
  };
}

TEST(RecordsProgram, RejectedRecordsGoToErrorsPath) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.json", "{\"a\":1}\n[1]\n", 100);
  dir.write("in/2.json", "{\"a\":2}\n", 200);
  dir.write("in/3.json", "{\"a\":3}\ntru\xFF\n", 300);
  std::string progress = dir / "progress.jsonl";
  auto r = run({"--available-now", "--progress", progress}, spec_named("p"),
               [&](Engine& eng) {
                 auto src = eng.add_files_source("bus", dir / "in/*.json",
                                                 {.max_files_per_batch = 1,
                                                  .format = SourceFormat::Json,
                                                  .errors_path = dir / "errors/"});
                 eng.set_batch_function([=](Batch& b) {
                   for (std::string_view rec : b.records(src))
                     if (!rec.starts_with("{")) b.reject(src, rec, "not an \"object\"");
                 });
               });
  EXPECT_EQ(r.status, 0) << r.err;
  // The reason names the file and line of the record.
  const std::string in = std::string(dir / "in");
  EXPECT_EQ(dir.read("errors/part-00000.json"),
            "{\"source\":\"bus\",\"batch\":0,\"reason\":\"not an \\\"object\\\" (in " + in +
                "/1.json, line 2)\",\"record\":\"[1]\"}\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "errors/part-00001.json"));  // no rejections in batch 1
  EXPECT_EQ(dir.read("errors/part-00002.json"),
            "{\"source\":\"bus\",\"batch\":2,\"reason\":\"not an \\\"object\\\" (in " + in +
                "/3.json, line 2)\",\"record\":\"tru\xEF\xBF\xBD\"}\n");
  std::string p = dir.read("progress.jsonl");
  EXPECT_NE(p.find("\"batchId\":0,\"timestamp\":\"2026-11-24T13:00:00Z\",\"numInputRows\":2,\"numRejectedRows\":1"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find("\"batchId\":1,\"timestamp\":\"2026-11-24T13:00:01Z\",\"numInputRows\":1,\"numRejectedRows\":0"),
            std::string::npos)
      << p;
  EXPECT_EQ(r.err, "bus: 2 records rejected (2 not an \"object\")\n");
}

TEST(RecordsProgram, DropModeWritesErrorsTooAndFailDoesNot) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.json", "{\"a\":1}\nnope\n", 100);
  auto r = run({"--once"}, spec_named("p"), rejecting(dir, OnError::Drop));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(dir.read("errors/part-00000.json").find("\"record\":\"nope\""), std::string::npos);
  std::filesystem::remove_all(dir / "errors");
  auto f = run({"--once"}, spec_named("p"), rejecting(dir, OnError::Fail));
  EXPECT_EQ(f.status, 1);
  EXPECT_NE(f.err.find("p: error: source 'bus': record rejected: not an \"object\" (in " + std::string(dir / "in") +
                       "/1.json, line 2): nope"),
            std::string::npos)
      << f.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "errors/part-00000.json"));
}

struct Event {
  std::optional<std::string_view> name;
  Timestamp ts;
  double x;
  std::vector<int64_t> ids;
  static constexpr std::array<std::string_view, 4> field_names = {"name", "ts", "x", "ids"};
  template <class F>
  void for_each_field(F&& f) const {
    f("name", name);
    f("ts", ts);
    f("x", x);
    f("ids", ids);
  }
};

TEST(RecordsProgram, CsvFilesSink) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.txt", "go\n", 100);
  auto r = run({"--once"}, spec_named("p"), [&](Engine& eng) {
    auto src = eng.add_files_source("lines", dir / "in/*.txt", {});
    auto& out = eng.add_files_sink("events", dir / "out", {.format = FileFormat::Csv});
    auto& pairs = eng.add_files_sink("pairs", dir / "pairs", {.format = FileFormat::Csv});
    auto& empty = eng.add_files_sink("empty", dir / "empty", {.format = FileFormat::Csv});
    eng.set_batch_function([=, &out, &pairs, &empty](Batch& b) {
      (void)b.records(src);
      std::vector<Event> rows = {
          {"plain", Timestamp{kNov24 * 1'000'000}, 1.5, {1, 2}},
          {"with, comma \"q\"", Timestamp{kNov24 * 1'000'000 + 250'000}, 2.0, {}},
          {std::nullopt, Timestamp{0}, -0.5, {3}},
          {"", Timestamp{0}, 1e21, {}},
      };
      out.write(b, rows);
      pairs.write(b, std::vector<std::tuple<std::string_view, int64_t>>{{"a", 1}, {"b\nc", 2}});
      empty.write(b, std::vector<Event>{});
    });
  });
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(dir.read("out/part-00000.csv"),
            "name,ts,x,ids\n"
            "plain,2026-11-24T13:00:00Z,1.5,\"[1,2]\"\n"
            "\"with, comma \"\"q\"\"\",2026-11-24T13:00:00.25Z,2.0,[]\n"
            ",1970-01-01T00:00:00Z,-0.5,[3]\n"
            "\"\",1970-01-01T00:00:00Z,1e+21,[]\n");
  EXPECT_EQ(dir.read("pairs/part-00000.csv"), "_1,_2\na,1\n\"b\nc\",2\n");
  EXPECT_TRUE(std::filesystem::is_empty(dir / "empty"));  // nothing for an empty batch, not even a header
}

struct Tick {
  Timestamp timestamp;
  int64_t value;
  static constexpr std::array<std::string_view, 2> field_names = {"timestamp", "value"};
  template <class F>
  void for_each_field(F&& f) const {
    f("timestamp", timestamp);
    f("value", value);
  }
};

std::function<void(Engine&)> generating(GenerateOptions options, std::vector<GeneratedRange>* seen = nullptr) {
  return [options, seen](Engine& eng) {
    auto src = eng.add_generate_source("rate", options);
    auto& out = eng.add_table_console_sink("ticks", {.rows = 3});
    eng.set_batch_function([=, &out](Batch& b) {
      GeneratedRange g = b.generated(src);
      if (seen) seen->push_back(g);
      std::vector<Tick> rows;
      for (int64_t i = 0; i < g.count; ++i) rows.push_back({g.time(i), g.value(i)});
      out.write(b, rows);
    });
  };
}

TEST(RecordsProgram, GenerateUnderTheTestClock) {
  TestClock clock;
  std::vector<GeneratedRange> seen;
  auto r = run({"--max-batches", "3", "--progress", "-"}, spec_named("rate"),
               generating({.rows_per_second = 4}, &seen));
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(seen.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(seen[i].first_value, 4 * i);
    EXPECT_EQ(seen[i].count, 4);
    EXPECT_EQ(seen[i].first_time.micros, (kNov24 + i) * 1'000'000);
    EXPECT_EQ(seen[i].step_us, 250'000);
  }
  EXPECT_NE(r.out.find("|2026-11-24 13:00:...|    5|\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"batchId\":2,\"timestamp\":\"2026-11-24T13:00:02Z\",\"numInputRows\":4"), std::string::npos)
      << r.out;

  seen.clear();
  r = run({"--max-batches", "2", "--batch", "500ms"}, spec_named("rate"),
          generating({.rows_per_second = 3, .rows_per_batch = 0}, &seen));
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].count, 1);  // 3/s over 0.5 s: 1.5 rows, carried over
  EXPECT_EQ(seen[1].count, 2);

  seen.clear();
  r = run({"--max-batches", "3"}, spec_named("rate"),
          generating({.rows_per_batch = 10, .total_rows = 25}, &seen));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].first_value, 20);
  EXPECT_EQ(seen[2].count, 5);
}

TEST(RecordsProgram, GenerateBoundedModesNeedTotalRows) {
  TestClock clock;
  auto r = run({"--once"}, spec_named("rate"), generating({.rows_per_second = 10}));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "rate: error: source 'rate': generate needs total_rows under --once\n");

  std::vector<GeneratedRange> seen;
  r = run({"--once"}, spec_named("rate"), generating({.rows_per_second = 10, .total_rows = 7}, &seen));
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].count, 7);

  seen.clear();
  r = run({"--available-now"}, spec_named("rate"), generating({.rows_per_batch = 4, .total_rows = 10}, &seen));
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].count, 4);
  EXPECT_EQ(seen[1].count, 4);
  EXPECT_EQ(seen[2].count, 2);
  EXPECT_EQ(seen[2].first_value, 8);
}

TEST(RecordsProgram, RunModeFromTheProgramAndFlagsOverride) {
  TestClock clock;
  ProgramSpec spec = spec_named("rate");
  spec.run_mode = RunMode::Once;
  std::vector<GeneratedRange> seen;
  auto r = run({}, spec, generating({.rows_per_batch = 4, .total_rows = 10}, &seen));
  EXPECT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(seen.size(), 1u);  // `trigger once`: all 10 in one batch
  EXPECT_EQ(seen[0].count, 10);

  seen.clear();
  r = run({"--available-now"}, spec, generating({.rows_per_batch = 4, .total_rows = 10}, &seen));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(seen.size(), 3u);
}

}  // namespace
}  // namespace streamc::rt
