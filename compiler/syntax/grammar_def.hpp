// The SDL grammar in Spirit X3. grammar/sdl.ebnf is its normative text; keep
// the two in step (rule names below match the EBNF's where they can).
//
// Conventions: `>` is an expectation point (a failure after it is a syntax
// error named after what was expected), `>>` may backtrack. Each rule's name
// is the phrase used in "expected …" messages. Rules whose node is built by
// semantic actions (the `[…]`) write the rule's own attribute through _val.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "syntax/ast_adapted.hpp"
#include "syntax/ast_x3.hpp"
#include "syntax/error_handler.hpp"
#include "syntax/grammar.hpp"
#include "syntax/tokens.hpp"

namespace streamc::syntax::grammar {

namespace xa = x3ast;
using ast::Op;
using x3::_attr;
using x3::_val;
using x3::attr;
using x3::eoi;
using x3::lit;

// ------------------------------------------------------------ semantic actions
template <auto Member>
struct set_t {
  template <typename Context>
  void operator()(Context& ctx) const {
    _val(ctx).*Member = std::move(_attr(ctx));
  }
};
template <auto Member>
inline constexpr set_t<Member> set_{};

template <auto Member>
struct push_t {
  template <typename Context>
  void operator()(Context& ctx) const {
    (_val(ctx).*Member).push_back(std::move(_attr(ctx)));
  }
};
template <auto Member>
inline constexpr push_t<Member> push_{};

template <auto Member, auto Value>
struct assign_t {
  template <typename Context>
  void operator()(Context& ctx) const {
    _val(ctx).*Member = Value;
  }
};
template <auto Member, auto Value>
inline constexpr assign_t<Member, Value> assign_{};

inline constexpr auto push_val = [](auto& ctx) { _val(ctx).push_back(std::move(_attr(ctx))); };
inline constexpr auto move_val = [](auto& ctx) { _val(ctx) = std::move(_attr(ctx)); };

template <xa::leaf_kind Kind, bool Value>
struct word_literal_t {
  const char* spelling;
  template <typename Context>
  void operator()(Context& ctx) const {
    _val(ctx).kind = Kind;
    _val(ctx).bval = Value;
    _val(ctx).text = spelling;
  }
};

inline constexpr auto set_value = [](auto& ctx) {
  _val(ctx).value = std::move(_attr(ctx));
  _val(ctx).has_value = true;
};
inline constexpr auto set_type = [](auto& ctx) {
  _val(ctx).type = std::move(_attr(ctx));
  _val(ctx).has_type = true;
};
inline constexpr auto set_named_label = [](auto& ctx) {
  _val(ctx).kind = xa::arg::named;
  _val(ctx).label = std::move(_attr(ctx));
};
inline constexpr auto set_alias = [](auto& ctx) {
  _val(ctx).alias = std::move(_attr(ctx));
  _val(ctx).has_alias = true;
};
template <xa::suffix::kind_t Kind>
struct set_suffix_name_t {
  template <typename Context>
  void operator()(Context& ctx) const {
    _val(ctx).kind = Kind;
    _val(ctx).name = std::move(_attr(ctx));
  }
};
template <xa::suffix::kind_t Kind>
inline constexpr set_suffix_name_t<Kind> set_suffix_name{};

// ------------------------------------------------------------ operators
struct mul_op_table : x3::symbols<Op> {
  mul_op_table() { add("*", Op::Mul)("/", Op::Div)("%", Op::Mod); }
};
struct add_op_table : x3::symbols<Op> {
  add_op_table() { add("+", Op::Add)("-", Op::Sub); }
};
struct cmp_op_table : x3::symbols<Op> {
  cmp_op_table() { add("==", Op::Eq)("!=", Op::Ne)("<", Op::Lt)("<=", Op::Le)(">", Op::Gt)(">=", Op::Ge); }
};
inline const mul_op_table mul_op;
inline const add_op_table add_op;
inline const cmp_op_table cmp_op;

// ------------------------------------------------------------ rules
#define SDL_RULE(name, attribute, words)         \
  struct name##_class : annotate_position {};    \
  inline const x3::rule<name##_class, attribute> name = words;

// Tokens.
SDL_RULE(identifier, xa::leaf, "an identifier")
SDL_RULE(label, xa::leaf, "a name")
SDL_RULE(number, xa::leaf, "a number")
SDL_RULE(string_lit, xa::leaf, "a string")
SDL_RULE(word_literal, xa::leaf, "an expression")
SDL_RULE(null_word, xa::leaf, "'null' after 'is'")
SDL_RULE(cmp_tail, xa::op_tail, "a comparison")
SDL_RULE(tuple_index, xa::leaf, "a tuple index")

// Expressions, from the innermost.
SDL_RULE(paren_expr, xa::paren, "an expression")
SDL_RULE(list_expr, xa::list_lit, "an expression")
SDL_RULE(field_init, xa::field_init, "a field")
SDL_RULE(record_expr, xa::record_lit, "an expression")
SDL_RULE(primary, xa::expr, "an expression")
SDL_RULE(named_arg, xa::arg, "an argument")
SDL_RULE(star_arg, xa::arg, "an argument")
SDL_RULE(plain_arg, xa::arg, "an argument")
SDL_RULE(argument, xa::arg, "an argument")
SDL_RULE(call_suffix, xa::suffix, "'('")
SDL_RULE(member, xa::suffix, "a field name or tuple index after '.'")
SDL_RULE(dot_suffix, xa::suffix, "'.'")
SDL_RULE(postfix_expr, xa::postfix, "an expression")
SDL_RULE(negation, xa::unary, "an expression")
SDL_RULE(unary_level, xa::expr, "an expression")
SDL_RULE(multiplicative, xa::chain, "an expression")
SDL_RULE(additive, xa::chain, "an expression")
SDL_RULE(no_chain, x3::unused_type, "!comparison operators cannot be chained; use parentheses")
SDL_RULE(comparison, xa::chain, "an expression")
SDL_RULE(not_expr, xa::unary, "an expression")
SDL_RULE(not_level, xa::expr, "an expression")
SDL_RULE(and_level, xa::chain, "an expression")
SDL_RULE(or_level, xa::chain, "an expression")
SDL_RULE(coalesce_level, xa::chain, "an expression")
SDL_RULE(if_expression, xa::if_expr, "an expression")
SDL_RULE(lambda_params, std::vector<xa::leaf>, "lambda parameters")
SDL_RULE(lambda_expr, xa::lambda, "an expression")
SDL_RULE(nopipe, xa::expr, "an expression")
SDL_RULE(pipe_stage, xa::expr, "an operator after '|>'")
SDL_RULE(pipe_level, xa::chain, "an expression")
SDL_RULE(expression, xa::expr, "an expression")

// Types.
SDL_RULE(type, xa::type_expr, "a type")
SDL_RULE(type_core, xa::type_expr, "a type")
SDL_RULE(named_type, xa::type_expr, "a type")
SDL_RULE(list_type, xa::type_expr, "a type")
SDL_RULE(tuple_type, xa::type_expr, "a type")
SDL_RULE(record_type, xa::type_expr, "a type")

// Declarations.
SDL_RULE(param_decl, xa::decl, "a declaration")
SDL_RULE(config_decl, xa::decl, "a declaration")
SDL_RULE(import_decl, xa::decl, "a declaration")
SDL_RULE(infer_name, xa::leaf, "'infer'")
SDL_RULE(infer_call, xa::postfix, "'infer'")
SDL_RULE(schema_decl, xa::decl, "a declaration")
SDL_RULE(connector, xa::expr, "a connector call")
SDL_RULE(source_decl, xa::decl, "a declaration")
SDL_RULE(table_decl, xa::decl, "a declaration")
SDL_RULE(stream_decl, xa::decl, "a declaration")
SDL_RULE(mode_word, xa::leaf, "a mode (append, update or complete)")
SDL_RULE(sink_clause, xa::sink_clause, "a sink clause")
SDL_RULE(sink_decl, xa::decl, "a declaration")
SDL_RULE(declaration, xa::decl, "a declaration")

#undef SDL_RULE

struct program_class : annotate_position, report_errors {};
struct expression_entry_class : annotate_position, report_errors {};
inline const program_type program = "a program";
inline const expression_entry_type expression_entry = "an expression";

// ------------------------------------------------------------ definitions
// Rules built by semantic actions record their position through `tagged`.
inline constexpr directive_gen<tag_directive, parse_state_tag> tagged{};
inline constexpr directive_gen<nesting_directive, parse_state_tag> nested{};

const auto identifier_def = word_parser(false);
const auto label_def = word_parser(true);
const auto number_def = number_parser{};
const auto string_lit_def = string_parser{};
const auto tuple_index_def = index_parser{};
const auto word_literal_def = tagged[kw("true")[word_literal_t<xa::leaf_kind::bool_lit, true>{"true"}] |
                              kw("false")[word_literal_t<xa::leaf_kind::bool_lit, false>{"false"}] |
                              kw("null")[word_literal_t<xa::leaf_kind::null_lit, false>{"null"}]];

// `(e)` or a tuple `(a, b, …)`; `()` is an error.
const auto paren_expr_def = tagged[lit('(') > (expression[push_<&xa::paren::elems>] % ',') > ')'];
const auto list_expr_def =
    tagged[lit('[') > -(expression[push_<&xa::list_lit::elems>] % ',' >> -lit(',')) > ']'];
const auto field_init_def = label > ':' > expression;
const auto record_expr_def =
    tagged[lit('{') > -(field_init[push_<&xa::record_lit::fields>] % ',' >> -lit(',')) > '}'];
const auto primary_def = number | string_lit | word_literal | paren_expr | list_expr | record_expr | identifier;

// Arguments: `label: e`, `*`, `e` or `e as name`.
const auto named_arg_def = tagged[(label >> ':')[set_named_label] > expression[set_<&xa::arg::value>]];
const auto star_arg_def = tagged[lit('*')[assign_<&xa::arg::kind, xa::arg::star>]];
const auto plain_arg_def = tagged[expression[set_<&xa::arg::value>] >> -(kw("as") > identifier[set_alias])];
const auto argument_def = named_arg | star_arg | plain_arg;

const auto call_suffix_def = tagged[lit('(')[assign_<&xa::suffix::kind, xa::suffix::call>] >
                             -(argument[push_<&xa::suffix::args>] % ',' >> -lit(',')) > ')'];
const auto member_def = tuple_index[set_suffix_name<xa::suffix::index>] |
                        lit('*')[assign_<&xa::suffix::kind, xa::suffix::star>] |
                        label[set_suffix_name<xa::suffix::field>];
const auto dot_suffix_def = lit('.') > member;
const auto postfix_expr_def = primary >> *(call_suffix | dot_suffix);

const auto negation_def = nested[(lit('-') >> !lit('>')) >> attr(Op::Neg) > unary_level];
const auto unary_level_def = negation | postfix_expr;
const auto multiplicative_def = unary_level >> *(mul_op > unary_level);
const auto additive_def = multiplicative >> *((add_op >> !lit('>')) > multiplicative);
const auto null_word_def = tagged[kw("null")[word_literal_t<xa::leaf_kind::null_lit, false>{"null"}]];
// `x is null` and `x is not null` are `x == null` and `x != null` (SQL's
// spelling); `is` is a word of this position only, not a reserved word.
const auto cmp_tail_def = (cmp_op > additive) | (kw("is") >> ((kw("not") >> attr(Op::Ne)) | attr(Op::Eq)) > null_word);
const auto no_chain_def = !(cmp_op | kw("is"));
// Non-associative: `no_chain` stops a second comparison, so the loop runs at most once.
const auto comparison_def = additive >> *(cmp_tail > no_chain);
const auto not_expr_def = nested[kw("not") >> attr(Op::Not) > not_level];
const auto not_level_def = not_expr | comparison;
const auto and_level_def = not_level >> *((kw("and") >> attr(Op::And)) > not_level);
const auto or_level_def = and_level >> *((kw("or") >> attr(Op::Or)) > and_level);
const auto coalesce_level_def = or_level >> *((lit("??") >> attr(Op::Coalesce)) > or_level);
const auto if_expression_def = kw("if") > nopipe > kw("then") > nopipe > kw("else") > nopipe;

// A lambda body is an expression without `|>`: `x -> f(x) |> g` pipes the lambda.
const auto lambda_params_def = identifier[push_val] | (lit('(') >> -(identifier[push_val] % ',') >> ')');
const auto lambda_expr_def = lambda_params >> lit("->") > nopipe;
const auto nopipe_def = nested[lambda_expr | if_expression | coalesce_level];
const auto pipe_stage_def = postfix_expr;
const auto pipe_level_def = nopipe >> *((lit("|>") >> attr(xa::pipe_op)) > pipe_stage);
const auto expression_def = pipe_level;

// Types: a core type and an optional `?`. (A failed `lit` keeps the whitespace
// it skipped; the look-ahead `&` does not, so the type's range ends at the type.)
const auto type_def =
    nested[tagged[type_core[move_val] >> -(&lit('?') >> lit('?')[assign_<&xa::type_expr::optional, true>])]];
const auto type_core_def = named_type | list_type | tuple_type | record_type;
const auto named_type_def = tagged[identifier[set_<&xa::type_expr::name>]];
const auto list_type_def = tagged[lit('[')[assign_<&xa::type_expr::kind, ast::TypeExpr::Kind::List>] >
                           type[push_<&xa::type_expr::elems>] > ']'];
const auto tuple_type_def = tagged[lit('(')[assign_<&xa::type_expr::kind, ast::TypeExpr::Kind::Tuple>] >
                            (type[push_<&xa::type_expr::elems>] % ',') > ')'];
const auto record_type_def =
    tagged[lit('{')[assign_<&xa::type_expr::kind, ast::TypeExpr::Kind::Record>] >
    -((label[push_<&xa::type_expr::labels>] > ':' > type[push_<&xa::type_expr::elems>]) % ',' >> -lit(',')) > '}'];

// Declarations.
template <ast::DeclKind Kind>
inline constexpr assign_t<&xa::decl::kind, Kind> decl_kind{};
template <ast::SinkClause::Kind Kind>
inline constexpr assign_t<&xa::sink_clause::kind, Kind> clause_kind{};

const auto param_decl_def = tagged[kw("param")[decl_kind<ast::DeclKind::Param>] > identifier[set_<&xa::decl::name>] >
                                   ':' > type[set_type] > '=' > expression[set_value]];
const auto config_decl_def = tagged[kw("config")[decl_kind<ast::DeclKind::Config>] > '{' >
                             -(field_init[push_<&xa::decl::entries>] % ',' >> -lit(',')) > '}'];
const auto import_decl_def =
    tagged[kw("import")[decl_kind<ast::DeclKind::Import>] > string_lit[set_<&xa::decl::path>]];
const auto infer_name_def = tagged[kw("infer")[([](auto& ctx) { _val(ctx).text = "infer"; })]];
const auto infer_call_def =
    tagged[infer_name[set_<&xa::postfix::primary>] > call_suffix[push_<&xa::postfix::suffixes>]];
const auto schema_decl_def =
    tagged[kw("schema")[decl_kind<ast::DeclKind::Schema>] > identifier[set_<&xa::decl::name>] >
           named((lit('=') > infer_call[set_value]) | record_type[set_type], "'=' or '{'")];
const auto connector_def = postfix_expr;
const auto source_decl_def = tagged[kw("source")[decl_kind<ast::DeclKind::Source>] >
                                    identifier[set_<&xa::decl::name>] > '=' > connector[set_value]];
const auto table_decl_def = tagged[kw("table")[decl_kind<ast::DeclKind::Table>] > identifier[set_<&xa::decl::name>] >
                                   '=' > connector[set_value]];
const auto stream_decl_def = tagged[kw("stream")[decl_kind<ast::DeclKind::Stream>] >
                                    identifier[set_<&xa::decl::name>] > '=' > expression[set_value]];
const auto mode_word_def = identifier;
const auto sink_clause_def =
    tagged[(kw("mode")[clause_kind<ast::SinkClause::Kind::Mode>] > mode_word[set_<&xa::sink_clause::word>]) |
    (kw("trigger") >
     named((kw("every")[clause_kind<ast::SinkClause::Kind::TriggerEvery>] > nopipe[set_value]) |
               kw("once")[clause_kind<ast::SinkClause::Kind::TriggerOnce>] |
               kw("available_now")[clause_kind<ast::SinkClause::Kind::TriggerAvailableNow>],
           "'every', 'once' or 'available_now'")) |
    (kw("checkpoint")[clause_kind<ast::SinkClause::Kind::Checkpoint>] > string_lit[set_value])];
const auto sink_decl_def = tagged[kw("sink")[decl_kind<ast::DeclKind::Sink>] > identifier[set_<&xa::decl::name>] >
                           lit("->") > connector[set_value] > *sink_clause[push_<&xa::decl::clauses>]];
const auto declaration_def =
    param_decl | config_decl | import_decl | schema_decl | source_decl | table_decl | stream_decl | sink_decl;

const auto program_def =
    *declaration > named(eoi, "a declaration (param, config, import, schema, source, table, stream or sink)");
const auto expression_entry_def = x3::eps > expression > named(eoi, "end of input");

BOOST_SPIRIT_DEFINE(identifier, label, number, string_lit, word_literal, tuple_index, paren_expr, list_expr,
                    field_init, record_expr, primary, named_arg, star_arg, plain_arg, argument, call_suffix, member,
                    dot_suffix, postfix_expr, negation, unary_level, multiplicative, additive, null_word, cmp_tail, no_chain, comparison,
                    not_expr, not_level, and_level, or_level, coalesce_level, if_expression, lambda_params,
                    lambda_expr, nopipe, pipe_stage, pipe_level, expression)
BOOST_SPIRIT_DEFINE(type, type_core, named_type, list_type, tuple_type, record_type)
BOOST_SPIRIT_DEFINE(param_decl, config_decl, import_decl, infer_name, infer_call, schema_decl, connector, source_decl,
                    table_decl, stream_decl, mode_word, sink_clause, sink_decl, declaration, program,
                    expression_entry)

}  // namespace streamc::syntax::grammar
