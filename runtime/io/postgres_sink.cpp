// The postgres sink: the table checked or created at start, each batch's
// rows written in one transaction with its claim (streamc/runtime/postgres.hpp).
#include <algorithm>
#include <cctype>

#include "base/failure_points.hpp"
#include "io/postgres_connection.hpp"
#include "streamc/runtime/postgres.hpp"

namespace streamc::rt {
namespace {

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

// "t" -> "t"; "app.t" -> "app"."t" (a schema-qualified table).
std::string quote_table(const std::string& table) {
  size_t dot = table.find('.');
  if (dot == std::string::npos) return quote_ident(table);
  return quote_ident(table.substr(0, dot)) + "." + quote_ident(table.substr(dot + 1));
}

// What format_type calls the type a new table gets for `sql_type`, and the
// existing column types that hold every value of it (a narrower integer or
// a varchar(n) holds most; a value it cannot hold stops that batch, named).
const std::vector<std::string>& accepted_types(const std::string& sql_type) {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> table = {
      {"bigint", {"bigint", "integer", "smallint", "numeric"}},
      {"double precision", {"double precision", "real", "numeric"}},
      {"text", {"text", "character varying", "character", "citext", "name"}},
      {"boolean", {"boolean"}},
      {"timestamptz", {"timestamp with time zone", "timestamp without time zone"}},
      {"interval", {"interval"}},
      {"jsonb", {"jsonb", "json"}},
  };
  for (const auto& [ours, theirs] : table)
    if (ours == sql_type) return theirs;
  static const std::vector<std::string> none;
  return none;
}

// The existing column types that read our binary encoding of `sql_type`
// exactly as they read its text (otherwise the batch goes as text).
bool binary_compatible(const std::string& sql_type, const std::string& theirs) {
  if (sql_type == "text") return theirs == "text" || theirs == "character varying";
  if (sql_type == "timestamptz") return theirs == "timestamp with time zone" || theirs == "timestamp without time zone";
  if (sql_type == "double precision" || sql_type == "bigint" || sql_type == "boolean" || sql_type == "interval" ||
      sql_type == "jsonb")
    return theirs == sql_type;
  return false;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const char* kClaimSql =
    "INSERT INTO streamc_commits AS c (query_id, table_name, batch_id) VALUES ($1, $2, $3) "
    "ON CONFLICT (query_id, table_name) DO UPDATE SET batch_id = EXCLUDED.batch_id, committed_at = now() "
    "WHERE c.batch_id < EXCLUDED.batch_id";

}  // namespace

PostgresSink::PostgresSink(std::string name, PostgresSinkOptions options)
    : Sink(std::move(name)), options_(std::move(options)), qualified_(quote_table(options_.table)) {
  conn_ = std::make_unique<PostgresConnection>(options_.conninfo, "postgres sink '" + name_ + "'");
  where_ = conn_->where();
  prepare_table();
  for (const auto& c : table_columns_) cols_ += (cols_.empty() ? "" : ", ") + quote_ident(c);
}

PostgresSink::~PostgresSink() = default;

std::string PostgresSink::description() const { return "PostgresSink[" + options_.table + " at " + where_ + "]"; }

void PostgresSink::begin_batch(int64_t batch_id) {
  rows_ = 0;
  batch_ = batch_id;
  if (stream_ != Stream::None) conn_->drop();  // a batch that never committed (not after a clean one)
  stream_ = Stream::None;
  chunks_.clear();
  pending_.clear();
  pending_.reserve(kCopyChunk + kCopyChunk / 4);
  if (binary_) append_copy_binary_header(pending_);
}

// Checks the table against the columns, or creates it; also the commit
// table. Connection losses here are retried like everywhere else.
void PostgresSink::prepare_table() {
  const std::string prefix = "postgres sink '" + name_ + "': table " + options_.table;
  int races = 0;
  for (;;) {
    conn_->connect();
    try {
      conn_->exec(
          "CREATE TABLE IF NOT EXISTS streamc_commits (query_id text NOT NULL, table_name text NOT NULL, "
          "batch_id bigint NOT NULL, committed_at timestamptz NOT NULL DEFAULT now(), "
          "PRIMARY KEY (query_id, table_name))");
      PgResult found = conn_->exec("SELECT to_regclass($1)::oid::text", {qualified_});
      if (found.is_null(0, 0)) {
        std::string sql = "CREATE TABLE IF NOT EXISTS " + qualified_ + " (";
        for (size_t i = 0; i < options_.columns.size(); ++i) {
          const auto& c = options_.columns[i];
          sql += (i ? ", " : "") + quote_ident(c.name) + " " + c.sql_type + (c.nullable ? "" : " NOT NULL");
        }
        if (!options_.key.empty()) {
          sql += ", PRIMARY KEY (";
          for (size_t i = 0; i < options_.key.size(); ++i) sql += (i ? ", " : "") + quote_ident(options_.key[i]);
          sql += ")";
        }
        conn_->exec(sql + ")");
        for (const auto& c : options_.columns) table_columns_.push_back(c.name);
        binary_ = true;
        return;
      }
      const std::string oid(found.value(0, 0));
      PgResult cols = conn_->exec(
          "SELECT attname, format_type(atttypid, atttypmod), attnotnull, atthasdef OR attidentity <> '' OR "
          "attgenerated <> '' FROM pg_attribute WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped "
          "ORDER BY attnum",
          {oid});
      table_columns_.clear();
      binary_ = true;
      std::vector<bool> used(static_cast<size_t>(cols.rows()), false);
      for (const auto& c : options_.columns) {
        int at = -1;
        for (int r = 0; r < cols.rows() && at < 0; ++r)
          if (cols.value(r, 0) == c.name) at = r;
        for (int r = 0; r < cols.rows() && at < 0; ++r)  // as Spark's JDBC writer: names match case-insensitively
          if (lower(std::string(cols.value(r, 0))) == lower(c.name)) at = r;
        if (at < 0)
          throw FatalError(prefix + " has no column " + c.name + " (the rows' " + c.name + " is " + c.sdl_type +
                           ", " + c.sql_type + " in postgres)");
        used[static_cast<size_t>(at)] = true;
        std::string theirs = pg_base_type(cols.value(at, 1));
        const auto& ok = accepted_types(c.sql_type);
        if (std::find(ok.begin(), ok.end(), theirs) == ok.end())
          throw FatalError(prefix + ": column " + c.name + " is " + std::string(cols.value(at, 1)) + ", but the rows' " +
                           c.name + " is " + c.sdl_type + " (" + c.sql_type + " in postgres)");
        table_columns_.emplace_back(cols.value(at, 0));
        binary_ = binary_ && binary_compatible(c.sql_type, theirs);
      }
      for (int r = 0; r < cols.rows(); ++r)
        if (!used[static_cast<size_t>(r)] && cols.value(r, 2) == "t" && cols.value(r, 3) == "f")
          throw FatalError(prefix + ": column " + std::string(cols.value(r, 0)) +
                           " is NOT NULL without a default, and the rows have no " + std::string(cols.value(r, 0)));
      if (options_.mode == PostgresMode::Update) {
        std::vector<std::string> want;
        for (const auto& k : options_.key) want.push_back(lower(k));
        std::sort(want.begin(), want.end());
        std::string want_text;
        for (const auto& k : want) want_text += (want_text.empty() ? "" : ",") + k;
        PgResult idx = conn_->exec(
            "SELECT (SELECT string_agg(lower(a.attname), ',' ORDER BY lower(a.attname)) FROM unnest(i.indkey) k "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k) FROM pg_index i "
            "WHERE i.indrelid = $1::oid AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL",
            {oid});
        bool found_key = false;
        for (int r = 0; r < idx.rows(); ++r) found_key = found_key || idx.value(r, 0) == want_text;
        if (!found_key) {
          std::string key;
          for (const auto& k : options_.key) key += (key.empty() ? "" : ", ") + k;
          throw FatalError(prefix + " has no primary key or unique index on (" + key +
                           "), which update mode upserts on");
        }
      }
      return;
    } catch (const PgError& e) {
      // Another session created the table (or the commit table) while this
      // one did, as the tasks of copies in a group do at once: CREATE TABLE
      // IF NOT EXISTS is not atomic against a concurrent one in PostgreSQL,
      // whose loser fails on a unique index of the catalog (23505) or with
      // duplicate_table (42P07). The table is there now: look again.
      if (!e.lost && (e.sqlstate == "23505" || e.sqlstate == "42P07") && ++races <= 3) continue;
      if (!e.lost) throw FatalError(prefix + ": " + e.what());
      conn_->status(std::string("connection lost (") + e.what() + "); reconnecting");
      conn_->drop();
    }
  }
}

void PostgresSink::commit(int64_t batch_id) {
  // An empty batch changes nothing (but complete mode: an empty result).
  if (rows_ == 0 && options_.mode != PostgresMode::Complete) return;
  if (rows_ > 0) {
    if (binary_) append_copy_binary_trailer(pending_);
    chunks_.add(pending_);
  }
  pending_.clear();
  while (try_commit(batch_id) == Outcome::Retry) {
  }
  chunks_.trim();  // what a batch this size needs stays allocated for the next
}

// While the batch runs: the transaction starts with the first full chunk,
// and each chunk is sent as it is sealed. Anything failing is left to
// commit(), which starts over from a new connection: a lost one retries,
// a refused row is named there.
void PostgresSink::seal() {
  chunks_.add(pending_);
  pending_.clear();
  try {
    if (stream_ == Stream::None) {
      conn_->connect();
      if (open(batch_) == Outcome::Skipped) return;
    }
    if (stream_ == Stream::Open) send();
  } catch (const PgError&) {
    conn_->drop();
    stream_ = Stream::None;
  }
}

PostgresSink::Outcome PostgresSink::open(int64_t batch_id) {
  stream_ = Stream::None;
  copying_ = false;
  sent_ = 0;
  conn_->exec("BEGIN");
  if (!query_id_.empty()) {
    // First, so that a second writer of this batch (a zombie, a replay
    // racing the first attempt) waits on the row lock, then sees it taken.
    PgResult claim = conn_->exec(kClaimSql, {query_id_, options_.table, std::to_string(batch_id)});
    if (claim.affected() == "0") {
      conn_->exec("ROLLBACK");
      stream_ = Stream::Skipped;
      return Outcome::Skipped;
    }
  }
  failure_point("postgres-after-claim");
  std::string into = qualified_;
  if (options_.mode == PostgresMode::Complete) conn_->exec("DELETE FROM " + qualified_);
  if (options_.mode == PostgresMode::Update) {
    conn_->exec("CREATE TEMP TABLE IF NOT EXISTS streamc_upsert AS SELECT " + cols_ + " FROM " + qualified_ +
                " WITH NO DATA");
    conn_->exec("TRUNCATE pg_temp.streamc_upsert");
    into = "pg_temp.streamc_upsert";
  }
  if (rows_ > 0) {
    conn_->copy_start("COPY " + into + " (" + cols_ + ") FROM STDIN" + (binary_ ? " WITH (FORMAT binary)" : ""));
    copying_ = true;
  }
  stream_ = Stream::Open;
  return Outcome::Committed;
}

void PostgresSink::send() {
  for (; sent_ < chunks_.size(); ++sent_)
    if (!conn_->copy_put(chunks_[sent_])) throw PgError("COPY failed", false);  // copy_end has the reason
}

PostgresSink::Outcome PostgresSink::try_commit(int64_t batch_id) {
  bool commit_sent = false;
  try {
    if (stream_ == Stream::Skipped) {
      stream_ = Stream::None;
      return Outcome::Skipped;
    }
    if (stream_ == Stream::None) {
      conn_->connect();
      if (open(batch_id) == Outcome::Skipped) {
        stream_ = Stream::None;
        return Outcome::Skipped;
      }
    }
    stream_ = Stream::None;  // whatever happens next, a retry starts over
    if (copying_) {
      try {
        send();
      } catch (const PgError&) {
      }
      conn_->copy_end();
    }
    if (options_.mode == PostgresMode::Update) {
      std::string conflict, set;
      for (const auto& k : options_.key) conflict += (conflict.empty() ? "" : ", ") + quote_ident(k);
      for (const auto& c : table_columns_) {
        bool is_key = false;
        for (const auto& k : options_.key) is_key = is_key || lower(k) == lower(c);
        if (!is_key) set += (set.empty() ? "" : ", ") + quote_ident(c) + " = EXCLUDED." + quote_ident(c);
      }
      conn_->exec("INSERT INTO " + qualified_ + " (" + cols_ + ") SELECT " + cols_ +
                  " FROM pg_temp.streamc_upsert ON CONFLICT (" + conflict + ") " +
                  (set.empty() ? "DO NOTHING" : "DO UPDATE SET " + set));
    }
    failure_point("postgres-before-commit");
    commit_sent = true;
    conn_->exec("COMMIT");
    failure_point("postgres-after-commit");
    return Outcome::Committed;
  } catch (const PgError& e) {
    if (!e.lost) {
      try {
        conn_->exec("ROLLBACK");
      } catch (const PgError&) {
      }
      row_failed(batch_id, e);
    }
    // The next attempt reconnects and claims again: a batch whose COMMIT
    // did land before the connection broke finds its claim taken and is
    // skipped. (Without a checkpoint there is no claim: at least once.)
    conn_->status("connection lost while writing batch " + std::to_string(batch_id) + " (" + e.what() + ")" +
                  (commit_sent ? "; the claim decides whether its COMMIT landed" : "") + "; retrying");
    conn_->drop();
    return Outcome::Retry;
  }
}

// A row the table refused: the server names the COPY line and the column
// ("COPY t, line 3, column n: …"); the message shows that row by column.
void PostgresSink::row_failed(int64_t batch_id, const PgError& e) const {
  std::string msg = "postgres sink '" + name_ + "': table " + options_.table + " refused batch " +
                    std::to_string(batch_id) + ": " + e.what();
  if (!e.detail.empty()) msg += " (" + e.detail + ")";
  std::string column = e.column;
  size_t line_at = e.context.find(", line ");
  if (line_at != std::string::npos) {
    long line = std::strtol(e.context.c_str() + line_at + 7, nullptr, 10);
    size_t col_at = e.context.find(", column ", line_at);
    if (col_at != std::string::npos && column.empty()) {
      size_t end = e.context.find(':', col_at + 9);
      column = e.context.substr(col_at + 9, end == std::string::npos ? std::string::npos : end - col_at - 9);
    }
    // The line'th row of the batch, one field per column.
    std::string copy = chunks_.joined();
    long in_copy = line;  // the row's line in `copy`
    if (binary_) {        // that row alone, as COPY text
      std::vector<std::string> types;
      for (const auto& c : options_.columns) types.push_back(c.sql_type);
      copy = copy_binary_row_as_text(copy, line, types);
      in_copy = 1;
      if (!copy.empty()) copy.push_back('\n');
    }
    size_t start = 0;
    for (long l = 1; l < in_copy && start != std::string::npos; ++l) {
      start = copy.find('\n', start);
      if (start != std::string::npos) ++start;
    }
    if (line >= 1 && start != std::string::npos && start < copy.size()) {
      std::string_view row(copy.data() + start, copy.find('\n', start) - start);
      std::string shown;
      size_t c = 0;
      while (c < table_columns_.size()) {
        size_t tab = row.find('\t');
        std::string field(row.substr(0, std::min<size_t>(tab, 80)));
        for (size_t at = field.find("\\\\"); at != std::string::npos; at = field.find("\\\\", at + 1))
          field.erase(at, 1);  // COPY's \\ is one backslash; \t \n stay visible
        shown += (c ? ", " : "") + table_columns_[c] + "=" + field;
        ++c;
        if (tab == std::string_view::npos) break;
        row.remove_prefix(tab + 1);
      }
      msg += "; row " + std::to_string(line) + " of the batch: " + shown;
    }
  }
  if (!column.empty()) msg += "; column " + column;
  throw FatalError(msg);
}

PostgresSink& add_postgres_sink(Engine& engine, std::string name, PostgresSinkOptions options) {
  auto sink = std::make_unique<PostgresSink>(std::move(name), std::move(options));
  PostgresSink& ref = *sink;
  engine.add_sink(std::move(sink));
  return ref;
}

}  // namespace streamc::rt
