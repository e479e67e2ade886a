// Diagnostics: a kind, a source range and a message, rendered clang-style:
//
//   wordcount.sdl:7:20: error: unknown function 'splt'; did you mean 'split'?
//     |> flat_map(line -> splt(line, " "))
//                         ^~~~
//
// The same records feed `--diagnostics-format=json` and the language server.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "diag/source_file.hpp"

namespace streamc {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity = Severity::Error;
  SourceRange range;
  std::string message;
  // Notes attached to this diagnostic (e.g. "declared here"), each with its
  // own range in the same file; a note with an empty range prints no caret.
  // A note about another file (the C++ declaration behind an import) sets
  // `other`: it is printed at that file's line and column, with `range`
  // still pointing into this file for tools that only know this one.
  struct OtherFile {
    std::string path;  // as shown to the user
    uint32_t line = 0, column = 0;
    std::string line_text;  // the source line, if it could be read
  };
  struct Note {
    SourceRange range;
    std::string message;
    std::optional<OtherFile> other = std::nullopt;
  };
  std::vector<Note> notes;
};

class Diagnostics {
 public:
  explicit Diagnostics(const SourceFile& file) : file_(&file) {}

  Diagnostic& error(SourceRange range, std::string message);
  Diagnostic& warning(SourceRange range, std::string message);

  bool has_errors() const;
  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  const SourceFile& file() const { return *file_; }

  // clang-style text with the source line and a caret under the range.
  void render(std::ostream& out, bool color = false) const;
  static void render_one(std::ostream& out, const SourceFile& file, const Diagnostic& d, bool color = false);
  // One JSON object per line: {"file","line","column","endLine","endColumn","severity","message"}.
  void render_json(std::ostream& out) const;

 private:
  const SourceFile* file_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace streamc
