// The lexical grammar of SDL as Spirit X3 primitive parsers.
//
// X3 has no separate lexer; these parsers scan one token each (after skipping
// whitespace and comments) with the hand-written scanners of tokens.cpp, so
// that literals are decoded once and lexical errors (a bad escape, `5min`, an
// unterminated comment) are reported exactly where they are, whatever rule
// was trying the token.
#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include <boost/spirit/home/x3.hpp>

#include "syntax/ast_x3.hpp"

namespace streamc::syntax {

namespace x3 = boost::spirit::x3;

// A lexical error: always fatal, whatever alternative the parser was trying.
struct syntax_error {
  const char* first;
  const char* last;
  std::string message;
};

inline bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
inline bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_keyword(std::string_view word);

// First position at or after `p` that is not whitespace or a comment. Throws
// syntax_error on an unterminated `/*` comment unless `nothrow`.
const char* skip_space(const char* p, const char* end, bool nothrow = false);

// Scanners: `p` is at the first character of the token; each fills `out` and
// returns the end of the token, or throws syntax_error.
const char* scan_number(const char* p, const char* end, x3ast::leaf& out);  // at a digit
const char* scan_string(const char* p, const char* end, x3ast::leaf& out);  // at '"'
const char* scan_index(const char* p, const char* end, x3ast::leaf& out);   // at a digit: `t.0`

// The end of the token starting at `p`, for pointing diagnostics at it.
const char* token_end(const char* p, const char* end);

// ------------------------------------------------------------------ parsers

// The token parsers below leave `first` alone when they fail (X3's own
// primitives leave it after the skipped whitespace), so that a rule ending
// in an optional token does not stretch its range over trailing space.

// Whitespace, `// …` and `/* … */`.
struct skipper_parser : x3::parser<skipper_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;

  template <typename Context, typename RContext, typename Attribute>
  bool parse(const char*& first, const char* const& last, Context const&, RContext&, Attribute&) const {
    const char* p = skip_space(first, last);
    if (p == first) return false;
    first = p;
    return true;
  }
};

// An identifier; with `allow_keywords`, any word (named-argument labels, field names).
struct word_parser : x3::parser<word_parser> {
  using attribute_type = x3ast::leaf;
  bool allow_keywords = false;
  explicit word_parser(bool allow = false) : allow_keywords(allow) {}

  template <typename Context, typename RContext, typename Attribute>
  bool parse(const char*& first, const char* const& last, Context const& context, RContext&, Attribute& attr) const {
    const char* start = first;
    x3::skip_over(start, last, context);
    if (start == last || !is_ident_start(*start)) return false;
    const char* p = start;
    while (p != last && is_ident_char(*p)) ++p;
    std::string_view word(start, p - start);
    if (!allow_keywords && is_keyword(word)) return false;
    x3ast::leaf l;
    l.text = std::string(word);
    x3::traits::move_to(std::move(l), attr);
    first = p;
    return true;
  }
};

// A keyword: the word not followed by an identifier character.
struct keyword_parser : x3::parser<keyword_parser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  const char* word;

  template <typename Context, typename RContext, typename Attribute>
  bool parse(const char*& first, const char* const& last, Context const& context, RContext&, Attribute&) const {
    const char* start = first;
    x3::skip_over(start, last, context);
    size_t n = std::strlen(word);
    if (static_cast<size_t>(last - start) < n || std::memcmp(start, word, n) != 0) return false;
    if (start + n != last && is_ident_char(start[n])) return false;
    first = start + n;
    return true;
  }
};

// A token scanned by one of the scanners above, started by `start`.
template <const char* (*Scan)(const char*, const char*, x3ast::leaf&), bool (*Start)(char)>
struct scanned_parser : x3::parser<scanned_parser<Scan, Start>> {
  using attribute_type = x3ast::leaf;

  template <typename Context, typename RContext, typename Attribute>
  bool parse(const char*& first, const char* const& last, Context const& context, RContext&, Attribute& attr) const {
    const char* start = first;
    x3::skip_over(start, last, context);
    if (start == last || !Start(*start)) return false;
    x3ast::leaf l;
    const char* p = Scan(start, last, l);
    x3::traits::move_to(std::move(l), attr);
    first = p;
    return true;
  }
};

inline bool is_quote(char c) { return c == '"'; }
using number_parser = scanned_parser<scan_number, is_digit>;
using string_parser = scanned_parser<scan_string, is_quote>;
using index_parser = scanned_parser<scan_index, is_digit>;

// Gives any parser a name for "expected …" messages (X3 names only rules and literals).
template <typename Subject>
struct named_parser : x3::unary_parser<Subject, named_parser<Subject>> {
  using base_type = x3::unary_parser<Subject, named_parser<Subject>>;
  static bool const is_pass_through_unary = true;
  const char* name;
  named_parser(Subject const& subject, const char* n) : base_type(subject), name(n) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext, Attribute& attr) const {
    return this->subject.parse(first, last, context, rcontext, attr);
  }
};

template <typename P>
named_parser<typename x3::extension::as_parser<P>::value_type> named(P const& p, const char* name) {
  return {x3::as_parser(p), name};
}

// Records the rule's own attribute (the `rcontext` X3 passes down) in the
// position cache. X3 calls on_success with an unused attribute for rules
// that use semantic actions, so those rules wrap their right-hand side in
// `tagged[…]` instead of relying on annotate_position.
template <typename Tag, typename Subject>
struct tag_directive : x3::unary_parser<Subject, tag_directive<Tag, Subject>> {
  using base_type = x3::unary_parser<Subject, tag_directive<Tag, Subject>>;
  static bool const is_pass_through_unary = true;
  explicit tag_directive(Subject const& subject) : base_type(subject) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext, Attribute& attr) const {
    Iterator begin = first;
    x3::skip_over(begin, last, context);
    if (!this->subject.parse(first, last, context, rcontext, attr)) return false;
    if constexpr (std::is_base_of_v<x3::position_tagged, RContext>)
      x3::get<Tag>(context).annotate(rcontext, begin, first);
    return true;
  }
};

// One level of nesting (parse_state::enter_nesting): the rules on every
// recursive path of the grammar wrap their right-hand side in `nested[…]`,
// so a deep enough input is one error, not a stack overflow (a fuzzer's 929
// parentheses overflowed it).
template <typename Tag, typename Subject>
struct nesting_directive : x3::unary_parser<Subject, nesting_directive<Tag, Subject>> {
  using base_type = x3::unary_parser<Subject, nesting_directive<Tag, Subject>>;
  static bool const is_pass_through_unary = true;
  explicit nesting_directive(Subject const& subject) : base_type(subject) {}

  template <typename Iterator, typename Context, typename RContext, typename Attribute>
  bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext, Attribute& attr) const {
    auto& state = x3::get<Tag>(context);
    Iterator at = first;
    x3::skip_over(at, last, context);
    if (!state.enter_nesting(at)) return false;
    struct Leave {
      decltype(state)& s;
      ~Leave() { s.leave_nesting(); }
    } leave{state};
    return this->subject.parse(first, last, context, rcontext, attr);
  }
};

// `name[subject]` for a directive of the two above.
template <template <typename, typename> class Directive, typename Tag>
struct directive_gen {
  template <typename Subject>
  Directive<Tag, typename x3::extension::as_parser<Subject>::value_type> operator[](Subject const& s) const {
    return Directive<Tag, typename x3::extension::as_parser<Subject>::value_type>(x3::as_parser(s));
  }
};

inline keyword_parser kw(const char* word) {
  keyword_parser k;
  k.word = word;
  return k;
}

}  // namespace streamc::syntax

namespace boost::spirit::x3 {
template <>
struct get_info<streamc::syntax::keyword_parser> {
  using result_type = std::string;
  std::string operator()(streamc::syntax::keyword_parser const& p) const { return std::string("'") + p.word + "'"; }
};
// A parser with a semantic action, or a list `a % ','`, is named after its subject.
template <typename Subject, typename Action>
struct get_info<action<Subject, Action>> {
  using result_type = std::string;
  std::string operator()(action<Subject, Action> const& p) const { return what(p.subject); }
};
template <typename Left, typename Right>
struct get_info<list<Left, Right>> {
  using result_type = std::string;
  std::string operator()(list<Left, Right> const& p) const { return what(p.left); }
};
template <typename Subject>
struct get_info<streamc::syntax::named_parser<Subject>> {
  using result_type = std::string;
  std::string operator()(streamc::syntax::named_parser<Subject> const& p) const { return p.name; }
};
}  // namespace boost::spirit::x3
