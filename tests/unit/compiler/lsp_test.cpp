// The language server's protocol layer, driven with a fake analyzer over
// in-memory streams: framing, lifecycle, diagnostics with UTF-16 ranges,
// hover, completion.
#include "lsp/lsp_server.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace streamc::lsp {
namespace {

std::string frame(const std::string& body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The messages the server wrote, each parsed.
struct Output {
  std::vector<std::string> bodies;
  std::vector<simdjson::dom::element> msgs;
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers;

  explicit Output(const std::string& raw) {
    std::istringstream in(raw);
    std::string body;
    while (read_message(in, body)) bodies.push_back(body);
    for (const auto& b : bodies) {
      parsers.push_back(std::make_unique<simdjson::dom::parser>());
      simdjson::dom::element e;
      EXPECT_EQ(parsers.back()->parse(b).get(e), simdjson::SUCCESS) << b;
      msgs.push_back(e);
    }
  }
  // The response to request `id`.
  simdjson::dom::element response(int64_t id) const {
    for (auto m : msgs) {
      int64_t got = 0;
      if (m["id"].get_int64().get(got) == simdjson::SUCCESS && got == id) return m;
    }
    ADD_FAILURE() << "no response to request " << id;
    return {};
  }
  // Notifications with `method`, in order.
  std::vector<simdjson::dom::element> notifications(std::string_view method) const {
    std::vector<simdjson::dom::element> out;
    for (auto m : msgs) {
      std::string_view got;
      if (m["method"].get_string().get(got) == simdjson::SUCCESS && got == method) out.push_back(m);
    }
    return out;
  }
};

int64_t num(auto e) {
  int64_t v = -1;
  EXPECT_EQ(e.get_int64().get(v), simdjson::SUCCESS);
  return v;
}
std::string str(auto e) {
  std::string_view v;
  EXPECT_EQ(e.get_string().get(v), simdjson::SUCCESS);
  return std::string(v);
}

// Reports every occurrence of "splt" as an unknown function, with a note on
// the first "split" if there is one.
std::vector<Diagnostic> fake_analyzer(const SourceFile& file) {
  std::vector<Diagnostic> out;
  const std::string& t = file.text();
  for (size_t at = t.find("splt"); at != std::string::npos; at = t.find("splt", at + 1)) {
    Diagnostic d;
    d.range = {static_cast<uint32_t>(at), static_cast<uint32_t>(at + 4)};
    d.message = "unknown function 'splt'; did you mean 'split'?";
    out.push_back(d);
  }
  return out;
}

// A program whose error sits after non-ASCII text on the same line:
// "é" is 2 UTF-8 bytes / 1 UTF-16 unit, "😀" 4 bytes / 2 units.
const std::string kBroken =
    "// wordcount\n"
    "source lines = socket(\"localhost\", 9999)\n"
    "stream counts = lines /* café 😀 */ |> flat_map(line -> splt(line, \" \"))\n"
    "sink counts -> console(rows: 10)\n";

std::string fixed_text() {
  std::string t = kBroken;
  t.replace(t.find("splt"), 4, "split");
  return t;
}

std::string json_str(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(LspPositions, Utf16Columns) {
  SourceFile f("x.sdl", "ab\n// café 😀 x\n\nlast");
  uint32_t x = static_cast<uint32_t>(f.text().find(" x") + 1);
  EXPECT_EQ(to_position(f, x), (Position{1, 11}));  // "// café " = 8, "😀" = 2, " " = 1
  EXPECT_EQ(to_offset(f, {1, 11}), x);
  EXPECT_EQ(to_position(f, 0), (Position{0, 0}));
  EXPECT_EQ(to_position(f, 2), (Position{0, 2}));
  EXPECT_EQ(to_position(f, 3), (Position{1, 0}));
  EXPECT_EQ(to_position(f, static_cast<uint32_t>(f.text().size())), (Position{3, 4}));
  // Past the end of a line clamps to the line's end; past the last line to the text's end.
  EXPECT_EQ(to_offset(f, {0, 99}), 2u);
  EXPECT_EQ(to_offset(f, {9, 0}), f.text().size());
  // Round trip every character boundary.
  const std::string& t = f.text();
  for (uint32_t i = 0; i <= t.size(); ++i) {
    if (i < t.size() && (static_cast<unsigned char>(t[i]) & 0xC0) == 0x80) continue;
    EXPECT_EQ(to_offset(f, to_position(f, i)), i) << i;
  }
}

TEST(LspPositions, CrLfLines) {
  SourceFile f("x.sdl", "a\r\nbé c\r\n");
  uint32_t c = static_cast<uint32_t>(f.text().find('c'));
  EXPECT_EQ(to_position(f, c), (Position{1, 3}));
  EXPECT_EQ(to_offset(f, {0, 5}), 1u);  // stops before "\r\n"
}

TEST(LspJson, EscapesAndRepairsUtf8) {
  EXPECT_EQ(json_str("a\"b\\c\n\t\x01"), "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  EXPECT_EQ(json_str("café 😀"), "\"café 😀\"");
  EXPECT_EQ(json_str("bad \xC3 end \xFF"), "\"bad \xEF\xBF\xBD end \xEF\xBF\xBD\"");
  EXPECT_EQ(json_str("\xE0\x80\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong
  simdjson::dom::parser p;
  simdjson::dom::element e;
  EXPECT_EQ(p.parse(json_str("x\xF0\x9F\x98 \x80y")).get(e), simdjson::SUCCESS);
}

TEST(LspJson, FileUris) {
  EXPECT_EQ(uri_to_path("file:///home/u/my%20dir/wc.sdl"), "/home/u/my dir/wc.sdl");
  EXPECT_EQ(uri_to_path("file://host/a.sdl"), "/a.sdl");
  EXPECT_EQ(uri_to_path("untitled:Untitled-1"), "untitled:Untitled-1");
}

TEST(LspFraming, ReadsHeadersAndBodies) {
  std::string body1 = "{\"a\":\"é\"}";  // Content-Length counts bytes
  std::string body2 = "{}";
  std::istringstream in("Content-Length: " + std::to_string(body1.size()) +
                        "\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + body1 +
                        "content-length:" + std::to_string(body2.size()) + "\n\n" + body2 + "Content-Length: 10\r\n\r\nshort");
  std::string got;
  ASSERT_TRUE(read_message(in, got));
  EXPECT_EQ(got, body1);
  ASSERT_TRUE(read_message(in, got));
  EXPECT_EQ(got, body2);
  EXPECT_FALSE(read_message(in, got));  // truncated body
  EXPECT_FALSE(read_message(in, got));  // end of input

  // A length no editor sends is refused before anything is allocated for
  // it; a large claimed length with a short body ends like a truncated one
  // (found by fuzz_lsp_message: Content-Length: 99999999999 took 100 GB).
  std::istringstream huge("Content-Length: 99999999999\r\n\r\n{}");
  EXPECT_FALSE(read_message(huge, got));
  std::istringstream claimed("Content-Length: " + std::to_string(kMaxMessageBytes) + "\r\n\r\n{}");
  EXPECT_FALSE(read_message(claimed, got));
  EXPECT_LE(got.capacity(), size_t{2} << 20);

  std::ostringstream out;
  write_message(out, body1);
  EXPECT_EQ(body1.size(), 10u);
  EXPECT_EQ(out.str(), "Content-Length: 10\r\n\r\n" + body1);
}

TEST(LspServer, SessionWithDiagnosticsHoverCompletion) {
  const std::string uri = "file:///tmp/my%20dir/wc.sdl";
  std::string in;
  in += frame(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}})");
  in += frame(R"({"jsonrpc":"2.0","method":"initialized","params":{}})");
  in += frame(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":)" + json_str(uri) +
              R"(,"languageId":"sdl","version":1,"text":)" + json_str(kBroken) + "}}}");
  // Hover over "flat_map" (line 2) and completion anywhere.
  SourceFile broken("wc.sdl", kBroken);
  Position flat_map = to_position(broken, static_cast<uint32_t>(kBroken.find("flat_map") + 3));
  in += frame(R"({"jsonrpc":"2.0","id":"h1","method":"textDocument/hover","params":{"textDocument":{"uri":)" +
              json_str(uri) + R"(},"position":{"line":)" + std::to_string(flat_map.line) + R"(,"character":)" +
              std::to_string(flat_map.character) + "}}}");
  in += frame(R"({"jsonrpc":"2.0","id":3,"method":"textDocument/completion","params":{"textDocument":{"uri":)" +
              json_str(uri) + R"(},"position":{"line":3,"character":0}}})");
  in += frame(R"({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":)" +
              json_str(uri) + R"(,"version":2},"contentChanges":[{"text":)" + json_str(fixed_text()) + "}]}}");
  in += frame(R"({"jsonrpc":"2.0","id":4,"method":"textDocument/unknownThing","params":{}})");
  in += frame(R"({"jsonrpc":"2.0","method":"textDocument/didClose","params":{"textDocument":{"uri":)" +
              json_str(uri) + "}}}");
  in += frame(R"({"jsonrpc":"2.0","id":5,"method":"shutdown"})");
  in += frame(R"({"jsonrpc":"2.0","id":6,"method":"textDocument/hover","params":{}})");
  in += frame(R"({"jsonrpc":"2.0","method":"exit"})");
  in += frame(R"({"jsonrpc":"2.0","id":7,"method":"shutdown"})");  // after exit: never read

  std::istringstream input(in);
  std::ostringstream output;
  int rc = run_lsp(input, output, fake_analyzer);
  EXPECT_EQ(rc, 0);
  Output o(output.str());

  // initialize: capabilities.
  auto caps = o.response(1)["result"]["capabilities"];
  EXPECT_EQ(num(caps["textDocumentSync"]["change"]), 1);
  bool hover = false;
  EXPECT_EQ(caps["hoverProvider"].get_bool().get(hover), simdjson::SUCCESS);
  EXPECT_TRUE(hover);
  EXPECT_TRUE(caps["completionProvider"].is_object());

  // Diagnostics: broken on open, none after the fix, none after close.
  auto pubs = o.notifications("textDocument/publishDiagnostics");
  ASSERT_EQ(pubs.size(), 3u);
  EXPECT_EQ(str(pubs[0]["params"]["uri"]), uri);
  simdjson::dom::array diags;
  ASSERT_EQ(pubs[0]["params"]["diagnostics"].get_array().get(diags), simdjson::SUCCESS);
  ASSERT_EQ(diags.size(), 1u);
  auto d = diags.at(0);
  EXPECT_EQ(str(d["message"]), "unknown function 'splt'; did you mean 'split'?");
  EXPECT_EQ(num(d["severity"]), 1);
  EXPECT_EQ(str(d["source"]), "streamc");
  // Line 2 (0-based) is: stream counts = lines /* café 😀 */ |> flat_map(line -> splt(line, " "))
  // In UTF-16 "splt" starts at its byte column minus 1 (é) minus 2 (😀: 4 bytes, 2 units).
  const std::string line2 = "stream counts = lines /* café 😀 */ |> flat_map(line -> splt(line, \" \"))";
  int64_t byte_col = static_cast<int64_t>(line2.find("splt"));
  EXPECT_EQ(num(d["range"]["start"]["line"]), 2);
  EXPECT_EQ(num(d["range"]["start"]["character"]), byte_col - 3);
  EXPECT_EQ(num(d["range"]["end"]["line"]), 2);
  EXPECT_EQ(num(d["range"]["end"]["character"]), byte_col - 3 + 4);
  EXPECT_EQ(byte_col - 3, 56);  // counted by hand (Python: len of the prefix in UTF-16)
  for (size_t i = 1; i < pubs.size(); ++i) {
    simdjson::dom::array none;
    ASSERT_EQ(pubs[i]["params"]["diagnostics"].get_array().get(none), simdjson::SUCCESS);
    EXPECT_EQ(none.size(), 0u);
  }

  // Hover: string id echoed, built-in description, range of the word.
  bool found_hover = false;
  for (auto m : o.msgs) {
    std::string_view id;
    if (m["id"].get_string().get(id) != simdjson::SUCCESS || id != "h1") continue;
    found_hover = true;
    std::string value = str(m["result"]["contents"]["value"]);
    EXPECT_NE(value.find("flat_map"), std::string::npos) << value;
    EXPECT_EQ(num(m["result"]["range"]["start"]["character"]), 39);  // after "café 😀" in UTF-16
  }
  EXPECT_TRUE(found_hover);

  // Completion: operators, connectors, functions, keywords and declared names.
  simdjson::dom::array items;
  ASSERT_EQ(o.response(3)["result"]["items"].get_array().get(items), simdjson::SUCCESS);
  std::set<std::string> labels;
  for (auto it : items) labels.insert(str(it["label"]));
  for (const char* want : {"flat_map", "reduce_by_key", "socket", "console", "split", "stream", "count_distinct",
                           "timestamp", "lines", "counts"})
    EXPECT_TRUE(labels.count(want)) << want;
  EXPECT_FALSE(labels.count("localhost"));  // words in strings are not names

  // Unknown request, requests after shutdown.
  EXPECT_EQ(num(o.response(4)["error"]["code"]), -32601);
  EXPECT_TRUE(o.response(5)["result"].is_null());
  EXPECT_EQ(num(o.response(6)["error"]["code"]), -32600);
  for (auto m : o.msgs) {
    int64_t id = 0;
    if (m["id"].get_int64().get(id) == simdjson::SUCCESS) EXPECT_NE(id, 7);
  }
}

TEST(LspServer, HoverAndCompletionCallbacks) {
  std::string in;
  in += frame(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})");
  in += frame(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.sdl","languageId":"sdl","version":1,"text":"é stream s = x"}}})");
  in += frame(R"({"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a.sdl"},"position":{"line":0,"character":9}}})");
  in += frame(R"({"jsonrpc":"2.0","id":3,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///a.sdl"},"position":{"line":0,"character":2}}})");
  std::istringstream input(in);
  std::ostringstream output;
  uint32_t hover_offset = 0, complete_offset = 0;
  std::string hover_path;
  LspServer server(
      fake_analyzer,
      [&](const SourceFile& f, uint32_t off) -> std::optional<std::string> {
        hover_offset = off;
        hover_path = f.path();
        return std::string("stream of `(string, int)`");
      },
      [&](const SourceFile&, uint32_t off) {
        complete_offset = off;
        return std::vector<CompletionEntry>{{"my_udf", CompletionKind::Function, "udf", ""}};
      });
  EXPECT_EQ(server.run(input, output), 1);  // end of input without shutdown/exit
  Output o(output.str());
  EXPECT_EQ(hover_offset, 10u);  // UTF-16 column 9 is byte 10 after "é"
  EXPECT_EQ(hover_path, "/a.sdl");
  EXPECT_EQ(str(o.response(2)["result"]["contents"]["value"]), "stream of `(string, int)`");
  EXPECT_EQ(complete_offset, 3u);
  bool udf = false;
  simdjson::dom::array items;
  ASSERT_EQ(o.response(3)["result"]["items"].get_array().get(items), simdjson::SUCCESS);
  for (auto it : items) udf |= str(it["label"]) == "my_udf";
  EXPECT_TRUE(udf);
}

TEST(LspServer, ErrorsAndRobustness) {
  std::string in;
  in += frame(R"({"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}})");  // before initialize
  in += frame("{not json");
  in += frame(R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{}})");
  // The analyzer throws on this document: logged, the server keeps going.
  in += frame(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///t.sdl","languageId":"sdl","version":1,"text":"boom"}}})");
  // A ranged change is applied too (UTF-16 range after "é").
  in += frame(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///r.sdl","languageId":"sdl","version":1,"text":"é split"}}})");
  in += frame(R"({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///r.sdl","version":2},"contentChanges":[{"range":{"start":{"line":0,"character":2},"end":{"line":0,"character":7}},"text":"splt"}]}})");
  in += frame(R"({"jsonrpc":"2.0","method":"exit"})");
  std::istringstream input(in);
  std::ostringstream output;
  LspServer server([](const SourceFile& f) {
    if (f.text() == "boom") throw std::runtime_error("checker bug");
    return fake_analyzer(f);
  });
  EXPECT_EQ(server.run(input, output), 1);  // exit without shutdown
  Output o(output.str());
  EXPECT_EQ(num(o.response(1)["error"]["code"]), -32002);
  bool parse_error = false;
  for (auto m : o.msgs) parse_error |= m["id"].is_null() && num(m["error"]["code"]) == -32700;
  EXPECT_TRUE(parse_error);
  auto logs = o.notifications("window/logMessage");
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_NE(str(logs[0]["params"]["message"]).find("checker bug"), std::string::npos);
  ASSERT_NE(server.document("file:///r.sdl"), nullptr);
  EXPECT_EQ(server.document("file:///r.sdl")->text(), "é splt");
  auto pubs = o.notifications("textDocument/publishDiagnostics");
  ASSERT_EQ(pubs.size(), 2u);  // r.sdl open (clean) and change (broken); none for t.sdl
  simdjson::dom::array diags;
  ASSERT_EQ(pubs[1]["params"]["diagnostics"].get_array().get(diags), simdjson::SUCCESS);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(num(diags.at(0)["range"]["start"]["character"]), 2);
  EXPECT_EQ(num(diags.at(0)["range"]["end"]["character"]), 6);
}

TEST(LspServer, EmptyRangeUnderlinesOneCharacter) {
  std::string in;
  in += frame(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})");
  in += frame(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///e.sdl","languageId":"sdl","version":1,"text":"ab😀c\n"}}})");
  std::istringstream input(in);
  std::ostringstream output;
  run_lsp(input, output, [](const SourceFile&) {
    Diagnostic d;
    d.range = {2, 2};  // at the emoji
    d.message = "here";
    Diagnostic::Note n;
    n.range = {7, 7};  // at the end of the line: stays empty
    n.message = "note";
    d.notes.push_back(n);
    return std::vector<Diagnostic>{d};
  });
  Output o(output.str());
  auto pubs = o.notifications("textDocument/publishDiagnostics");
  ASSERT_EQ(pubs.size(), 1u);
  auto d = pubs[0]["params"]["diagnostics"].at(0);
  EXPECT_EQ(num(d["range"]["start"]["character"]), 2);
  EXPECT_EQ(num(d["range"]["end"]["character"]), 4);
  auto rel = d["relatedInformation"].at(0);
  EXPECT_EQ(str(rel["message"]), "note");
  EXPECT_EQ(num(rel["location"]["range"]["start"]["character"]), 5);
  EXPECT_EQ(num(rel["location"]["range"]["end"]["character"]), 5);
}

// map_groups_with_state and the calls on its state are offered and
// explained on hover, like the other operators.
TEST(LspServer, GroupStateOperatorHoverAndCompletion) {
  const std::string text =
      "schema E { user: string, ts: timestamp }\n"
      "source events = files(\"in/*.json\", format: json, schema: E)\n"
      "stream s = events |> group_by(user)\n"
      "  |> map_groups_with_state((user, rows, state) -> (user, set_timeout_duration(state, 5s)),\n"
      "                           state: int, timeout: processing_time)\n";
  SourceFile file("gs.sdl", text);
  auto at = [&](const char* word) { return to_position(file, static_cast<uint32_t>(text.find(word) + 2)); };
  auto hover = [&](int id, const char* word) {
    Position p = at(word);
    return frame(R"({"jsonrpc":"2.0","id":)" + std::to_string(id) +
                 R"(,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///gs.sdl"},"position":{"line":)" +
                 std::to_string(p.line) + R"(,"character":)" + std::to_string(p.character) + "}}}");
  };
  std::string in;
  in += frame(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})");
  in += frame(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///gs.sdl","languageId":"sdl","version":1,"text":)" +
              json_str(text) + "}}}");
  in += hover(2, "map_groups_with_state");
  in += hover(3, "set_timeout_duration");
  in += hover(4, "processing_time");
  in += frame(R"({"jsonrpc":"2.0","id":5,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///gs.sdl"},"position":{"line":4,"character":0}}})");
  in += frame(R"({"jsonrpc":"2.0","id":6,"method":"shutdown"})");
  in += frame(R"({"jsonrpc":"2.0","method":"exit"})");
  std::istringstream input(in);
  std::ostringstream output;
  EXPECT_EQ(run_lsp(input, output, fake_analyzer), 0);
  Output o(output.str());
  std::string op = str(o.response(2)["result"]["contents"]["value"]);
  EXPECT_NE(op.find("mapGroupsWithState"), std::string::npos) << op;
  EXPECT_NE(op.find("has_timed_out"), std::string::npos) << op;
  std::string timeout = str(o.response(3)["result"]["contents"]["value"]);
  EXPECT_NE(timeout.find("processing time"), std::string::npos) << timeout;
  std::string kind = str(o.response(4)["result"]["contents"]["value"]);
  EXPECT_NE(kind.find("ProcessingTimeTimeout"), std::string::npos) << kind;
  simdjson::dom::array items;
  ASSERT_EQ(o.response(5)["result"]["items"].get_array().get(items), simdjson::SUCCESS);
  std::set<std::string> labels;
  for (auto it : items) labels.insert(str(it["label"]));
  for (const char* want : {"map_groups_with_state", "flat_map_groups_with_state", "remove", "set_timeout_duration",
                           "set_timeout_timestamp", "event_time", "processing_time"})
    EXPECT_TRUE(labels.count(want)) << want;
}

// The completion list offers every name the editor grammar colours, so the
// two are generated from / checked against the same list (grammar/keywords.json).
TEST(LspCompletion, CoversGrammarKeywords) {
  std::string path = std::string(STREAMC_SOURCE_DIR) + "/grammar/keywords.json";
  simdjson::padded_string json;
  ASSERT_EQ(simdjson::padded_string::load(path).get(json), simdjson::SUCCESS) << path;
  simdjson::dom::parser parser;
  simdjson::dom::object kw;
  ASSERT_EQ(parser.parse(json).get(kw), simdjson::SUCCESS);
  std::set<std::string> labels;
  for (const auto& c : builtin_completions()) labels.insert(c.label);
  int checked = 0;
  for (const char* group : {"declarations", "control", "logical", "other", "sinkClauses", "triggers", "outputModes",
                            "constants", "types", "operators", "aggregates", "connectors", "functions"}) {
    simdjson::dom::array words;
    ASSERT_EQ(kw[group].get_array().get(words), simdjson::SUCCESS) << group;
    for (auto w : words) {
      EXPECT_TRUE(labels.count(str(w))) << group << ": " << str(w) << " missing from builtin_completions()";
      ++checked;
    }
  }
  EXPECT_GT(checked, 60);
}

}  // namespace
}  // namespace streamc::lsp
