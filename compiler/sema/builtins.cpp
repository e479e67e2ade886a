#include "sema/builtins.hpp"

#include <algorithm>

namespace streamc::sema {

const std::vector<Builtin>& builtins() {
  using namespace types;
  static const std::vector<Builtin> table = {
      {"split", {string(), string()}, list(string()), "streamc::stdlib::split", false,
       "split(s, sep): the pieces of s between occurrences of sep (empty pieces kept)"},
      {"lower", {string()}, string(), "streamc::stdlib::lower", true, "lower(s): s in lower case (ASCII)"},
      {"upper", {string()}, string(), "streamc::stdlib::upper", true, "upper(s): s in upper case (ASCII)"},
      {"trim", {string()}, string(), "streamc::stdlib::trim", false, "trim(s): s without leading and trailing whitespace"},
      {"length", {string()}, integer(), "streamc::stdlib::length", false, "length(s): the number of characters (code points) in s"},
      {"contains", {string(), string()}, boolean(), "streamc::stdlib::contains", false, "contains(s, part): whether part occurs in s"},
      {"to_int", {string()}, integer(), "streamc::stdlib::to_int", false,
       "to_int(s): s as an integer; a record whose s is not a number is rejected (on_error)"},
      {"to_int", {floating()}, integer(), "streamc::stdlib::to_int", false, "to_int(x): x truncated toward zero"},
      {"to_float", {string()}, floating(), "streamc::stdlib::to_float", false,
       "to_float(s): s as a float; a record whose s is not a number is rejected (on_error)"},
      {"to_float", {integer()}, floating(), "streamc::stdlib::to_float", false, "to_float(n): n as a float"},
      {"to_string", {integer()}, string(), "streamc::stdlib::to_string", true, "to_string(x): x as text"},
      {"to_string", {floating()}, string(), "streamc::stdlib::to_string", true, "to_string(x): x as text"},
      {"to_string", {boolean()}, string(), "streamc::stdlib::to_string", true, "to_string(x): x as text"},
      {"to_string", {string()}, string(), "streamc::stdlib::to_string", true, "to_string(x): x as text"},
  };
  return table;
}

std::vector<const Builtin*> builtin_overloads(std::string_view name) {
  std::vector<const Builtin*> out;
  for (const auto& b : builtins())
    if (b.name == name) out.push_back(&b);
  return out;
}

namespace {
bool in(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}
}  // namespace

bool is_future_operator(std::string_view name) {
  return in(name, {"select", "explode", "window", "reduce_by_key_and_window", "count_by_window", "group_by",
                   "aggregate", "update_state_by_key", "drop_duplicates", "watermark", "join"});
}

bool is_future_function(std::string_view name) {
  return in(name, {"substr", "starts_with", "ends_with", "replace", "regex_match", "regex_extract", "concat", "format",
                   "abs", "round", "floor", "ceil", "sqrt", "pow", "min", "max", "now", "to_timestamp",
                   "from_unixtime", "unix_timestamp", "date_trunc", "format_timestamp", "year", "month", "day",
                   "hour", "hash", "coalesce", "window", "session_window", "sum", "avg", "first", "last",
                   "count_distinct", "approx_count_distinct", "collect_list", "infer"});
}

const std::vector<std::string>& operator_names() {
  static const std::vector<std::string> names = {
      "map", "flat_map", "filter", "union", "reduce_by_key", "count_by_value", "reduce", "count",
      "select", "explode", "window", "reduce_by_key_and_window", "count_by_window", "group_by",
      "aggregate", "update_state_by_key", "drop_duplicates", "watermark", "join"};
  return names;
}

}  // namespace streamc::sema
