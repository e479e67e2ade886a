#include "lsp/lsp_server.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <exception>
#include <istream>
#include <ostream>
#include <set>

#include "lsp/connector_options.hpp"
#include "lsp/lexical.hpp"
#include "sema/builtins.hpp"
#include "sema/registry.hpp"

namespace streamc::lsp {

// ---- built-in names ----------------------------------------------------------
// The registries' names (sema/registry.hpp), the built-in functions, and the
// grammar's words; tests/unit/compiler/lsp_test.cpp checks they cover
// grammar/keywords.json.

const std::vector<CompletionEntry>& builtin_completions() {
  using K = CompletionKind;
  static const std::vector<CompletionEntry> entries = [] {
    std::vector<CompletionEntry> out;
    auto described = [](std::string_view usage, std::string_view doc) {
      return std::string(usage) + ": " + std::string(doc);
    };
    // Operators, connectors, aggregates and functions come from the
    // checker's registries, so every name the checker knows is offered.
    for (const auto& op : sema::operators())
      out.push_back({std::string(op.name), K::Function, sema::find_aggregate(op.name) ? "operator / aggregate" : "operator",
                     described(op.usage, op.doc)});
    for (const auto& c : sema::connectors())
      out.push_back({std::string(c.name), K::Module, "connector", described(c.usage, c.doc)});
    for (const auto& a : sema::aggregates())
      out.push_back({std::string(a.name), K::Function, "aggregate", described(a.usage, a.doc) + " Inside `aggregate`."});
    for (const auto& f : sema::builtins()) {
      std::string doc = "`" + sema::sdl_signature(*f) + "`";
      if (!f->doc.empty()) doc += "\n\n" + f->doc;
      out.push_back({f->name, K::Function, "function", std::move(doc)});
    }
    out.push_back({"format", K::Function, "function", "`" + sema::sdl_signature(sema::format_function()) + "`"});
    out.insert(out.end(), {
      // map_groups_with_state: its state's calls and timeout kinds
      {"remove", K::Function, "state function", "`remove(state)`: in `map_groups_with_state`'s function, the state removed (its timeout too)."},
      {"set_timeout_duration", K::Function, "state function", "`set_timeout_duration(state, 30s)`: with `timeout: processing_time`, the key times out in the first batch whose processing time is past this batch's plus the duration, unless it has rows then."},
      {"set_timeout_timestamp", K::Function, "state function", "`set_timeout_timestamp(state, ts)`: with `timeout: event_time`, the key times out once the watermark passes `ts`."},
      {"processing_time", K::Value, "timeout", "`timeout: processing_time` (Spark's ProcessingTimeTimeout): timeouts set with `set_timeout_duration`, measured from the batch's processing time."},
      {"event_time", K::Value, "timeout", "`timeout: event_time` (Spark's EventTimeTimeout): timeouts set with `set_timeout_timestamp`, fired by the watermark; needs a watermark."},
      // declarations and keywords
      {"param", K::Keyword, "declaration", "`param NAME: T = default`: settable as `--NAME value` on the binary."},
      {"config", K::Keyword, "declaration", "`config { batch: 1s, threads: 2, checkpoint: \"dir\" }`: defaults for the binary."},
      {"schema", K::Keyword, "declaration", "`schema Name { field: T, … }` or `schema Name = infer(\"sample.json\")`."},
      {"import", K::Keyword, "declaration", "`import \"path/udfs.hpp\"`: C++ functions marked `STREAMC_UDF` become callable."},
      {"source", K::Keyword, "declaration", "`source NAME = connector(…)`: an unbounded input stream."},
      {"table", K::Keyword, "declaration", "`table NAME = connector(…)`: a static input, read once at start, for joins."},
      {"stream", K::Keyword, "declaration", "`stream NAME = expr`: a source or stream, then `|>` operators."},
      {"sink", K::Keyword, "declaration", "`sink NAME -> connector(…) [mode M] [trigger T] [checkpoint \"dir\"]`"},
      {"infer", K::Keyword, "keyword", "`infer(\"sample.json\")`: a schema inferred at compile time from a sample file."},
      {"mode", K::Keyword, "sink clause", "`mode append|update|complete`"},
      {"trigger", K::Keyword, "sink clause", "`trigger every 10s`, `trigger once`, `trigger available_now`"},
      {"every", K::Keyword, "trigger", "`trigger every DURATION`"},
      {"once", K::Keyword, "trigger", "`trigger once`: one batch over all data available now."},
      {"available_now", K::Keyword, "trigger", "`trigger available_now`: batches until every source reached what was available at start."},
      {"checkpoint", K::Keyword, "sink clause", "`checkpoint \"dir\"`: where the sink's offsets and state are kept."},
      {"append", K::Value, "output mode", "`mode append`: only new result rows."},
      {"update", K::Value, "output mode", "`mode update`: result rows that changed in the batch. In `map_groups_with_state`'s function, `update(state, v)` is the state set to `v`."},
      {"complete", K::Value, "output mode", "`mode complete`: the whole result table every batch."},
      {"as", K::Keyword, "keyword", "`e as name`"},
      {"on", K::Keyword, "keyword", "`join(…, on: …)`"},
      {"if", K::Keyword, "keyword", "`if c then a else b`"},
      {"then", K::Keyword, "keyword", "`if c then a else b`"},
      {"else", K::Keyword, "keyword", "`if c then a else b`"},
      {"and", K::Keyword, "keyword", "logical and"},
      {"or", K::Keyword, "keyword", "logical or"},
      {"not", K::Keyword, "keyword", "logical not"},
      {"is", K::Keyword, "keyword", "x is null, x is not null: a null check"},
      {"true", K::Constant, "bool", ""},
      {"false", K::Constant, "bool", ""},
      {"null", K::Constant, "null", "The missing value of an optional `T?`."},
      // types
      {"bool", K::Class, "type", ""},
      {"int", K::Class, "type", "64-bit signed integer; overflow is a run-time error for the record."},
      {"float", K::Class, "type", "64-bit IEEE float."},
      {"string", K::Class, "type", ""},
      {"timestamp", K::Class, "type", "Microsecond precision, UTC."},
      {"duration", K::Class, "type", "`250ms 1s 5m 2h 1d`"},
    });
    return out;
  }();
  return entries;
}

// ---- positions ---------------------------------------------------------------

namespace {

uint32_t utf16_units(unsigned char lead) {
  if ((lead & 0xC0) == 0x80) return 0;  // continuation byte
  return lead >= 0xF0 ? 2 : 1;          // 4-byte sequences are surrogate pairs
}

uint32_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

}  // namespace

Position to_position(const SourceFile& file, uint32_t byte_offset) {
  const std::string& text = file.text();
  byte_offset = std::min<uint32_t>(byte_offset, static_cast<uint32_t>(text.size()));
  LineCol lc = file.line_col(byte_offset);
  uint32_t start = file.line_start(lc.line);
  uint32_t units = 0;
  for (uint32_t i = start; i < byte_offset; ++i) units += utf16_units(static_cast<unsigned char>(text[i]));
  return {lc.line - 1, units};
}

uint32_t to_offset(const SourceFile& file, Position pos) {
  const std::string& text = file.text();
  if (pos.line >= file.line_count()) return static_cast<uint32_t>(text.size());
  uint32_t i = file.line_start(pos.line + 1);
  uint32_t units = 0;
  while (i < text.size() && text[i] != '\n' && units < pos.character) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') break;
    unsigned char c = static_cast<unsigned char>(text[i]);
    units += utf16_units(c) == 0 ? 1 : utf16_units(c);
    i += utf8_length(c);
  }
  return std::min<uint32_t>(i, static_cast<uint32_t>(text.size()));
}

std::string uri_to_path(std::string_view uri) {
  constexpr std::string_view scheme = "file://";
  if (uri.substr(0, scheme.size()) != scheme) return std::string(uri);
  std::string_view rest = uri.substr(scheme.size());
  // file://host/path: keep only the path (a host is rare and unusable here).
  size_t slash = rest.find('/');
  rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  std::string out;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && std::isxdigit(static_cast<unsigned char>(rest[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(rest[i + 2]))) {
      unsigned value = 0;
      std::from_chars(rest.data() + i + 1, rest.data() + i + 3, value, 16);
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += rest[i];
    }
  }
  return out;
}

// ---- framing -----------------------------------------------------------------

bool read_message(std::istream& in, std::string& body) {
  long long length = -1;
  std::string line;
  bool any_header = false;
  for (;;) {
    if (!std::getline(in, line)) return false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (!any_header) continue;  // tolerate blank lines between messages
      break;
    }
    any_header = true;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    if (name == "content-length") {
      std::string_view value = std::string_view(line).substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      long long n = -1;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || n < 0) return false;
      length = n;
    }
  }
  // A length no editor sends ends the session, as a broken stream does; a
  // body is read as it arrives, so memory follows the bytes received, not
  // the length a header claims (found by fuzz_lsp_message).
  if (length < 0 || length > kMaxMessageBytes) return false;
  body.clear();
  constexpr size_t kChunk = 1 << 20;
  while (body.size() < static_cast<size_t>(length)) {
    const size_t at = body.size();
    const size_t want = std::min(kChunk, static_cast<size_t>(length) - at);
    body.resize(at + want);
    in.read(body.data() + at, static_cast<std::streamsize>(want));
    if (static_cast<size_t>(in.gcount()) != want) {
      body.resize(at + static_cast<size_t>(in.gcount()));
      return false;
    }
  }
  return true;
}

void write_message(std::ostream& out, std::string_view body) {
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

// ---- the server ----------------------------------------------------------------

namespace {

constexpr int kParseError = -32700;
constexpr int kInvalidRequest = -32600;
constexpr int kMethodNotFound = -32601;
constexpr int kInvalidParams = -32602;
constexpr int kServerNotInitialized = -32002;

void append_position(std::string& out, Position p) {
  out += "{\"line\":" + std::to_string(p.line) + ",\"character\":" + std::to_string(p.character) + "}";
}

// A diagnostic's range; an empty range widens to the character it points at
// (so the editor can underline it, like the caret under `streamc check`).
void append_range(std::string& out, const SourceFile& file, SourceRange r) {
  const std::string& text = file.text();
  uint32_t begin = std::min<uint32_t>(r.begin, static_cast<uint32_t>(text.size()));
  uint32_t end = std::min<uint32_t>(std::max(r.end, begin), static_cast<uint32_t>(text.size()));
  if (end == begin && begin < text.size() && text[begin] != '\n' && text[begin] != '\r') {
    end = std::min<uint32_t>(begin + utf8_length(static_cast<unsigned char>(text[begin])),
                             static_cast<uint32_t>(text.size()));
  }
  out += "{\"start\":";
  append_position(out, to_position(file, begin));
  out += ",\"end\":";
  append_position(out, to_position(file, end));
  out += "}";
}

int severity_code(Severity s) {
  switch (s) {
    case Severity::Error: return 1;
    case Severity::Warning: return 2;
    case Severity::Note: return 3;
  }
  return 1;
}

// Names declared in the document: `source|table|stream|param|schema NAME`.
std::vector<CompletionEntry> declared_names(const std::string& text) {
  static const std::pair<std::string_view, std::pair<CompletionKind, const char*>> decls[] = {
      {"source", {CompletionKind::Variable, "source"}}, {"table", {CompletionKind::Variable, "table"}},
      {"stream", {CompletionKind::Variable, "stream"}}, {"param", {CompletionKind::Variable, "param"}},
      {"schema", {CompletionKind::Struct, "schema"}},
  };
  std::vector<CompletionEntry> out;
  std::set<std::string> seen;
  scan_code(
      text, text.size(),
      [&](std::string_view word, size_t at) {
        for (const auto& [kw, info] : decls) {
          if (word != kw) continue;
          size_t n = at + word.size();
          while (n < text.size() && (text[n] == ' ' || text[n] == '\t')) ++n;
          size_t ne = n;
          while (ne < text.size() && is_ident_char(text[ne])) ++ne;
          if (ne > n && !std::isdigit(static_cast<unsigned char>(text[n]))) {
            std::string name = text.substr(n, ne - n);
            if (seen.insert(name).second) out.push_back({name, info.first, info.second, ""});
          }
        }
      },
      [](size_t) {});
  return out;
}

void append_completion(std::string& out, const CompletionEntry& c) {
  out += "{\"label\":";
  append_json_string(out, c.label);
  out += ",\"kind\":" + std::to_string(static_cast<int>(c.kind));
  if (!c.detail.empty()) {
    out += ",\"detail\":";
    append_json_string(out, c.detail);
  }
  if (!c.documentation.empty()) {
    out += ",\"documentation\":{\"kind\":\"markdown\",\"value\":";
    append_json_string(out, c.documentation);
    out += "}";
  }
  out += "}";
}

}  // namespace

struct LspServer::Impl {
  simdjson::dom::parser parser;
  std::map<std::string, SourceFile> documents;  // by URI
};

LspServer::LspServer(Analyzer analyze, HoverProvider hover, CompletionProvider complete)
    : impl_(std::make_unique<Impl>()),
      analyze_(std::move(analyze)),
      hover_(std::move(hover)),
      complete_(std::move(complete)) {}

LspServer::~LspServer() = default;

const SourceFile* LspServer::document(const std::string& uri) const {
  auto it = impl_->documents.find(uri);
  return it == impl_->documents.end() ? nullptr : &it->second;
}

int LspServer::run(std::istream& in, std::ostream& out) {
  std::string body;
  while (!exited_ && read_message(in, body)) {
    if (!handle_message(body, out)) break;
  }
  return exited_ && shutdown_ ? 0 : 1;
}

bool LspServer::handle_message(std::string_view body, std::ostream& out) {
  using simdjson::dom::element;

  auto respond = [&](std::string_view id_json, std::string_view result_json) {
    std::string msg = "{\"jsonrpc\":\"2.0\",\"id\":";
    msg += id_json;
    msg += ",\"result\":";
    msg += result_json;
    msg += "}";
    write_message(out, msg);
  };
  auto respond_error = [&](std::string_view id_json, int code, std::string_view message) {
    std::string msg = "{\"jsonrpc\":\"2.0\",\"id\":";
    msg += id_json;
    msg += ",\"error\":{\"code\":" + std::to_string(code) + ",\"message\":";
    append_json_string(msg, message);
    msg += "}}";
    write_message(out, msg);
  };
  auto notify = [&](std::string_view method, std::string_view params_json) {
    std::string msg = "{\"jsonrpc\":\"2.0\",\"method\":";
    append_json_string(msg, method);
    msg += ",\"params\":";
    msg += params_json;
    msg += "}";
    write_message(out, msg);
  };
  auto log = [&](int type, std::string_view text) {
    std::string params = "{\"type\":" + std::to_string(type) + ",\"message\":";
    append_json_string(params, text);
    params += "}";
    notify("window/logMessage", params);
  };
  auto publish = [&](const std::string& uri, const SourceFile* file) {
    std::string params = "{\"uri\":";
    append_json_string(params, uri);
    params += ",\"diagnostics\":[";
    if (file && analyze_) {
      std::vector<Diagnostic> diags;
      try {
        diags = analyze_(*file);
      } catch (const std::exception& e) {
        log(1, std::string("streamc: internal error while checking ") + file->path() + ": " + e.what());
        return;
      } catch (...) {
        log(1, "streamc: internal error while checking " + file->path());
        return;
      }
      bool first = true;
      for (const Diagnostic& d : diags) {
        if (!first) params += ',';
        first = false;
        params += "{\"range\":";
        append_range(params, *file, d.range);
        params += ",\"severity\":" + std::to_string(severity_code(d.severity));
        params += ",\"source\":\"streamc\",\"message\":";
        append_json_string(params, d.message);
        if (!d.notes.empty()) {
          params += ",\"relatedInformation\":[";
          for (size_t k = 0; k < d.notes.size(); ++k) {
            if (k) params += ',';
            params += "{\"location\":{\"uri\":";
            append_json_string(params, uri);
            params += ",\"range\":";
            append_range(params, *file, d.notes[k].range);
            params += "},\"message\":";
            append_json_string(params, d.notes[k].message);
            params += "}";
          }
          params += "]";
        }
        params += "}";
      }
    }
    params += "]}";
    notify("textDocument/publishDiagnostics", params);
  };

  simdjson::padded_string padded(body.data(), body.size());
  element msg;
  if (impl_->parser.parse(padded).get(msg) != simdjson::SUCCESS || !msg.is_object()) {
    respond_error("null", kParseError, "invalid JSON");
    return true;
  }

  std::string_view method_view;
  bool has_method = msg["method"].get_string().get(method_view) == simdjson::SUCCESS;
  element id_el;
  bool has_id = msg["id"].get(id_el) == simdjson::SUCCESS && !id_el.is_null();
  std::string id_json = has_id ? simdjson::minify(id_el) : "null";
  if (!has_method) {
    // A response to a request we never send, or garbage: only answer requests.
    if (has_id && msg["result"].error() != simdjson::SUCCESS && msg["error"].error() != simdjson::SUCCESS)
      respond_error(id_json, kInvalidRequest, "missing method");
    return true;
  }
  const std::string method(method_view);
  element params;
  bool has_params = msg["params"].get(params) == simdjson::SUCCESS;

  // Lifecycle.
  if (method == "exit") {
    exited_ = true;
    return false;
  }
  if (method == "initialize") {
    if (!has_id) return true;
    initialized_ = true;
    respond(id_json,
            "{\"capabilities\":{"
            "\"positionEncoding\":\"utf-16\","
            "\"textDocumentSync\":{\"openClose\":true,\"change\":1,\"save\":false},"
            "\"hoverProvider\":true,"
            "\"completionProvider\":{\"resolveProvider\":false}"
            "},\"serverInfo\":{\"name\":\"streamc\"}}");
    return true;
  }
  if (shutdown_) {
    if (has_id) respond_error(id_json, kInvalidRequest, "the server is shutting down");
    return true;
  }
  if (!initialized_) {
    if (has_id) respond_error(id_json, kServerNotInitialized, "initialize first");
    return true;
  }
  if (method == "shutdown") {
    shutdown_ = true;
    respond(id_json, "null");
    return true;
  }
  if (method == "initialized" || method.rfind("$/", 0) == 0) {
    if (has_id && method.rfind("$/", 0) == 0) respond_error(id_json, kMethodNotFound, "unsupported: " + method);
    return true;
  }

  // Every textDocument method names its document.
  std::string_view uri_view;
  bool has_uri = has_params && params["textDocument"]["uri"].get_string().get(uri_view) == simdjson::SUCCESS;
  const std::string uri(uri_view);
  auto bad_params = [&](std::string_view why) {
    if (has_id) respond_error(id_json, kInvalidParams, why);
    else log(2, "streamc: ignored " + method + ": " + std::string(why));
    return true;
  };
  auto position_offset = [&](const SourceFile& file, uint32_t& offset) {
    uint64_t line = 0, character = 0;
    if (params["position"]["line"].get_uint64().get(line) != simdjson::SUCCESS ||
        params["position"]["character"].get_uint64().get(character) != simdjson::SUCCESS)
      return false;
    offset = to_offset(file, {static_cast<uint32_t>(line), static_cast<uint32_t>(character)});
    return true;
  };

  if (method == "textDocument/didOpen") {
    std::string_view text;
    if (!has_uri || params["textDocument"]["text"].get_string().get(text) != simdjson::SUCCESS)
      return bad_params("textDocument.uri and .text required");
    impl_->documents.insert_or_assign(uri, SourceFile(uri_to_path(uri), std::string(text)));
    publish(uri, &impl_->documents.at(uri));
    return true;
  }
  if (method == "textDocument/didChange") {
    auto it = impl_->documents.find(uri);
    if (!has_uri || it == impl_->documents.end()) return bad_params("unknown document");
    simdjson::dom::array changes;
    if (params["contentChanges"].get_array().get(changes) != simdjson::SUCCESS)
      return bad_params("contentChanges required");
    std::string text = it->second.text();
    for (element change : changes) {
      std::string_view new_text;
      if (change["text"].get_string().get(new_text) != simdjson::SUCCESS) continue;
      element range;
      if (change["range"].get(range) == simdjson::SUCCESS && range.is_object()) {
        // A ranged edit (we ask for full sync, but accept these too).
        SourceFile current(it->second.path(), text);
        uint64_t sl = 0, sc = 0, el = 0, ec = 0;
        if (range["start"]["line"].get_uint64().get(sl) || range["start"]["character"].get_uint64().get(sc) ||
            range["end"]["line"].get_uint64().get(el) || range["end"]["character"].get_uint64().get(ec))
          continue;
        uint32_t b = to_offset(current, {static_cast<uint32_t>(sl), static_cast<uint32_t>(sc)});
        uint32_t e = to_offset(current, {static_cast<uint32_t>(el), static_cast<uint32_t>(ec)});
        if (e < b) std::swap(b, e);
        text.replace(b, e - b, new_text);
      } else {
        text.assign(new_text);
      }
    }
    it->second = SourceFile(it->second.path(), std::move(text));
    publish(uri, &it->second);
    return true;
  }
  if (method == "textDocument/didClose") {
    if (!has_uri) return bad_params("textDocument.uri required");
    impl_->documents.erase(uri);
    publish(uri, nullptr);  // clears the document's diagnostics
    return true;
  }
  if (method == "textDocument/didSave") return true;

  if (method == "textDocument/hover") {
    if (!has_id) return true;
    auto it = impl_->documents.find(uri);
    uint32_t offset = 0;
    if (!has_uri || it == impl_->documents.end() || !position_offset(it->second, offset)) {
      respond(id_json, "null");
      return true;
    }
    const SourceFile& file = it->second;
    std::optional<std::string> text = option_hover(file.text(), offset);
    if (!text && hover_) {
      try {
        text = hover_(file, offset);
      } catch (const std::exception& e) {
        log(1, std::string("streamc: internal error in hover: ") + e.what());
      }
    }
    SourceRange word = word_at(file.text(), offset);
    if (!text && !word.empty()) {
      std::string_view w = file.slice(word);
      for (const CompletionEntry& c : builtin_completions()) {
        if (c.label == w) {
          text = "**" + c.label + "** (" + c.detail + ")" + (c.documentation.empty() ? "" : "\n\n" + c.documentation);
          break;
        }
      }
    }
    if (!text) {
      respond(id_json, "null");
      return true;
    }
    std::string result = "{\"contents\":{\"kind\":\"markdown\",\"value\":";
    append_json_string(result, *text);
    result += "}";
    if (!word.empty()) {
      result += ",\"range\":";
      append_range(result, file, word);
    }
    result += "}";
    respond(id_json, result);
    return true;
  }

  if (method == "textDocument/completion") {
    if (!has_id) return true;
    auto it = impl_->documents.find(uri);
    std::vector<CompletionEntry> items;
    uint32_t offset = 0;
    const bool at = has_uri && it != impl_->documents.end() && position_offset(it->second, offset);
    // Inside a connector's call its options come first (a label is sent
    // once: `format` the option, not the function).
    if (at)
      if (auto call = connector_call_at(it->second.text(), offset)) items = option_completions(*call);
    items.insert(items.end(), builtin_completions().begin(), builtin_completions().end());
    if (has_uri && it != impl_->documents.end()) {
      const SourceFile& file = it->second;
      for (auto& c : declared_names(file.text())) items.push_back(std::move(c));
      if (complete_ && at) {
        try {
          for (auto& c : complete_(file, offset)) items.push_back(std::move(c));
        } catch (const std::exception& e) {
          log(1, std::string("streamc: internal error in completion: ") + e.what());
        }
      }
    }
    std::string result = "{\"isIncomplete\":false,\"items\":[";
    std::set<std::string> seen;
    bool first = true;
    for (const CompletionEntry& c : items) {
      if (!seen.insert(c.label).second) continue;
      if (!first) result += ',';
      first = false;
      append_completion(result, c);
    }
    result += "]}";
    respond(id_json, result);
    return true;
  }

  if (has_id) respond_error(id_json, kMethodNotFound, "unsupported method: " + method);
  return true;
}

int run_lsp(std::istream& in, std::ostream& out, Analyzer analyze, HoverProvider hover, CompletionProvider complete) {
  LspServer server(std::move(analyze), std::move(hover), std::move(complete));
  return server.run(in, out);
}

}  // namespace streamc::lsp
