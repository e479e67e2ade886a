#include "codegen/cpp_types.hpp"

#include <fmt/format.h>

namespace streamc::codegen {

using sema::Type;
using sema::TypeRef;
using K = Type::Kind;

namespace {
// Identity of a record type: its structure, not its schema label, so that a
// select producing the same columns as a schema shares its struct.
std::string structural_key(const TypeRef& t) {
  switch (t->kind) {
    case K::List: return "[" + structural_key(t->elements[0]) + "]";
    case K::Optional: return structural_key(t->elements[0]) + "?";
    case K::Tuple: {
      std::string s = "(";
      for (const auto& e : t->elements) s += structural_key(e) + ",";
      return s + ")";
    }
    case K::Record: {
      std::string s = "{";
      for (size_t i = 0; i < t->fields.size(); ++i) s += t->fields[i] + ":" + structural_key(t->elements[i]) + ",";
      return s + "}";
    }
    default: return sema::to_string(t);
  }
}
}  // namespace

std::string CppTypes::of(const TypeRef& t) {
  switch (t->kind) {
    case K::Bool: return "bool";
    case K::Int: return "int64_t";
    case K::Float: return "double";
    case K::String: return "std::string_view";
    case K::Timestamp: return "rt::Timestamp";
    case K::Duration: return "rt::Duration";
    case K::List: return "std::vector<" + of(t->elements[0]) + ">";
    case K::Optional: return "std::optional<" + of(t->elements[0]) + ">";
    case K::Tuple: {
      std::string s = "std::tuple<";
      for (size_t i = 0; i < t->elements.size(); ++i) s += (i ? ", " : "") + of(t->elements[i]);
      return s + ">";
    }
    case K::Record: return record(t);
    case K::Null: return "std::optional<std::string_view>";
    default: return "void";
  }
}

std::string CppTypes::record(const TypeRef& t) {
  std::string key = structural_key(t);
  auto it = records_.find(key);
  if (it != records_.end()) return it->second;
  // Field types first, so nested structs are declared before this one.
  std::vector<std::string> field_types;
  for (const auto& e : t->elements) field_types.push_back(of(e));
  std::string name = t->name.empty() ? fmt::format("R{}", counter_++) : "S_" + t->name;
  for (const auto& [k, existing] : records_)
    if (existing == name) name += fmt::format("_{}", counter_++);
  records_.emplace(key, name);

  std::string s = fmt::format("struct {} {{\n", name);
  for (size_t i = 0; i < t->fields.size(); ++i) s += fmt::format("  {} {}{{}};\n", field_types[i], member(t->fields[i]));
  s += fmt::format("  static constexpr std::array<std::string_view, {}> field_names{{", t->fields.size());
  for (size_t i = 0; i < t->fields.size(); ++i) s += fmt::format("{}\"{}\"", i ? ", " : "", t->fields[i]);
  s += "};\n  template <class F>\n  void for_each_field(F&& f) const {\n";
  for (const auto& field : t->fields) s += fmt::format("    f(std::string_view(\"{}\"), {});\n", field, member(field));
  s += "  }\n";
  // Mutable access for loading state from a checkpoint (serialize.hpp).
  s += "  template <class F>\n  void for_each_field_mut(F&& f) {\n";
  for (const auto& field : t->fields) s += fmt::format("    f(std::string_view(\"{}\"), {});\n", field, member(field));
  s += "  }\n";
  s += fmt::format("  friend bool operator==(const {0}&, const {0}&) = default;\n", name);
  s += "};\n";
  // Hashable, so records can be keys (drop_duplicates, grouping on a record).
  s += fmt::format("template <class H>\nH AbslHashValue(H h, const {}& r) {{\n  return H::combine(std::move(h)", name);
  for (const auto& field : t->fields) s += ", r." + member(field);
  s += ");\n}\n\n";
  declarations_ += s;
  return name;
}

}  // namespace streamc::codegen
