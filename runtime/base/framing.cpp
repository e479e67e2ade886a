#include "base/framing.hpp"

#include <cstring>

#include "base/split_lines.hpp"

namespace streamc::rt {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_blank(std::string_view s) {
  for (char c : s)
    if (!is_space(c)) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

void push_record(const char* begin, const char* end, std::vector<std::string_view>& out) {
  if (end > begin && end[-1] == '\r') --end;
  if (end > begin) out.emplace_back(begin, static_cast<size_t>(end - begin));
}

}  // namespace

std::string_view strip_bom(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

bool is_complete_json_line(std::string_view line) {
  std::string_view s = trim(line);
  if (s.empty()) return false;
  size_t i = 0;
  if (s[0] == '{' || s[0] == '[' || s[0] == '"') {
    int depth = 0;
    bool in_string = false, escape = false;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (in_string) {
        if (escape)
          escape = false;
        else if (c == '\\')
          escape = true;
        else if (c == '"') {
          in_string = false;
          if (depth == 0) break;  // a top-level string ends here
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) break;
      }
    }
    if (i == s.size()) return false;  // still open at the end of the line
    ++i;
  } else {
    while (i < s.size() && !is_space(s[i])) ++i;  // a number, true, false, null
  }
  return i == s.size();
}

void frame_json_lines(std::string_view text, std::vector<std::string_view>& out) {
  size_t first = out.size();
  split_lines(text, out);
  size_t keep = first;
  for (size_t i = first; i < out.size(); ++i)
    if (!is_blank(out[i])) out[keep++] = out[i];
  out.resize(keep);
}

void frame_json_file(std::string_view text, int multiline, std::vector<std::string_view>& out) {
  FileFramer(SourceFormat::Json, multiline, ',').finish(text, out);
}

size_t frame_csv(std::string_view text, char delim, std::vector<std::string_view>& out, bool final) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    // The common case: no quote at all before the newline.
    if (!std::memchr(p, '"', static_cast<size_t>(line_end - p))) {
      if (!nl && !final) return static_cast<size_t>(p - text.data());
      push_record(p, line_end, out);
      p = nl ? nl + 1 : end;
      continue;
    }
    // Quotes: walk the record byte by byte.
    const char* q = p;
    bool field_start = true, in_quotes = false;
    const char* record_end = nullptr;
    for (; q < end; ++q) {
      char c = *q;
      if (in_quotes) {
        if (c == '"') {
          if (q + 1 < end && q[1] == '"')
            ++q;
          else if (q + 1 == end && !final)
            return static_cast<size_t>(p - text.data());  // "" may be split across reads
          else
            in_quotes = false;
        }
      } else if (c == '"' && field_start) {
        in_quotes = true;
        field_start = false;
      } else if (c == delim) {
        field_start = true;
      } else if (c == '\n') {
        record_end = q;
        break;
      } else {
        field_start = false;
      }
    }
    if (!record_end && !final) return static_cast<size_t>(p - text.data());
    const char* stop = record_end ? record_end : end;
    push_record(p, stop, out);
    p = record_end ? record_end + 1 : end;
  }
  return text.size();
}

void FileFramer::step(std::string_view text, std::vector<std::string_view>& out, bool final) {
  if (!started_) {
    if (format_ != SourceFormat::Text) {
      if (!final && text.size() < 3) return;  // a byte order mark may be coming
      done_ = text.size() - strip_bom(text).size();
    }
    started_ = true;
  }
  std::string_view rest = text.substr(done_);
  // The complete lines of `rest`: up to its last newline, or all when final.
  auto complete = [&] {
    if (final) return rest.size();
    size_t nl = rest.rfind('\n');
    return nl == std::string_view::npos ? 0 : nl + 1;
  };
  switch (format_) {
    case SourceFormat::Text: {
      size_t upto = complete();
      split_lines(rest.substr(0, upto), out);
      done_ += upto;
      return;
    }
    case SourceFormat::Json: {
      if (multiline_ < 0) {
        // The first non-blank line decides, once it is all there.
        std::string_view lines = rest;
        while (multiline_ < 0) {
          size_t nl = lines.find('\n');
          if (nl == std::string_view::npos && !final) return;
          std::string_view line = lines.substr(0, nl);
          if (!is_blank(line))
            multiline_ = is_complete_json_line(line) ? 0 : 1;
          else if (nl == std::string_view::npos)
            multiline_ = 1;
          else
            lines.remove_prefix(nl + 1);
        }
      }
      if (multiline_ == 1) {
        if (!final) return;
        std::string_view doc = trim(rest);
        if (!doc.empty()) out.push_back(doc);
        done_ = text.size();
        return;
      }
      size_t upto = complete();
      frame_json_lines(rest.substr(0, upto), out);
      done_ += upto;
      return;
    }
    case SourceFormat::Csv:
      done_ += frame_csv(rest, delimiter_, out, final);
      return;
  }
}

}  // namespace streamc::rt

