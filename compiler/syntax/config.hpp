// The one iterator and context type the grammar is instantiated for.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include "syntax/error_handler.hpp"
#include "syntax/tokens.hpp"

namespace streamc::syntax {

using iterator_type = const char*;
using phrase_context_type = x3::phrase_parse_context<skipper_parser>::type;
using context_type = x3::context<parse_state_tag, parse_state, phrase_context_type>;

}  // namespace streamc::syntax
