// The columns of a PostgreSQL table that holds rows of a given SDL type: a
// record's fields, a tuple's _1, _2, …, or `value`; each typed for CREATE
// TABLE (int bigint, float double precision, string text, bool boolean,
// timestamp timestamptz, duration interval, lists/tuples/records jsonb,
// optionals nullable); a window {start, end} becomes <name>_start and
// <name>_end. The checker uses it for `key:`, the code generator for the
// sink's table (runtime: streamc/runtime/postgres.hpp).
#pragma once

#include <string>
#include <vector>

#include "sema/types.hpp"

namespace streamc::sema {

struct PostgresColumn {
  std::string name;
  std::string sql_type;
  bool nullable = false;
  std::string sdl_type;  // how the row's field reads in SDL: "int", "string?"
  std::string field;     // the row's column it comes from ("window" for window_start)
};

std::vector<PostgresColumn> postgres_columns(const TypeRef& row);

// The types a column of a `table t = postgres(…, schema: S)` may have.
bool postgres_table_column_type(const TypeRef& t);

}  // namespace streamc::sema
