#include "diag/diagnostics.hpp"

#include <ostream>

#include "streamc/runtime/json_string.hpp"

namespace streamc {

Diagnostic& Diagnostics::error(SourceRange range, std::string message) {
  diagnostics_.push_back({Severity::Error, range, std::move(message), {}});
  return diagnostics_.back();
}

Diagnostic& Diagnostics::warning(SourceRange range, std::string message) {
  diagnostics_.push_back({Severity::Warning, range, std::move(message), {}});
  return diagnostics_.back();
}

bool Diagnostics::has_errors() const {
  for (const auto& d : diagnostics_)
    if (d.severity == Severity::Error) return true;
  return false;
}

namespace {

const char* severity_word(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

// Prints "file:line:col: kind: message", the line, and a caret line whose
// tildes cover the range (clipped to the first line of the range).
void render_located(std::ostream& out, const SourceFile& file, SourceRange range, Severity sev,
                    const std::string& message, bool color) {
  LineCol lc = file.line_col(range.begin);
  const char* bold = color ? "\x1b[1m" : "";
  const char* reset = color ? "\x1b[0m" : "";
  const char* sev_color = !color ? "" : sev == Severity::Error ? "\x1b[1;31m" : sev == Severity::Warning ? "\x1b[1;35m" : "\x1b[1;36m";
  out << bold << file.path() << ':' << lc.line << ':' << lc.column << ": " << reset << sev_color << severity_word(sev)
      << ": " << reset << bold << message << reset << '\n';
  std::string_view line = file.line_text(lc.line);
  out << line << '\n';
  std::string caret;
  for (uint32_t i = 0; i + 1 < lc.column && i < line.size(); ++i) caret += line[i] == '\t' ? '\t' : ' ';
  caret += '^';
  uint32_t line_end = file.line_start(lc.line) + static_cast<uint32_t>(line.size());
  uint32_t end = range.end < line_end ? range.end : line_end;
  for (uint32_t i = range.begin + 1; i < end; ++i) {
    // Count UTF-8 lead bytes only, so the tildes match what the terminal shows.
    unsigned char c = static_cast<unsigned char>(file.text()[i]);
    if ((c & 0xC0) != 0x80) caret += '~';
  }
  out << (color ? "\x1b[1;32m" : "") << caret << reset << '\n';
}

// A note located in another file: "path:line:col: note: message", the line
// and a caret at the column.
void render_other_file(std::ostream& out, const Diagnostic::OtherFile& at, const std::string& message, bool color) {
  const char* bold = color ? "\x1b[1m" : "";
  const char* reset = color ? "\x1b[0m" : "";
  out << bold << at.path << ':' << at.line << ':' << at.column << ": " << reset << (color ? "\x1b[1;36m" : "")
      << "note: " << reset << bold << message << reset << '\n';
  if (at.line_text.empty()) return;
  out << at.line_text << '\n';
  std::string caret;
  for (uint32_t i = 0; i + 1 < at.column && i < at.line_text.size(); ++i) caret += at.line_text[i] == '\t' ? '\t' : ' ';
  out << (color ? "\x1b[1;32m" : "") << caret << '^' << reset << '\n';
}

// `s` as a JSON string, by the runtime's one writer (escaped, valid UTF-8).
std::string json_string(std::string_view s) {
  std::string quoted;
  rt::append_json_string(quoted, s);
  return quoted;
}

}  // namespace

void Diagnostics::render_one(std::ostream& out, const SourceFile& file, const Diagnostic& d, bool color) {
  render_located(out, file, d.range, d.severity, d.message, color);
  for (const auto& n : d.notes) {
    if (n.other)
      render_other_file(out, *n.other, n.message, color);
    else
      render_located(out, file, n.range, Severity::Note, n.message, color);
  }
}

void Diagnostics::render(std::ostream& out, bool color) const {
  for (const auto& d : diagnostics_) render_one(out, *file_, d, color);
}

void Diagnostics::render_json(std::ostream& out) const {
  for (const auto& d : diagnostics_) {
    LineCol b = file_->line_col(d.range.begin);
    LineCol e = file_->line_col(d.range.end > d.range.begin ? d.range.end : d.range.begin);
    out << "{\"file\":" << json_string(file_->path()) << ",\"line\":" << b.line << ",\"column\":" << b.column
        << ",\"endLine\":" << e.line << ",\"endColumn\":" << e.column << ",\"offset\":" << d.range.begin
        << ",\"endOffset\":" << d.range.end << ",\"severity\":\"" << severity_word(d.severity)
        << "\",\"message\":" << json_string(d.message) << "}\n";
  }
}

}  // namespace streamc
