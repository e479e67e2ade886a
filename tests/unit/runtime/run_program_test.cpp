// Drives run_program in-process with small hand-written "generated"
// programs, the way compiler/codegen emits them.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <thread>

#include "run_in_process.hpp"
#include "streamc/runtime/api.hpp"
#include "streamc/stdlib/strings.hpp"
#include "test_dir.hpp"
#include "test_server.hpp"

namespace streamc::rt {
namespace {

using testing::Result;
using testing::run;
using testing::TestClock;
using testing::TestDir;
using testing::TestServer;

ProgramSpec wordcount_spec(const std::string& input) {
  ProgramSpec spec;
  spec.name = "wordcount";
  spec.source_path = "wordcount.sdl";
  spec.params = {{"input", ParamKind::String, input},
                 {"rows", ParamKind::Int, "10"},
                 {"max_files", ParamKind::Int, "0"},
                 {"on_error", ParamKind::String, "permissive"},
                 {"window", ParamKind::Duration, "10m"},
                 {"verbose", ParamKind::Bool, "false"},
                 {"ratio", ParamKind::Float, "0.5"}};
  return spec;
}

// flat_map(split(line, " ")) |> map((w, 1)) |> reduce_by_key(+) |> console.
// Lines starting with "!" are rejected, as a failed conversion would be.
void wordcount(Engine& eng) {
  OnError mode = eng.param_string("on_error") == "fail" ? OnError::Fail
                 : eng.param_string("on_error") == "drop" ? OnError::Drop
                                                          : OnError::Permissive;
  auto lines = eng.add_files_source("lines", eng.param_string("input"),
                                    {.on_error = mode, .max_files_per_batch = eng.param_int("max_files")});
  auto& out = eng.add_console_sink("counts", {.rows = eng.param_int("rows")});
  eng.set_batch_function([=, &out](Batch& b) {
    KeyedTable<std::string_view, int64_t> t;
    for (std::string_view line : b.records(lines)) {
      if (line.starts_with("!")) {
        b.reject(lines, line, "bad line");
        continue;
      }
      for (std::string_view w : stdlib::split(line, " ")) t.upsert(w, 1, [](int64_t a, int64_t c) { return a + c; });
    }
    out.write(b, t.entries());
  });
}

TEST(RunProgram, HelpListsParamsWithTypesAndDefaults) {
  auto r = run({"--help"}, wordcount_spec("in/*.txt"), wordcount);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("usage: wordcount [options]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--input string"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(default: \"in/*.txt\")"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--rows int"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--window duration"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--available-now"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
}

TEST(RunProgram, BadFlagsExitTwoWithOneLine) {
  auto spec = wordcount_spec("x");
  struct Case {
    std::vector<std::string> args;
    std::string err;
  } cases[] = {
      {{"--nope"}, "wordcount: error: unknown option '--nope' (see --help)\n"},
      {{"--rows", "abc"}, "wordcount: error: invalid value for --rows: 'abc' (expected an integer)\n"},
      {{"--rows"}, "wordcount: error: --rows needs a value\n"},
      {{"--batch", "5"}, "wordcount: error: invalid value for --batch: '5' (expected a duration like 500ms, 1s, 2m)\n"},
      {{"--batch=0s"}, "wordcount: error: invalid value for --batch: '0s' (expected a duration like 500ms, 1s, 2m)\n"},
      {{"--threads", "0"}, "wordcount: error: invalid value for --threads: '0' (expected a positive integer)\n"},
      {{"--once", "--available-now"}, "wordcount: error: --once and --available-now cannot be used together\n"},
      {{"stray"}, "wordcount: error: unexpected argument 'stray'\n"},
      {{"--ratio", "x"}, "wordcount: error: invalid value for --ratio: 'x' (expected a number)\n"},
  };
  for (const auto& c : cases) {
    auto r = run(c.args, spec, wordcount);
    EXPECT_EQ(r.status, 2) << c.args[0];
    EXPECT_EQ(r.err, c.err);
    EXPECT_EQ(r.out, "");
  }
}

TEST(RunProgram, ParamsFromFlags) {
  TestClock clock;
  TestDir dir;
  ProgramSpec spec = wordcount_spec("x");
  int64_t rows = 0;
  double ratio = 0;
  bool verbose = false;
  Duration window;
  std::string input;
  int64_t threads = 0;
  auto r = run({"--rows=3", "--input", "in/*.json", "--window", "1.5s", "--verbose", "--ratio", "2", "--threads", "4",
                "--max-batches", "1", "--checkpoint", dir / "chk"},
               spec, [&](Engine& eng) {
                 rows = eng.param_int("rows");
                 ratio = eng.param_float("ratio");
                 verbose = eng.param_bool("verbose");
                 window = eng.param_duration("window");
                 input = eng.param_string("input");
                 threads = eng.threads();
               });
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(rows, 3);
  EXPECT_EQ(ratio, 2.0);
  EXPECT_TRUE(verbose);
  EXPECT_EQ(window, Duration{1'500'000});
  EXPECT_EQ(input, "in/*.json");
  EXPECT_EQ(threads, 4);
}

TEST(RunProgram, OnceOverFilesPrintsPprint) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.txt", "hello world\nhello\n", 100);
  dir.write("in/2.txt", "a b c d e f g h i j k", 200);
  auto r = run({"--once", "--input", dir / "in/*.txt"}, wordcount_spec("x"), wordcount);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "-------------------------------------------\n"
            "Time: 2026-11-24 13:00:00\n"
            "-------------------------------------------\n"
            "(hello,2)\n(world,1)\n(a,1)\n(b,1)\n(c,1)\n(d,1)\n(e,1)\n(f,1)\n(g,1)\n(h,1)\n"
            "...\n"
            "\n");
  EXPECT_EQ(r.err, "");
}

TEST(RunProgram, AvailableNowRunsBatchesUntilFilesAreDone) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.txt", "x\n", 100);
  dir.write("in/2.txt", "y\n", 200);
  dir.write("in/3.txt", "x\n", 300);
  auto r = run({"--available-now", "--batch", "1s", "--max_files", "2", "--input", dir / "in/*.txt"},
               wordcount_spec("x"), wordcount);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "-------------------------------------------\n"
            "Time: 2026-11-24 13:00:00\n"
            "-------------------------------------------\n"
            "(x,1)\n(y,1)\n"
            "\n"
            "-------------------------------------------\n"
            "Time: 2026-11-24 13:00:01\n"
            "-------------------------------------------\n"
            "(x,1)\n"
            "\n");
}

TEST(RunProgram, MaxBatchesPrintsEmptyBatchesToo) {
  TestClock clock;
  TestDir dir;
  auto r = run({"--max-batches", "2", "--batch", "500ms", "--input", dir / "none/*.txt"}, wordcount_spec("x"),
               wordcount);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "-------------------------------------------\n"
            "Time: 2026-11-24 13:00:00\n"
            "-------------------------------------------\n"
            "\n"
            "-------------------------------------------\n"
            "Time: 2026-11-24 13:00:00\n"
            "-------------------------------------------\n"
            "\n");
}

TEST(RunProgram, RejectedRecordsArePermissiveByDefault) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.txt", "ok\n!bad\n!worse\n");
  std::string progress = dir / "progress.jsonl";
  auto r = run({"--once", "--progress", progress, "--input", dir / "in/*.txt"}, wordcount_spec("x"), wordcount);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("(ok,1)\n"), std::string::npos);
  EXPECT_EQ(r.err, "lines: 2 records rejected (2 bad line)\n");
  std::string p = dir.read("progress.jsonl");
  EXPECT_NE(p.find("\"batchId\":0,\"timestamp\":\"2026-11-24T13:00:00Z\",\"numInputRows\":3,"), std::string::npos) << p;
  EXPECT_NE(p.find("\"sources\":[{\"name\":\"lines\",\"numInputRows\":3,\"numRejectedRows\":2,"
                   "\"rejectedByReason\":{\"bad line\":2},\"description\":\"files lines\",\"startOffset\":0,\"endOffset\":1,"),
            std::string::npos)
      << p;
  EXPECT_EQ(std::count(p.begin(), p.end(), '\n'), 1);
}

TEST(RunProgram, RejectedRecordUnderFailStopsWithExitOne) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.txt", "ok\n!bad line\n");
  auto r = run({"--once", "--on_error", "fail", "--input", dir / "in/*.txt"}, wordcount_spec("x"), wordcount);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "wordcount: error: source 'lines': record rejected: bad line (in " + std::string(dir / "in") +
                       "/1.txt, line 2): !bad line\n");
}

TEST(RunProgram, FilesSinkWritesOnePartPerNonEmptyBatch) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.txt", "a b\n", 100);
  dir.write("in/2.txt", "", 200);
  dir.write("in/3.txt", "c \"q\"\n", 300);
  ProgramSpec spec;
  spec.name = "tojson";
  auto r = run({"--available-now"}, spec, [&](Engine& eng) {
    auto lines = eng.add_files_source("lines", dir / "in/*.txt", {.max_files_per_batch = 1});
    auto& json = eng.add_files_sink("out", dir / "out/json", {.format = FileFormat::Json});
    auto& text = eng.add_files_sink("txt", dir / "out/text/", {.format = FileFormat::Text});
    eng.set_batch_function([=, &json, &text](Batch& b) {
      std::vector<std::tuple<std::string_view, int64_t>> rows;
      for (auto line : b.records(lines)) rows.emplace_back(line, static_cast<int64_t>(line.size()));
      json.write(b, rows);
      text.write(b, rows);
    });
  });
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(dir.read("out/json/part-00000.json"), "[\"a b\",3]\n");
  EXPECT_EQ(dir.read("out/json/part-00002.json"), "[\"c \\\"q\\\"\",5]\n");
  EXPECT_EQ(dir.read("out/text/part-00000.txt"), "(a b,3)\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "out/json/part-00001.json"));
  int files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir / "out/json")) ++files;
  EXPECT_EQ(files, 2);  // no temporary files left
}

// A part larger than the sink's chunk is written in pieces; the part is
// the same as if written at once, and rows added one at a time (add_row,
// end_rows) make the same part as write().
TEST(RunProgram, FilesSinkWritesLargePartsInChunks) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.txt", "x\n", 100);
  ProgramSpec spec;
  spec.name = "big";
  std::string expected;
  std::vector<std::tuple<int64_t, std::string>> rows;
  for (int64_t i = 0; i < 60'000; ++i) {
    rows.emplace_back(i, std::string(40, static_cast<char>('a' + i % 26)));
    expected += "[" + std::to_string(i) + ",\"" + std::get<1>(rows.back()) + "\"]\n";
  }
  ASSERT_GT(expected.size(), size_t{2} << 20);
  auto r = run({"--once"}, spec, [&](Engine& eng) {
    auto lines = eng.add_files_source("lines", dir / "in/*.txt", {});
    auto& whole = eng.add_files_sink("whole", dir / "out/whole", {.format = FileFormat::Json});
    auto& each = eng.add_files_sink("each", dir / "out/each", {.format = FileFormat::Json});
    eng.set_batch_function([=, &whole, &each, &rows](Batch& b) {
      (void)b.records(lines);
      whole.write(b, rows);
      for (const auto& row : rows) each.add_row(b, row);
      each.end_rows(b);
    });
  });
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(dir.read("out/whole/part-00000.json"), expected);
  EXPECT_EQ(dir.read("out/each/part-00000.json"), expected);
  int files = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir / "out/whole")) ++files;
  EXPECT_EQ(files, 1);  // no temporary file left
}

// A source as generated code adds it: the connector's runtime factory gets
// the call's arguments by the names the compiler's registry gives them.
TEST(RunProgram, ConnectorArgsReachTheFilesSource) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.txt", "a\n", 100);
  dir.write("in/2.txt", "b\n", 200);
  ProgramSpec spec;
  spec.name = "p";
  std::vector<std::vector<std::string>> batches;
  auto r = run({"--available-now"}, spec, [&](Engine& eng) {
    ConnectorArgs args;
    args.text("path", dir / "in/*.txt").integer("max_files_per_batch", 1).flag("latest_first", true);
    auto lines = add_source(eng, files_connector, "lines", args, {});
    eng.set_batch_function([=, &batches](Batch& b) {
      batches.emplace_back();
      for (auto line : b.records(lines)) batches.back().emplace_back(line);
    });
  });
  EXPECT_EQ(r.status, 0) << r.err;
  // One file per batch, newest first.
  EXPECT_EQ(batches, (std::vector<std::vector<std::string>>{{"b"}, {"a"}}));
}

TEST(RunProgram, ConnectorArgsReachTheFilesSink) {
  TestClock clock;
  TestDir dir;
  dir.write("in/1.txt", "a b\n", 100);
  ProgramSpec spec;
  spec.name = "p";
  auto r = run({"--once"}, spec, [&](Engine& eng) {
    ConnectorArgs in, out;
    in.text("path", dir / "in/*.txt");
    out.text("path", dir / "out").text("format", "text");
    auto lines = add_source(eng, files_connector, "lines", in, {});
    auto& sink = add_sink(eng, files_sink_connector, "out", out);
    eng.set_batch_function([=, &sink](Batch& b) {
      std::vector<std::tuple<std::string_view, int64_t>> rows;
      for (auto line : b.records(lines)) rows.emplace_back(line, static_cast<int64_t>(line.size()));
      sink.write(b, rows);
    });
  });
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(dir.read("out/part-00000.txt"), "(a b,3)\n");
}

// An argument the runtime class does not read means the compiler's
// registry and the runtime disagree: the program stops at start, naming it.
TEST(RunProgram, AConnectorArgumentNobodyReadsStopsTheProgram) {
  TestDir dir;
  ProgramSpec spec;
  spec.name = "p";
  auto r = run({"--once"}, spec, [&](Engine& eng) {
    ConnectorArgs args;
    args.text("path", dir / "in/*.txt").integer("max_file_per_batch", 1);
    add_source(eng, files_connector, "lines", args, {});
  });
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("connector 'files' does not read its argument 'max_file_per_batch'"), std::string::npos) << r.err;
  r = run({"--once"}, spec, [&](Engine& eng) {
    ConnectorArgs args;
    args.integer("rows", 5).integer("row", 5);
    add_sink(eng, console_connector, "out", args);
  });
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("connector 'console' does not read its argument 'row'"), std::string::npos) << r.err;
}

TEST(ConnectorArgs, EachValueIsReadAsItsKind) {
  ConnectorArgs args;
  args.integer("n", 7).flag("b", true).text("s", "x").texts("l", {"p", "q"});
  EXPECT_EQ(args.get_integer("n"), 7);
  EXPECT_EQ(args.get_flag("b"), true);
  EXPECT_EQ(args.get_text("s"), "x");
  EXPECT_EQ(args.get_texts("l"), (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(args.get_integer("absent"), std::nullopt);
  EXPECT_TRUE(args.get_texts("absent").empty());
  EXPECT_NO_THROW(args.check_all_read("c"));
  EXPECT_THROW(args.get_text("n"), FatalError);  // an integer read as text: a mismatch
}

TEST(RunProgram, FilesSinkThatCannotCreateItsDirectoryIsFatal) {
  TestDir dir;
  dir.write("file", "x");
  ProgramSpec spec;
  spec.name = "p";
  auto r = run({"--once"}, spec, [&](Engine& eng) { eng.add_files_sink("out", dir / "file/sub", {}); });
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "p: error: sink 'out': cannot create directory '" + (dir / "file/sub") + "': Not a directory\n");
}

TEST(RunProgram, BadTestClockIsAnError) {
  ::setenv("STREAMC_TEST_CLOCK", "soon", 1);
  ProgramSpec spec;
  spec.name = "p";
  auto r = run({"--once"}, spec, [](Engine&) {});
  ::unsetenv("STREAMC_TEST_CLOCK");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("p: error: STREAMC_TEST_CLOCK"), std::string::npos) << r.err;
}

TEST(RunProgram, OnceOverASocketWaitsForTheServerToClose) {
  TestClock clock;
  TestServer server;
  std::thread feeder([&] {
    if (!server.accept_client()) return;
    server.send("to be or\nnot to");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    server.send(" be\n");
    server.close_client();
  });
  ProgramSpec spec;
  spec.name = "wordcount";
  spec.params = {{"host", ParamKind::String, "localhost"}, {"port", ParamKind::Int, "9999"}};
  auto r = run({"--once", "--port", std::to_string(server.port())}, spec, [](Engine& eng) {
    auto lines = eng.add_socket_source("lines", eng.param_string("host"), eng.param_int("port"), {});
    auto& out = eng.add_console_sink("counts", {.rows = 10});
    eng.set_batch_function([=, &out](Batch& b) {
      KeyedTable<std::string_view, int64_t> t;
      for (std::string_view line : b.records(lines))
        for (std::string_view w : stdlib::split(line, " ")) t.upsert(w, 1, [](int64_t a, int64_t c) { return a + c; });
      out.write(b, t.entries());
    });
  });
  feeder.join();
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "-------------------------------------------\n"
            "Time: 2026-11-24 13:00:00\n"
            "-------------------------------------------\n"
            "(to,2)\n(be,2)\n(or,1)\n(not,1)\n"
            "\n");
}

TEST(RunProgram, SigintFinishesTheCurrentBatchAndExitsZero) {
  ProgramSpec spec;
  spec.name = "p";
  int64_t batches = 0;
  bool finished_batch = false;
  auto r = run({"--batch", "1ms"}, spec, [&](Engine& eng) {
    eng.set_batch_function([&](Batch& b) {
      ++batches;
      if (b.id() == 2) {
        std::raise(SIGINT);
        finished_batch = true;  // the handler only asks the loop to stop
      }
    });
  });
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(finished_batch);
  EXPECT_EQ(batches, 3);
}

}  // namespace
}  // namespace streamc::rt
