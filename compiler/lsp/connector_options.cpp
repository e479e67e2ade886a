#include "lsp/connector_options.hpp"

#include "lsp/lexical.hpp"

namespace streamc::lsp {

namespace {

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
  const bool in_code = scan_code(
      text, offset,
      [&](std::string_view w, size_t) {
        if (open.empty() && (w == "source" || w == "table" || w == "sink" || w == "stream" || w == "schema" ||
                             w == "param" || w == "config" || w == "import"))
          decl = w;
      },
      [&](size_t i) {
        if (text[i] == '(') {
          open.push_back({word_before(text, i), decl});
        } else if (text[i] == ')') {
          if (!open.empty()) open.pop_back();
        }
      });
  if (!in_code) return std::nullopt;  // inside a comment or a string
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
  const auto [b, e] = word_at(text, offset);
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
