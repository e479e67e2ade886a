// postgres(…) as a sink and as a table (LANGUAGE.md, "Kafka, PostgreSQL and
// scale-out"): the arguments, and the key columns checked against the rows.
#include <algorithm>

#include "sema/checker.hpp"
#include "sema/postgres_columns.hpp"

namespace streamc::sema {

using ast::Expr;
using ast::ExprKind;

bool Checker::check_postgres_sink(const Expr& call, SinkInfo& s) {
  s.connector = Connector::Postgres;
  const std::string usage = "postgres needs a connection string and a table: postgres(pg, table: \"totals\", key: (country))";
  if (!connector_options(call, *find_connector("postgres"), kSinkRole, 1)) return false;
  if (call.args.empty() || !call.args[0].name.name.empty()) {
    diags_.error(call.range, usage);
    return false;
  }
  if (check_startup_expr(*call.args[0].value, types::string(), "the postgres connection string")->is_error()) return false;
  s.conn = call.args[0].value.get();
  s.table = named_arg(call, "table");
  if (!s.table) {
    diags_.error(call.range, usage);
    return false;
  }
  if (check_startup_expr(*s.table, types::string(), "the postgres table")->is_error()) return false;
  const Expr* key = named_arg(call, "key");
  if (!key) return true;
  std::vector<const Expr*> names;
  if (key->kind == ExprKind::Tuple) {
    for (const auto& c : key->children) names.push_back(c.get());
  } else {
    names.push_back(key);
  }
  TypeRef row = s.node >= 0 ? result_.nodes[s.node].type : nullptr;
  std::vector<PostgresColumn> columns = row && !row->is_error() ? postgres_columns(row) : std::vector<PostgresColumn>{};
  for (const Expr* n : names) {
    if (n->kind != ExprKind::Name) {
      diags_.error(n->range, "key: names columns of the rows, e.g. key: (country) or key: (window, country)");
      return false;
    }
    if (!row || row->is_error()) continue;  // the stream's errors are reported already
    bool found = false;
    for (const auto& c : columns)
      if (c.field == n->text) {
        s.key.push_back(c.name);
        found = true;
      }
    if (!found) {
      std::vector<std::string> fields;
      for (const auto& c : columns)
        if (fields.empty() || fields.back() != c.field) fields.push_back(c.field);
      std::string list;
      for (const auto& f : fields) list += (list.empty() ? "" : ", ") + f;
      std::string near = closest_name(n->text, fields);
      diags_.error(n->range, "the rows have no column " + q(n->text) +
                                 (near.empty() ? "; their columns are " + list : "; did you mean " + q(near) + "?"));
      return false;
    }
  }
  return true;
}

bool Checker::check_postgres_table(const Expr& call, SourceInfo& s) {
  s.connector = Connector::Postgres;
  s.format = DataFormat::Json;  // rows reach the generated decoder as JSON lines
  const std::string usage = "a postgres table needs a connection string, a query and a schema: "
                            "table t = postgres(pg, query: \"select id, name from t\", schema: T)";
  if (!connector_options(call, *find_connector("postgres"), kTableRole, 1)) return false;
  if (call.args.empty() || !call.args[0].name.name.empty() || !named_arg(call, "query") || !named_arg(call, "schema")) {
    diags_.error(call.range, usage);
    return false;
  }
  if (check_startup_expr(*call.args[0].value, types::string(), "the postgres connection string")->is_error()) return false;
  s.args = {call.args[0].value.get()};
  s.query = named_arg(call, "query");
  if (check_startup_expr(*s.query, types::string(), "the postgres query")->is_error()) return false;
  if (!source_record_options(call, s)) return false;
  for (size_t i = 0; i < s.element->fields.size(); ++i)
    if (!postgres_table_column_type(s.element->elements[i])) {
      diags_.error(named_arg(call, "schema")->range,
                   "a postgres table's columns are int, float, string, bool or timestamp (optional or not), but field " +
                       q(s.element->fields[i]) + " of schema " + q(s.schema) + " is " + to_string(s.element->elements[i]));
      return false;
    }
  s.on_error = OnError::Fail;
  return true;
}

}  // namespace streamc::sema
