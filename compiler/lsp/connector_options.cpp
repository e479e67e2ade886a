#include "lsp/connector_options.hpp"

#include <cctype>

namespace streamc::lsp {

namespace {

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The identifier that ends just before `end`, spaces skipped ("" if none).
std::string word_before(const std::string& text, size_t end) {
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  size_t begin = end;
  while (begin > 0 && ident_char(text[begin - 1])) --begin;
  return text.substr(begin, end - begin);
}

std::string option_text(const sema::ConnectorSpec& c, sema::ConnectorRole role, const sema::ConnectorOption& o) {
  return std::string(o.usage) + ": " + std::string(o.doc) + " (" + std::string(c.name) + " " +
         std::string(sema::role_word(role)) + ")";
}

}  // namespace

std::optional<ConnectorCall> connector_call_at(const std::string& text, uint32_t offset) {
  struct Open {
    std::string callee;
    std::string decl;
  };
  std::vector<Open> open;
  std::string decl;  // the declaration keyword in force at depth 0
  const size_t end = std::min<size_t>(offset, text.size());
  size_t i = 0;
  while (i < end) {
    if (text.compare(i, 2, "//") == 0) {
      while (i < end && text[i] != '\n') ++i;
      continue;
    }
    if (text.compare(i, 2, "/*") == 0) {
      size_t close = text.find("*/", i + 2);
      if (close == std::string::npos || close + 2 > end) return std::nullopt;  // inside a comment
      i = close + 2;
      continue;
    }
    if (text[i] == '"') {
      ++i;
      while (i < end && text[i] != '"' && text[i] != '\n') i += text[i] == '\\' ? 2 : 1;
      if (i >= end) return std::nullopt;  // inside a string
      ++i;
      continue;
    }
    if (text[i] == '(') {
      open.push_back({word_before(text, i), decl});
    } else if (text[i] == ')') {
      if (!open.empty()) open.pop_back();
    } else if (ident_char(text[i]) && (i == 0 || !ident_char(text[i - 1]))) {
      size_t e = i;
      while (e < text.size() && ident_char(text[e])) ++e;
      std::string_view w(text.data() + i, e - i);
      if (open.empty() && (w == "source" || w == "table" || w == "sink" || w == "stream" || w == "schema" ||
                           w == "param" || w == "config" || w == "import"))
        decl = w;
      i = e;
      continue;
    }
    ++i;
  }
  // The innermost call that has a callee: a connector's, or none (a
  // function called inside an option's value, or a bare tuple's parenthesis
  // inside the call, e.g. key: (country)).
  for (auto it = open.rbegin(); it != open.rend(); ++it) {
    if (it->callee.empty()) continue;
    const sema::ConnectorSpec* c = sema::find_connector(it->callee);
    if (!c) return std::nullopt;
    sema::ConnectorRole role = it->decl == "source" ? sema::kSourceRole
                               : it->decl == "table" ? sema::kTableRole
                               : it->decl == "sink"  ? sema::kSinkRole
                                                     : static_cast<sema::ConnectorRole>(0);
    // A files table is read as a source is.
    if (role == sema::kTableRole && !(c->roles & sema::kTableRole)) role = sema::kSourceRole;
    if (!(c->roles & role)) return std::nullopt;
    return ConnectorCall{c, role};
  }
  return std::nullopt;
}

std::vector<CompletionEntry> option_completions(const ConnectorCall& call) {
  std::vector<CompletionEntry> out;
  for (const sema::ConnectorOption* o : sema::connector_options(*call.connector, call.role))
    out.push_back({std::string(o->name), CompletionKind::Field,
                   std::string(call.connector->name) + " " + std::string(sema::role_word(call.role)) + " option",
                   option_text(*call.connector, call.role, *o)});
  return out;
}

std::optional<std::string> option_hover(const std::string& text, uint32_t offset) {
  size_t b = std::min<size_t>(offset, text.size()), e = b;
  while (b > 0 && ident_char(text[b - 1])) --b;
  while (e < text.size() && ident_char(text[e])) ++e;
  if (b == e) return std::nullopt;
  size_t after = e;
  while (after < text.size() && (text[after] == ' ' || text[after] == '\t')) ++after;
  if (after >= text.size() || text[after] != ':') return std::nullopt;  // a value, not an option's name
  auto call = connector_call_at(text, static_cast<uint32_t>(b));
  if (!call) return std::nullopt;
  const std::string word = text.substr(b, e - b);
  for (const sema::ConnectorOption* o : sema::connector_options(*call->connector, call->role))
    if (o->name == word) return "**" + word + "** — " + option_text(*call->connector, call->role, *o);
  return std::nullopt;
}

}  // namespace streamc::lsp
