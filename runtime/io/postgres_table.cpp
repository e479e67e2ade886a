// `table t = postgres(conn, query: "select …", schema: S)`: the query's rows,
// checked against S and handed to the generated JSON decoder as JSON lines.
#include <algorithm>

#include "io/postgres_connection.hpp"
#include "streamc/runtime/postgres.hpp"

namespace streamc::rt {

struct TableInputBuilder {
  static void set(TableInput& t, std::shared_ptr<std::string> text, std::vector<std::string_view> records) {
    t.records_ = std::move(records);
    t.buffers_.push_back(std::move(text));
  }
};

namespace {

// The PostgreSQL types (format_type names) a schema column of each SDL type reads.
bool readable_as(const std::string& sdl, const std::string& pg) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> table = {
      {"int", {"bigint", "integer", "smallint"}},
      {"float", {"double precision", "real", "numeric", "bigint", "integer", "smallint"}},
      {"string", {"text", "character varying", "character", "name", "citext"}},
      {"bool", {"boolean"}},
      {"timestamp", {"timestamp with time zone", "timestamp without time zone"}},
  };
  for (const auto& [s, pgs] : table)
    if (s == sdl) return std::find(pgs.begin(), pgs.end(), pg) != pgs.end();
  return false;
}

// PostgreSQL's ISO output in UTC ("2026-11-24 13:00:00.5+00", or without
// the zone for a timestamp) as the ISO-8601 text the decoder reads.
void append_iso_timestamp(std::string& out, std::string_view v) {
  out.push_back('"');
  std::string s(v);
  if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
  if (s.size() > 3 && (s.compare(s.size() - 3, 3, "+00") == 0)) s.resize(s.size() - 3);
  out += s;
  out += "Z\"";
}

}  // namespace

TableInput read_postgres_table(const std::string& name, const std::string& conninfo, const std::string& query,
                               const std::string& schema, const std::vector<PostgresTableColumn>& columns) {
  PostgresConnection conn(conninfo, "postgres table '" + name + "'");
  const std::string prefix = "table '" + name + "'";
  for (;;) {
    conn.connect();
    try {
      PgResult r = conn.exec(query);
      // Each schema column's position in the result, its type checked.
      std::vector<int> at;
      for (const auto& c : columns) {
        int found = -1;
        for (int i = 0; i < r.columns() && found < 0; ++i)
          if (PQfname(r.get(), i) == c.name) found = i;
        if (found < 0) {
          std::string got;
          for (int i = 0; i < r.columns(); ++i) got += (i ? ", " : "") + std::string(PQfname(r.get(), i));
          throw FatalError(prefix + ": the query has no column " + c.name + " (schema " + schema + " has " + c.name +
                           ": " + c.sdl_type + "); its columns are " + got);
        }
        PgResult type = conn.exec("SELECT format_type($1::oid, $2::int)",
                                  {std::to_string(PQftype(r.get(), found)), std::to_string(PQfmod(r.get(), found))});
        std::string pg = pg_base_type(type.value(0, 0));
        std::string sdl = c.sdl_type.substr(0, c.sdl_type.find('?'));
        if (!readable_as(sdl, pg))
          throw FatalError(prefix + ": column " + c.name + " of the query is " + std::string(type.value(0, 0)) +
                           ", but schema " + schema + " says " + c.name + ": " + c.sdl_type);
        at.push_back(found);
      }
      auto text = std::make_shared<std::string>();
      std::vector<size_t> ends;
      for (int row = 0; row < r.rows(); ++row) {
        std::string& out = *text;
        out.push_back('{');
        for (size_t k = 0; k < columns.size(); ++k) {
          const auto& c = columns[k];
          if (k) out.push_back(',');
          append_json_string(out, c.name);
          out.push_back(':');
          if (r.is_null(row, at[k])) {
            if (!c.nullable)
              throw FatalError(prefix + ": row " + std::to_string(row + 1) + " of the query has null in column " +
                               c.name + ", which schema " + schema + " declares " + c.sdl_type + " (not optional)");
            out.append("null");
            continue;
          }
          std::string_view v = r.value(row, at[k]);
          const std::string sdl = c.sdl_type.substr(0, c.sdl_type.find('?'));
          if (sdl == "string") append_json_string(out, v);
          else if (sdl == "bool") out.append(v == "t" ? "true" : "false");
          else if (sdl == "timestamp") append_iso_timestamp(out, v);
          else out.append(v);
        }
        out.push_back('}');
        ends.push_back(out.size());
        out.push_back('\n');
      }
      text->append(kRecordPadding, '\0');
      std::vector<std::string_view> records;
      size_t start = 0;
      for (size_t end : ends) {
        records.emplace_back(text->data() + start, end - start);
        start = end + 1;
      }
      TableInput t;
      TableInputBuilder::set(t, std::move(text), std::move(records));
      return t;
    } catch (const PgError& e) {
      if (!e.lost) throw FatalError(prefix + ": the query failed: " + std::string(e.what()));
      conn.status(std::string("connection lost (") + e.what() + "); reconnecting");
      conn.drop();
    }
  }
}

}  // namespace streamc::rt
