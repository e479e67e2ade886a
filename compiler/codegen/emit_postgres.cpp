// postgres(…) sinks and tables: the table's columns, derived from the row
// type (sema/postgres_columns.hpp), handed to the runtime
// (streamc/runtime/postgres.hpp), which checks or creates the table.
#include <fmt/format.h>

#include "codegen/program_emitter.hpp"
#include "sema/postgres_columns.hpp"

namespace streamc::codegen {

bool uses_postgres(const sema::CheckedProgram& p) {
  for (const auto& s : p.sinks)
    if (s.connector == sema::Connector::Postgres) return true;
  for (const auto& s : p.sources)
    if (s.connector == sema::Connector::Postgres) return true;
  return false;
}

std::string ProgramEmitter::emit_postgres_sink(const sema::SinkInfo& s, size_t i) {
  includes_.use(Includes::Postgres);
  const std::string ko = sink_var(i, "options");
  std::string out = fmt::format("    rt::PostgresSinkOptions {};\n", ko);
  out += fmt::format("    {}.conninfo = std::string({});\n", ko, startup(*s.conn));
  out += fmt::format("    {}.table = std::string({});\n", ko, startup(*s.table));
  for (const auto& k : s.key) out += fmt::format("    {}.key.push_back(std::string({}));\n", ko, string_literal(k));
  const char* mode = s.mode == sema::OutputMode::Update     ? "rt::PostgresMode::Update"
                     : s.mode == sema::OutputMode::Complete ? "rt::PostgresMode::Complete"
                                                            : "rt::PostgresMode::Append";
  out += fmt::format("    {}.mode = {};\n", ko, mode);
  for (const auto& c : sema::postgres_columns(prog_.nodes[s.node].type))
    out += fmt::format("    {}.columns.push_back(rt::PostgresColumn{{std::string({}), std::string({}), {}, std::string({})}});\n", ko, string_literal(c.name),
                       string_literal(c.sql_type), c.nullable ? "true" : "false", string_literal(c.sdl_type));
  out += fmt::format("    rt::PostgresSink& {} = rt::add_postgres_sink(eng, std::string({}), std::move({}));\n", sink_var(i),
                     string_literal(s.stream), ko);
  return out;
}

std::string ProgramEmitter::read_postgres_table(int t) {
  const auto& s = prog_.sources[t];
  includes_.use(Includes::Postgres);
  std::string cols;
  for (size_t f = 0; f < s.element->fields.size(); ++f) {
    const auto& type = s.element->elements[f];
    cols += fmt::format("{}rt::PostgresTableColumn{{std::string({}), std::string({}), {}}}", f ? ", " : "", string_literal(s.element->fields[f]),
                        string_literal(sema::to_string(type)), type->is(sema::Type::Kind::Optional) ? "true" : "false");
  }
  return fmt::format("rt::read_postgres_table(std::string({}), std::string({}), std::string({}), std::string({}), {{{}}})",
                     string_literal(s.name), startup(*s.args[0]), startup(*s.query), string_literal(s.schema), cols);
}

}  // namespace streamc::codegen
