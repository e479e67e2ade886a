// What the grammar's rule-ID classes do on success and on failure.
//
// On success a rule records where its node starts and ends in the position
// cache (`annotate_position`); the lowering reads them back as SourceRanges.
// On an expectation failure the top rules report "expected <rule name>"
// (`report_errors`): rules are named in words a user understands ("an
// expression", "a type", "')'"), so the name is the message.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>

#include "diag/source_file.hpp"

namespace streamc::syntax {

namespace x3 = boost::spirit::x3;

struct parse_state_tag;

// Everything one parse shares through the X3 context.
class parse_state {
 public:
  parse_state(const char* first, const char* last) : first_(first), last_(last), positions_(first, last) {}

  template <typename Node>
  void annotate(Node& node, const char* first, const char* last) {
    positions_.annotate(node, first, last);
  }
  SourceRange range_of(const x3::position_tagged& node) const {
    auto r = positions_.position_of(node);
    return {offset(r.begin()), offset(r.end())};
  }
  uint32_t offset(const char* p) const { return static_cast<uint32_t>(p - first_); }
  const char* first() const { return first_; }
  const char* last() const { return last_; }

  // The first failure wins; a parse reports exactly one.
  void fail(const char* first, const char* last, std::string message);
  // An expectation failure at `where` for the parser named `which`.
  void expected(const char* where, const std::string& which);

  // Expressions (and types) nested in one another: past kMaxNesting levels
  // the parse fails here, rather than recursing until the stack runs out.
  static constexpr int kMaxNesting = 200;
  bool enter_nesting(const char* at) {
    if (depth_ < kMaxNesting) {
      ++depth_;
      return true;
    }
    fail(at, at + 1 <= last_ ? at + 1 : at,
         "nested more than " + std::to_string(kMaxNesting) + " levels deep (parentheses, lists, records, types, "
         "'not' or '-')");
    return false;
  }
  void leave_nesting() { --depth_; }

  bool failed() const { return failed_; }
  SourceRange error_range() const { return error_range_; }
  const std::string& error_message() const { return error_message_; }

 private:
  const char* first_;
  const char* last_;
  x3::position_cache<std::vector<const char*>> positions_;
  bool failed_ = false;
  int depth_ = 0;
  SourceRange error_range_;
  std::string error_message_;
};

struct annotate_position {
  template <typename Node, typename Iterator, typename Context>
  void on_success(Iterator const& first, Iterator const& last, Node& node, Context const& context) const {
    if constexpr (std::is_base_of_v<x3::position_tagged, Node>)
      x3::get<parse_state_tag>(context).annotate(node, first, last);
  }
};

struct report_errors {
  template <typename Iterator, typename Exception, typename Context>
  x3::error_handler_result on_error(Iterator&, Iterator const&, Exception const& x, Context const& context) const {
    x3::get<parse_state_tag>(context).expected(x.where(), x.which());
    return x3::error_handler_result::fail;
  }
};

}  // namespace streamc::syntax
