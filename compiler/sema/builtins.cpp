#include "sema/builtins.hpp"

#include <algorithm>
#include <stdexcept>

#include "sema/registry.hpp"
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

const std::vector<std::string>& operator_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& op : operators())
      if (op.kind != OperatorKind::GroupKey) out.emplace_back(op.name);
    return out;
  }();
  return names;
}

}  // namespace streamc::sema
