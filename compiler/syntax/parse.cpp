// The parser's entry points: run the X3 grammar over the text, report the one
// diagnostic of a failed parse, and lower the result to the public AST.
#include "syntax/parse.hpp"

#include "syntax/config.hpp"
#include "syntax/grammar.hpp"
#include "syntax/lower.hpp"

namespace streamc {

namespace {

// Runs `parser` over the whole file into `attribute`, then `lower`s it.
// Returns nullopt after reporting exactly one error.
template <typename Parser, typename Attribute, typename Lower>
auto run(const SourceFile& file, Diagnostics& diags, const Parser& parser, Attribute& attribute, Lower lower)
    -> std::optional<decltype(lower(attribute, std::declval<const syntax::parse_state&>()))> {
  namespace x3 = boost::spirit::x3;
  const char* first = file.text().data();
  const char* last = first + file.text().size();
  syntax::parse_state state(first, last);
  try {
    const char* it = first;
    bool ok = x3::phrase_parse(it, last, x3::with<syntax::parse_state_tag>(state)[parser], syntax::skipper_parser{},
                               attribute);
    if (ok && !state.failed()) return lower(attribute, state);
    // The entry rules end in an expectation of end of input, so a failure
    // without a recorded error cannot happen; report one anyway.
    if (!state.failed()) state.fail(it, syntax::token_end(it, last), "syntax error");
  } catch (const syntax::syntax_error& e) {
    state.fail(e.first, e.last, e.message);
  }
  diags.error(state.error_range(), state.error_message());
  return std::nullopt;
}

}  // namespace

std::optional<ast::Program> parse_program(const SourceFile& file, Diagnostics& diags) {
  std::vector<syntax::x3ast::decl> decls;
  return run(file, diags, syntax::program_parser(), decls, syntax::lower_program);
}

std::optional<ast::ExprPtr> parse_expression(const SourceFile& file, Diagnostics& diags) {
  syntax::x3ast::expr e;
  return run(file, diags, syntax::expression_parser(), e, syntax::lower_expression);
}

}  // namespace streamc
