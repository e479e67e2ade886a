// SDL's built-in regular expressions, with RE2 (linear time, no
// backtracking blow-ups on hostile input; the syntax is RE2's, close to
// Perl's without backreferences). Compiled patterns are cached per thread, so
// a literal pattern is compiled once, not once per record.
// streamc-link: -l:libre2.a
#pragma once

#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "streamc/runtime/values.hpp"
#include "streamc/udf.hpp"

namespace streamc::stdlib {

namespace detail {

inline const re2::RE2& compiled(std::string_view pattern) {
  thread_local std::unordered_map<std::string, std::unique_ptr<re2::RE2>> cache;
  auto it = cache.find(std::string(pattern));
  if (it != cache.end()) return *it->second;
  if (cache.size() >= 256) cache.clear();  // many distinct patterns: start over rather than grow
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re->ok())
    throw rt::RecordError("invalid regular expression '" + std::string(pattern) + "': " + re->error());
  return *cache.emplace(std::string(pattern), std::move(re)).first->second;
}

}  // namespace detail

/// regex_match(s, pattern): whether the whole of s matches the regular
/// expression (RE2 syntax); use ".*x.*" to look for x anywhere. An invalid
/// pattern rejects the record.
STREAMC_UDF inline bool regex_match(std::string_view s, std::string_view pattern) {
  return re2::RE2::FullMatch(re2::StringPiece(s.data(), s.size()), detail::compiled(pattern));
}

/// regex_extract(s, pattern, group): the text of capture group `group` (0: the
/// whole match) in the first match of pattern in s, as Spark's regexp_extract;
/// "" when nothing matches. A group the pattern does not have rejects the record.
STREAMC_UDF inline std::string_view regex_extract(std::string_view s, std::string_view pattern, int64_t group) {
  const re2::RE2& re = detail::compiled(pattern);
  if (group < 0 || group > re.NumberOfCapturingGroups())
    throw rt::RecordError("regex_extract: the pattern '" + std::string(pattern) + "' has " +
                          std::to_string(re.NumberOfCapturingGroups()) + " groups, not " + std::to_string(group));
  re2::StringPiece groups[16];
  std::unique_ptr<re2::StringPiece[]> many;
  re2::StringPiece* out = groups;
  if (group >= 16) {
    many = std::make_unique<re2::StringPiece[]>(static_cast<size_t>(group) + 1);
    out = many.get();
  }
  re2::StringPiece text(s.data(), s.size());
  if (!re.Match(text, 0, text.size(), re2::RE2::UNANCHORED, out, static_cast<int>(group) + 1)) return {};
  const re2::StringPiece& g = out[group];
  if (g.data() == nullptr) return {};
  return std::string_view(g.data(), g.size());
}

/// regex_extract(s, pattern): regex_extract(s, pattern, 1), the first group, as
/// Spark's default.
STREAMC_UDF inline std::string_view regex_extract(std::string_view s, std::string_view pattern) {
  return regex_extract(s, pattern, 1);
}

}  // namespace streamc::stdlib
