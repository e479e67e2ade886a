// Diagnostics as JSON lines (--diagnostics-format=json): strings are written
// by the runtime's one JSON string writer, so the line is valid JSON whatever
// bytes a path or a message holds.
#include "diag/diagnostics.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <sstream>

namespace streamc {
namespace {

// render_json's line for one error in `path` (text "ab\ncd\n").
std::string json_line(const std::string& path, SourceRange range, const std::string& message) {
  SourceFile f(path, "ab\ncd\n");
  Diagnostics diags(f);
  diags.error(range, message);
  std::ostringstream out;
  diags.render_json(out);
  return out.str();
}

TEST(DiagnosticsJson, OneObjectPerLine) {
  EXPECT_EQ(json_line("dir/\"q\".sdl", {3, 5}, "unknown name 'cd'"),
            "{\"file\":\"dir/\\\"q\\\".sdl\",\"line\":2,\"column\":1,\"endLine\":2,\"endColumn\":3,\"offset\":3,"
            "\"endOffset\":5,\"severity\":\"error\",\"message\":\"unknown name 'cd'\"}\n");
}

TEST(DiagnosticsJson, EscapesControlsAndRepairsUtf8) {
  const std::string line = json_line("x.sdl", {0, 1}, "tab\t bs\b ff\f nul\x01 caf\xC3\xA9 bad\xFF");
  EXPECT_NE(line.find("\"message\":\"tab\\t bs\\b ff\\f nul\\u0001 caf\xC3\xA9 bad\xEF\xBF\xBD\"}"), std::string::npos)
      << line;
  simdjson::dom::parser p;
  simdjson::dom::element e;
  ASSERT_EQ(p.parse(line).get(e), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(e["severity"].get_string().value()), "error");
}

}  // namespace
}  // namespace streamc
