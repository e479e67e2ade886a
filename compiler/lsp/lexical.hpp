// What the language server reads of a document's text without parsing it
// (the text an editor sends is often mid-edit): identifiers, and a walk
// that skips comments and strings. Completion, hover and the connector
// options (connector_options.cpp) share it.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "diag/source_file.hpp"

namespace streamc::lsp {

inline bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The identifier around `offset` (the one it is in or just after).
inline SourceRange word_at(const std::string& text, uint32_t offset) {
  uint32_t b = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  uint32_t e = b;
  while (b > 0 && is_ident_char(text[b - 1])) --b;
  while (e < text.size() && is_ident_char(text[e])) ++e;
  return {b, e};
}

// The identifier that ends just before `end`, spaces skipped ("" if none).
inline std::string word_before(const std::string& text, size_t end) {
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  size_t begin = end;
  while (begin > 0 && is_ident_char(text[begin - 1])) --begin;
  return text.substr(begin, end - begin);
}

// Walks `text` up to `end`, skipping `//` and `/* */` comments and string
// literals: calls `on_word(std::string_view word, size_t at)` for each
// identifier that starts before `end` (the whole word, which may reach past
// it) and `on_char(size_t at)` for every other character. False when `end`
// falls inside a comment or a string.
template <class OnWord, class OnChar>
bool scan_code(const std::string& text, size_t end, OnWord&& on_word, OnChar&& on_char) {
  end = std::min(end, text.size());
  size_t i = 0;
  while (i < end) {
    if (text.compare(i, 2, "//") == 0) {
      while (i < end && text[i] != '\n') ++i;
      if (i >= end) return false;
      continue;
    }
    if (text.compare(i, 2, "/*") == 0) {
      size_t close = text.find("*/", i + 2);
      if (close == std::string::npos || close + 2 > end) return false;
      i = close + 2;
      continue;
    }
    if (text[i] == '"') {
      ++i;
      while (i < end && text[i] != '"' && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
      if (i >= end) return false;
      ++i;
      continue;
    }
    if (is_ident_char(text[i]) && (i == 0 || !is_ident_char(text[i - 1]))) {
      size_t e = i;
      while (e < text.size() && is_ident_char(text[e])) ++e;
      on_word(std::string_view(text.data() + i, e - i), i);
      i = e;
      continue;
    }
    on_char(i);
    ++i;
  }
  return true;
}

}  // namespace streamc::lsp
