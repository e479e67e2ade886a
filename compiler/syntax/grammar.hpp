// The SDL grammar's entry rules (defined in grammar_def.hpp, instantiated in
// grammar.cpp for config.hpp's iterator and context).
#pragma once

#include <vector>

#include <boost/spirit/home/x3.hpp>

#include "syntax/ast_x3.hpp"

namespace streamc::syntax {
namespace grammar {

namespace x3 = boost::spirit::x3;

struct program_class;
struct expression_entry_class;
using program_type = x3::rule<program_class, std::vector<x3ast::decl>>;
using expression_entry_type = x3::rule<expression_entry_class, x3ast::expr>;
BOOST_SPIRIT_DECLARE(program_type, expression_entry_type)

}  // namespace grammar

// A whole program, then end of input.
const grammar::program_type& program_parser();
// One expression, then end of input.
const grammar::expression_entry_type& expression_parser();

}  // namespace streamc::syntax
