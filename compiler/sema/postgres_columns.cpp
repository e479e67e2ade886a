#include "sema/postgres_columns.hpp"

namespace streamc::sema {
namespace {

using K = Type::Kind;

bool is_window(const TypeRef& t) {
  return t->is(K::Record) && t->fields.size() == 2 && t->fields[0] == "start" && t->fields[1] == "end" &&
         t->elements[0]->is(K::Timestamp) && t->elements[1]->is(K::Timestamp);
}

const char* sql_type(const TypeRef& t) {
  switch (t->kind) {
    case K::Int: return "bigint";
    case K::Float: return "double precision";
    case K::Bool: return "boolean";
    case K::Timestamp: return "timestamptz";
    case K::Duration: return "interval";
    case K::List:
    case K::Tuple:
    case K::Record: return "jsonb";
    default: return "text";
  }
}

void add_column(std::vector<PostgresColumn>& out, const std::string& name, const TypeRef& type) {
  bool nullable = type->is(K::Optional) || type->is(K::Null);
  TypeRef t = type->is(K::Optional) ? type->elements[0] : type;
  if (is_window(t)) {
    for (const char* part : {"start", "end"})
      out.push_back({name + "_" + part, "timestamptz", nullable, to_string(type) + "." + part, name});
    return;
  }
  out.push_back({name, sql_type(t), nullable, to_string(type), name});
}

}  // namespace

std::vector<PostgresColumn> postgres_columns(const TypeRef& row) {
  std::vector<PostgresColumn> out;
  if (row->is(K::Record)) {
    for (size_t i = 0; i < row->fields.size(); ++i) add_column(out, row->fields[i], row->elements[i]);
  } else if (row->is(K::Tuple)) {
    for (size_t i = 0; i < row->elements.size(); ++i) add_column(out, "_" + std::to_string(i + 1), row->elements[i]);
  } else {
    add_column(out, "value", row);
  }
  return out;
}

bool postgres_table_column_type(const TypeRef& type) {
  TypeRef t = type->is(K::Optional) ? type->elements[0] : type;
  return t->is(K::Int) || t->is(K::Float) || t->is(K::String) || t->is(K::Bool) || t->is(K::Timestamp);
}

}  // namespace streamc::sema
