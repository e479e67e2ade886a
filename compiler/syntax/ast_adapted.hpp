// Fusion adaptation of the X3 attribute structs whose rules fill them by
// automatic attribute propagation (the others are filled by semantic actions).
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "syntax/ast_x3.hpp"

BOOST_FUSION_ADAPT_STRUCT(streamc::syntax::x3ast::field_init, label, value)
BOOST_FUSION_ADAPT_STRUCT(streamc::syntax::x3ast::lambda, params, body)
BOOST_FUSION_ADAPT_STRUCT(streamc::syntax::x3ast::if_expr, cond, then_branch, else_branch)
BOOST_FUSION_ADAPT_STRUCT(streamc::syntax::x3ast::unary, op, operand)
BOOST_FUSION_ADAPT_STRUCT(streamc::syntax::x3ast::op_tail, op, rhs)
BOOST_FUSION_ADAPT_STRUCT(streamc::syntax::x3ast::chain, first, rest)
BOOST_FUSION_ADAPT_STRUCT(streamc::syntax::x3ast::postfix, primary, suffixes)
