// One JSON string writer for the runtime and the compiler (its diagnostics
// as JSON lines and its language server link it through streamc_text):
// `s` quoted and escaped, always valid JSON whatever bytes it holds.
#pragma once

#include <string>
#include <string_view>

namespace streamc::rt {

// Appends `s` as a JSON string literal, quotes included: '"' and '\\'
// escaped, \n \r \t \b \f by name, other control characters as \u00XX; an
// ill-formed UTF-8 sequence becomes U+FFFD (one per maximal valid prefix,
// as Unicode advises). Text with nothing to escape is copied whole.
void append_json_string(std::string& out, std::string_view s);

}  // namespace streamc::rt
