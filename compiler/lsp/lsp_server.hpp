// The protocol half of `streamc lsp`: JSON-RPC 2.0 over a byte stream with
// LSP's Content-Length framing, a store of open documents, and the requests
// an editor needs for live diagnostics:
//
//   initialize / initialized / shutdown / exit
//   textDocument/didOpen, didChange (full or ranged), didClose
//       -> textDocument/publishDiagnostics from the Analyzer callback
//   textDocument/hover       -> the HoverProvider callback, else a built-in
//                               description of the operator/connector/... word
//   textDocument/completion  -> operator, connector, function, aggregate,
//                               keyword and type names, names declared in the
//                               document, plus CompletionProvider items
//
// The server knows nothing about SDL's parser or checker: the driver passes
// them in as callbacks (see compiler/driver/lsp_main.cpp). Positions on the
// wire are LSP's (0-based line, UTF-16 code units); callbacks see byte
// offsets into SourceFile::text(), like every other part of the compiler.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diag/diagnostics.hpp"
#include "diag/source_file.hpp"
#include "streamc/runtime/json_string.hpp"

namespace streamc::lsp {

// Parses and checks one document; returns everything it found, errors first
// or in any order. Called on every open and change. May throw: the server
// logs the exception and keeps the previous diagnostics.
using Analyzer = std::function<std::vector<Diagnostic>(const SourceFile&)>;

// Markdown shown when hovering at `byte_offset`, e.g. the type of the stream
// or expression there; nullopt for nothing.
using HoverProvider = std::function<std::optional<std::string>(const SourceFile&, uint32_t byte_offset)>;

// LSP CompletionItemKind values used by the server.
enum class CompletionKind : int {
  Function = 3,
  Field = 5,
  Variable = 6,
  Class = 7,
  Module = 9,
  Value = 12,
  Keyword = 14,
  Constant = 21,
  Struct = 22,
};

struct CompletionEntry {
  std::string label;
  CompletionKind kind = CompletionKind::Function;
  std::string detail;         // one line next to the label, e.g. "operator"
  std::string documentation;  // markdown, optional
};

// Extra completion items for a position (UDFs from imports, record fields…).
using CompletionProvider = std::function<std::vector<CompletionEntry>(const SourceFile&, uint32_t byte_offset)>;

// The built-in names the server offers: operators, connectors, functions,
// aggregates, keywords, types and constants of SDL (grammar/keywords.json).
const std::vector<CompletionEntry>& builtin_completions();

// ---- positions --------------------------------------------------------------

struct Position {
  uint32_t line = 0;       // 0-based
  uint32_t character = 0;  // UTF-16 code units from the start of the line
  bool operator==(const Position&) const = default;
};

// Byte offset -> LSP position (an offset inside a UTF-8 sequence counts the
// whole character before it).
Position to_position(const SourceFile& file, uint32_t byte_offset);
// LSP position -> byte offset, clamped to the line's end and the text's end.
uint32_t to_offset(const SourceFile& file, Position pos);

// ---- JSON output helpers ---------------------------------------------------

// Appends `s` as a JSON string literal (quotes included); invalid UTF-8
// becomes U+FFFD so the output is always valid JSON. The runtime's writer,
// the one the compiler's JSON diagnostics use too.
using rt::append_json_string;

// "file:///a/b%20c.sdl" -> "/a/b c.sdl"; other URIs are returned unchanged.
std::string uri_to_path(std::string_view uri);

// ---- the server ------------------------------------------------------------

class LspServer {
 public:
  explicit LspServer(Analyzer analyze, HoverProvider hover = {}, CompletionProvider complete = {});
  ~LspServer();
  LspServer(const LspServer&) = delete;
  LspServer& operator=(const LspServer&) = delete;

  // Serves messages from `in` until `exit` or end of input. Returns the
  // process exit code LSP asks for: 0 after shutdown+exit, 1 otherwise.
  int run(std::istream& in, std::ostream& out);

  // Handles one message body (already unframed); replies and notifications
  // are framed onto `out`. Returns false once `exit` has been received.
  bool handle_message(std::string_view body, std::ostream& out);

  bool shutdown_requested() const { return shutdown_; }
  // The current text of an open document (by URI), or null; for tests.
  const SourceFile* document(const std::string& uri) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Analyzer analyze_;
  HoverProvider hover_;
  CompletionProvider complete_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
};

// The longest message read_message takes (a document of 64 MiB is far more
// than any .sdl an editor holds).
inline constexpr long long kMaxMessageBytes = 64LL << 20;

// Reads one framed message ("Content-Length: N\r\n\r\n" + N bytes) from `in`
// into `body`. Returns false at end of input, on a malformed header block or
// a length over kMaxMessageBytes.
bool read_message(std::istream& in, std::string& body);
// Writes `body` framed.
void write_message(std::ostream& out, std::string_view body);

// The whole server: what `streamc lsp` runs on stdin/stdout.
int run_lsp(std::istream& in, std::ostream& out, Analyzer analyze, HoverProvider hover = {},
            CompletionProvider complete = {});

}  // namespace streamc::lsp
