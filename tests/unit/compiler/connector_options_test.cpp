// Completion and hover of connector options in the language server, read
// from the connector registry (lsp/connector_options.hpp).
#include "lsp/connector_options.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>

namespace streamc::lsp {
namespace {

uint32_t at(const std::string& text, const std::string& marker) {
  size_t i = text.find(marker);
  EXPECT_NE(i, std::string::npos) << marker;
  return static_cast<uint32_t>(i);
}

std::vector<std::string> labels(const std::vector<CompletionEntry>& items) {
  std::vector<std::string> out;
  for (const auto& c : items) out.push_back(c.label);
  return out;
}

const std::string kProgram = R"(param brokers: string = "127.0.0.1:9092"
schema Event { user: string }
source events = kafka("events", brokers: brokers, format: json, schema: Event, starting: earliest)
table users = files("users/*.csv", format: csv, schema: Event)
stream n = events |> group_by(user) |> aggregate(count() as n)
sink n -> kafka("counts", brokers: brokers, key: user) mode update
sink n -> postgres("host=x", table: "t", key: (user)) mode update
// source s = kafka("in a comment", brokers: "(")
)";

TEST(ConnectorOptions, TheCallAndRoleAroundTheCursor) {
  auto source = connector_call_at(kProgram, at(kProgram, "brokers: brokers, format"));
  ASSERT_TRUE(source);
  EXPECT_EQ(source->connector->name, "kafka");
  EXPECT_EQ(source->role, sema::kSourceRole);

  auto sink = connector_call_at(kProgram, at(kProgram, "key: user"));
  ASSERT_TRUE(sink);
  EXPECT_EQ(sink->connector->name, "kafka");
  EXPECT_EQ(sink->role, sema::kSinkRole);

  // A files table takes the files source's options.
  auto table = connector_call_at(kProgram, at(kProgram, "format: csv"));
  ASSERT_TRUE(table);
  EXPECT_EQ(table->connector->name, "files");
  EXPECT_EQ(table->role, sema::kSourceRole);

  // Inside a tuple within the call: still the postgres sink.
  auto pg = connector_call_at(kProgram, at(kProgram, "user)) mode"));
  ASSERT_TRUE(pg);
  EXPECT_EQ(pg->connector->name, "postgres");

  // Not in a connector call: an operator's, a string, a comment, after the call.
  EXPECT_FALSE(connector_call_at(kProgram, at(kProgram, "user) |> aggregate")));
  EXPECT_FALSE(connector_call_at(kProgram, at(kProgram, "events\", brokers") + 2));
  EXPECT_FALSE(connector_call_at(kProgram, at(kProgram, "in a comment")));
  EXPECT_FALSE(connector_call_at(kProgram, at(kProgram, " mode update\nsink n -> postgres")));

  // A comment inside the call: nothing in the comment, the call after it.
  const std::string noted = "source s = kafka(\"t\", // a note (\n  brokers: \"b\")\n";
  EXPECT_FALSE(connector_call_at(noted, at(noted, "a note")));
  auto after = connector_call_at(noted, at(noted, "brokers"));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->connector->name, "kafka");
}

TEST(ConnectorOptions, CompletionOffersTheRolesOptions) {
  auto source = connector_call_at(kProgram, at(kProgram, "starting: earliest"));
  ASSERT_TRUE(source);
  std::vector<std::string> s = labels(option_completions(*source));
  for (const char* o : {"brokers", "format", "schema", "starting", "max_offsets_per_batch", "group", "options"})
    EXPECT_NE(std::find(s.begin(), s.end(), o), s.end()) << o;
  EXPECT_EQ(std::find(s.begin(), s.end(), "key"), s.end());  // a sink's option

  auto sink = connector_call_at(kProgram, at(kProgram, "key: user"));
  std::vector<std::string> k = labels(option_completions(*sink));
  EXPECT_EQ(k, (std::vector<std::string>{"brokers", "key", "format", "options"}));
  EXPECT_EQ(option_completions(*sink)[1].detail, "kafka sink option");
}

TEST(ConnectorOptions, HoverExplainsTheOptionName) {
  auto h = option_hover(kProgram, at(kProgram, "starting: earliest") + 3);
  ASSERT_TRUE(h);
  EXPECT_NE(h->find("`starting: earliest | latest` (default `latest`)"), std::string::npos) << *h;
  EXPECT_NE(h->find("kafka source"), std::string::npos) << *h;
  // The value after the colon and a word outside any call are not options.
  EXPECT_FALSE(option_hover(kProgram, at(kProgram, "earliest)") + 2));
  EXPECT_FALSE(option_hover(kProgram, at(kProgram, "brokers: string")));
  // The sink's format is the sink's.
  auto f = option_hover(kProgram, at(kProgram, "table: \"t\""));
  ASSERT_TRUE(f);
  EXPECT_NE(f->find("postgres sink"), std::string::npos) << *f;
}

std::string frame(const std::string& body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string json_str(const std::string& s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

TEST(ConnectorOptions, TheServerOffersThemFirstAndHoversThem) {
  const std::string text = "source lines = files(\"in/*.txt\", latest_first: true, )\n";
  std::string in;
  in += frame(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})");
  in += frame(R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.sdl","languageId":"sdl","version":1,"text":)" +
              json_str(text) + "}}}");
  in += frame(R"({"jsonrpc":"2.0","id":2,"method":"textDocument/completion","params":{"textDocument":{"uri":"file:///a.sdl"},"position":{"line":0,"character":53}}})");
  in += frame(R"({"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///a.sdl"},"position":{"line":0,"character":36}}})");
  std::istringstream input(in);
  std::ostringstream output;
  LspServer server([](const SourceFile&) { return std::vector<Diagnostic>{}; });
  server.run(input, output);
  const std::string out = output.str();
  // `format` is offered once, as the files source's option, before the built-in function of that name.
  size_t option = out.find(R"("label":"format","kind":5,"detail":"files source option")");
  EXPECT_NE(option, std::string::npos) << out;
  EXPECT_EQ(out.find(R"("label":"format")", option + 1), std::string::npos);
  EXPECT_NE(out.find(R"("label":"max_files_per_batch")"), std::string::npos);
  EXPECT_NE(out.find(R"("label":"map")"), std::string::npos);  // the rest still follows
  EXPECT_NE(out.find("**latest_first** — `latest_first: true | false` (default `false`): newest files first"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace streamc::lsp
