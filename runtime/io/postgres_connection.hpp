// One libpq connection, as the postgres sink and tables use it: connecting
// retries with backoff while the server cannot be reached (one status line
// on stderr per change), and every failure is a PgError that says whether
// the connection was lost (retry) or the server refused the statement.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace streamc::rt {

struct PgError : std::runtime_error {
  PgError(std::string message, bool lost) : std::runtime_error(std::move(message)), lost(lost) {}
  bool lost = false;        // the connection broke (or the server is going away): reconnect and retry
  std::string sqlstate;     // "23505"
  std::string detail;       // the server's DETAIL
  std::string context;      // the server's CONTEXT ("COPY t, line 3, column n: …")
  std::string column;       // the server's column name, when it gives one
};

// The result of one statement, freed on destruction.
class PgResult {
 public:
  explicit PgResult(PGresult* r = nullptr) : r_(r) {}
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&& o) noexcept {
    std::swap(r_, o.r_);
    return *this;
  }
  ~PgResult() {
    if (r_) PQclear(r_);
  }
  PGresult* get() const { return r_; }
  int rows() const { return PQntuples(r_); }
  int columns() const { return PQnfields(r_); }
  bool is_null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
  std::string_view value(int row, int col) const {
    return {PQgetvalue(r_, row, col), static_cast<size_t>(PQgetlength(r_, row, col))};
  }
  std::string affected() const { return PQcmdTuples(r_); }

 private:
  PGresult* r_;
};

class PostgresConnection {
 public:
  // `what` names the user of the connection in messages ("postgres sink
  // 'totals'"); conninfo is never printed, only redact(conninfo).
  PostgresConnection(std::string conninfo, std::string what);
  ~PostgresConnection();
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // Until connected: a server that cannot be reached (refused, starting up,
  // shutting down, a timeout) is retried with backoff, 100 ms doubling to
  // 5 s; anything else (authentication, a database that does not exist, a
  // malformed conninfo) is a FatalError. The session runs in UTC.
  void connect();
  bool connected() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }
  // Forgets a broken connection; the next connect() makes a new one.
  void drop();

  // Runs one statement (with text parameters); throws PgError.
  PgResult exec(const std::string& sql, const std::vector<std::string>& params = {});
  // COPY … FROM STDIN in three steps: start it, send data (one CopyData
  // message per call; false when the COPY has failed: copy_end says why),
  // end it (throws the server's error for a refused row).
  void copy_start(const std::string& sql);
  bool copy_put(std::string_view data);
  void copy_end();

  // A status line on stderr ("postgres sink 't' (host=…): …"), for retries.
  void status(const std::string& line) const;
  const std::string& where() const { return where_; }
  const std::string& what() const { return what_; }

  // The connection string without its password, as keyword=value pairs
  // ("host=127.0.0.1 port=5432 dbname=app"); a URI too.
  static std::string redact(const std::string& conninfo);

 private:
  PgError error_of(const PGresult* r, const std::string& fallback) const;
  std::string conninfo_;
  std::string what_;
  std::string where_;
  PGconn* conn_ = nullptr;
  bool was_failing_ = false;
};

// "text" "double precision" … without a type modifier ("character varying(10)" -> "character varying").
std::string pg_base_type(std::string_view formatted);

}  // namespace streamc::rt
