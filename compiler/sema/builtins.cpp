#include "sema/builtins.hpp"

#include <algorithm>
#include <stdexcept>

#include "sema/signature_text.hpp"

namespace streamc::sema {

// The table generated from stdlib/ at build time (stdlib_signatures.cpp).
extern const char kStdlibSignatures[];

const std::vector<FunctionRef>& builtins() {
  static const std::vector<FunctionRef> table = [] {
    std::vector<Function> functions;
    std::string error;
    if (!read_functions(kStdlibSignatures, functions, error))
      throw std::logic_error("streamc was built with a malformed stdlib signature table: " + error);
    std::vector<FunctionRef> out;
    for (auto& f : functions) {
      f.builtin = true;
      out.push_back(std::make_shared<const Function>(std::move(f)));
    }
    return out;
  }();
  return table;
}

std::vector<FunctionRef> builtin_overloads(std::string_view name) {
  std::vector<FunctionRef> out;
  for (const auto& b : builtins())
    if (b->name == name) out.push_back(b);
  return out;
}

std::string sdl_signature(const Function& f) {
  std::string sig = f.name + "(";
  for (size_t k = 0; k < f.params.size(); ++k) sig += (k ? ", " : "") + to_string(f.params[k]);
  return sig + ") -> " + (f.result ? to_string(f.result) : std::string("nothing"));
}

namespace {
bool in(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}
}  // namespace

bool is_future_operator(std::string_view name) {
  return in(name, {"select", "explode", "window", "reduce_by_key_and_window", "count_by_window", "group_by",
                   "aggregate", "update_state_by_key", "drop_duplicates", "drop_duplicates_within_watermark",
                   "watermark", "join"});
}

bool is_future_function(std::string_view name) {
  // Aggregates, window keys and schema inference.
  return in(name, {"window", "session_window", "avg", "first", "last",
                   "count_distinct", "approx_count_distinct", "collect_list", "infer"});
}

const std::vector<std::string>& operator_names() {
  static const std::vector<std::string> names = {
      "map", "flat_map", "filter", "union", "reduce_by_key", "count_by_value", "reduce", "count",
      "select", "explode", "window", "reduce_by_key_and_window", "count_by_window", "group_by",
      "aggregate", "update_state_by_key", "drop_duplicates", "drop_duplicates_within_watermark", "watermark", "join"};
  return names;
}

}  // namespace streamc::sema
