// Instantiates the grammar for the one iterator and context of config.hpp.
// All of Spirit's template work for SDL happens in this translation unit.
#include "syntax/config.hpp"
#include "syntax/grammar.hpp"
#include "syntax/grammar_def.hpp"

namespace streamc::syntax {
namespace grammar {
BOOST_SPIRIT_INSTANTIATE(program_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(expression_entry_type, iterator_type, context_type)
}  // namespace grammar

const grammar::program_type& program_parser() { return grammar::program; }
const grammar::expression_entry_type& expression_parser() { return grammar::expression_entry; }

}  // namespace streamc::syntax
