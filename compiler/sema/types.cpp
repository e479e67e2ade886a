#include "sema/types.hpp"

namespace streamc::sema {

namespace {
TypeRef make(Type::Kind k) {
  auto t = std::make_shared<Type>();
  t->kind = k;
  return t;
}
}  // namespace

namespace types {
TypeRef error() { static TypeRef t = make(Type::Kind::Error); return t; }
TypeRef null() { static TypeRef t = make(Type::Kind::Null); return t; }
TypeRef boolean() { static TypeRef t = make(Type::Kind::Bool); return t; }
TypeRef integer() { static TypeRef t = make(Type::Kind::Int); return t; }
TypeRef floating() { static TypeRef t = make(Type::Kind::Float); return t; }
TypeRef string() { static TypeRef t = make(Type::Kind::String); return t; }
TypeRef timestamp() { static TypeRef t = make(Type::Kind::Timestamp); return t; }
TypeRef duration() { static TypeRef t = make(Type::Kind::Duration); return t; }

TypeRef list(TypeRef element) {
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::List;
  t->elements.push_back(std::move(element));
  return t;
}
TypeRef tuple(std::vector<TypeRef> elements) {
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::Tuple;
  t->elements = std::move(elements);
  return t;
}
TypeRef optional(TypeRef element) {
  if (element->is(Type::Kind::Optional)) return element;
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::Optional;
  t->elements.push_back(std::move(element));
  return t;
}
TypeRef record(std::vector<std::string> fields, std::vector<TypeRef> field_types, std::string name) {
  auto t = std::make_shared<Type>();
  t->kind = Type::Kind::Record;
  t->fields = std::move(fields);
  t->elements = std::move(field_types);
  t->name = std::move(name);
  return t;
}
}  // namespace types

TypeRef group_state_param(TypeRef state) {
  return types::record({"streamc_group_state"}, {types::optional(std::move(state))});
}

TypeRef group_state_of(const TypeRef& t) {
  if (!t || !t->is(Type::Kind::Record) || t->fields.size() != 1 || t->fields[0] != "streamc_group_state") return nullptr;
  return t->elements[0]->elements[0];
}

bool same_type(const TypeRef& a, const TypeRef& b) {
  if (a == b) return true;
  if (a->kind != b->kind || a->elements.size() != b->elements.size() || a->fields != b->fields) return false;
  for (size_t i = 0; i < a->elements.size(); ++i)
    if (!same_type(a->elements[i], b->elements[i])) return false;
  return true;
}

TypeRef unify(const TypeRef& a, const TypeRef& b) {
  if (a->is_error()) return b;
  if (b->is_error()) return a;
  if (same_type(a, b)) return a;
  if (a->is_numeric() && b->is_numeric()) return types::floating();
  if (a->kind == b->kind && (a->kind == Type::Kind::List || a->kind == Type::Kind::Tuple) &&
      a->elements.size() == b->elements.size()) {
    std::vector<TypeRef> elems;
    for (size_t i = 0; i < a->elements.size(); ++i) {
      TypeRef u = unify(a->elements[i], b->elements[i]);
      if (!u) return nullptr;
      elems.push_back(u);
    }
    return a->kind == Type::Kind::List ? types::list(elems[0]) : types::tuple(elems);
  }
  if (a->is(Type::Kind::Null)) return types::optional(b);
  if (b->is(Type::Kind::Null)) return types::optional(a);
  return nullptr;
}

bool is_hashable(const TypeRef& t) {
  switch (t->kind) {
    case Type::Kind::Bool:
    case Type::Kind::Int:
    case Type::Kind::Float:
    case Type::Kind::String:
    case Type::Kind::Timestamp:
    case Type::Kind::Duration: return true;
    case Type::Kind::Tuple:
      for (const auto& e : t->elements)
        if (!is_hashable(e)) return false;
      return true;
    default: return false;
  }
}

std::string to_string(const TypeRef& t) {
  switch (t->kind) {
    case Type::Kind::Error: return "<error>";
    case Type::Kind::Null: return "null";
    case Type::Kind::Bool: return "bool";
    case Type::Kind::Int: return "int";
    case Type::Kind::Float: return "float";
    case Type::Kind::String: return "string";
    case Type::Kind::Timestamp: return "timestamp";
    case Type::Kind::Duration: return "duration";
    case Type::Kind::List: return "[" + to_string(t->elements[0]) + "]";
    case Type::Kind::Optional: return to_string(t->elements[0]) + "?";
    case Type::Kind::Tuple: {
      std::string s = "(";
      for (size_t i = 0; i < t->elements.size(); ++i) s += (i ? ", " : "") + to_string(t->elements[i]);
      return s + ")";
    }
    case Type::Kind::Record: {
      if (!t->name.empty()) return t->name;
      std::string s = "{";
      for (size_t i = 0; i < t->elements.size(); ++i) s += (i ? ", " : "") + t->fields[i] + ": " + to_string(t->elements[i]);
      return s + "}";
    }
  }
  return "?";
}

}  // namespace streamc::sema
