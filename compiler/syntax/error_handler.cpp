// Turns a parse failure into the one diagnostic of a failed parse.
#include "syntax/error_handler.hpp"

#include "syntax/tokens.hpp"

namespace streamc::syntax {

void parse_state::fail(const char* first, const char* last, std::string message) {
  if (failed_) return;
  failed_ = true;
  error_range_ = {offset(first), offset(last < first ? first : last)};
  error_message_ = std::move(message);
}

// `which` is the name of the parser that failed: a rule name ("an
// expression"), a quoted literal ('(' or "->"), or a name starting with '!'
// that is the whole message. The diagnostic points at the token found instead.
void parse_state::expected(const char* where, const std::string& which) {
  const char* p = skip_space(where, last_, /*nothrow=*/true);
  const char* e = token_end(p, last_);
  std::string word = which;
  if (word.size() >= 2 && word.front() == '"' && word.back() == '"')
    word = "'" + word.substr(1, word.size() - 2) + "'";
  std::string token(p, e);
  if (!word.empty() && word.front() == '!')
    fail(p, e, word.substr(1));
  else if (word == "an identifier" && !token.empty() && is_ident_start(token[0]) && is_keyword(token))
    fail(p, e, "'" + token + "' is a keyword and cannot be used as a name");
  else
    fail(p, e, "expected " + word);
}

}  // namespace streamc::syntax
