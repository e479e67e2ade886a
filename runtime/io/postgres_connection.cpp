#include "io/postgres_connection.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#include "streamc/runtime/values.hpp"

namespace streamc::rt {
namespace {

constexpr int64_t kBackoffInitialMs = 100;
constexpr int64_t kBackoffMaxMs = 5000;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// One line: libpq's messages may span several ("…failed: Connection refused\n\tIs the server running…").
std::string one_line(std::string s) {
  s = trimmed(std::move(s));
  for (char& c : s)
    if (c == '\n' || c == '\t') c = ' ';
  std::string out;
  for (char c : s)
    if (!(c == ' ' && !out.empty() && out.back() == ' ')) out.push_back(c);
  return out;
}

// A failed connection attempt worth retrying: the server is not there yet,
// or is starting, stopping or full. Authentication and a missing database
// are not (the server answered FATAL for another reason).
bool retryable_connect_failure(const std::string& msg) {
  if (msg.find("FATAL:") == std::string::npos) return true;  // refused, reset, timeout, no socket file
  for (const char* transient : {"starting up", "shutting down", "not yet accepting", "recovery", "too many clients",
                                "terminating connection"})
    if (msg.find(transient) != std::string::npos) return true;
  return false;
}

bool lost_sqlstate(const std::string& s) {
  return s.rfind("08", 0) == 0 || s == "57P01" || s == "57P02" || s == "57P03" || s == "40001" || s == "40P01";
}

}  // namespace

std::string pg_base_type(std::string_view formatted) {
  std::string out;
  int depth = 0;
  for (char c : formatted) {
    if (c == '(') ++depth;
    else if (c == ')') --depth;
    else if (depth == 0) out.push_back(c);
  }
  // "timestamp(3) with time zone" leaves a double space.
  std::string clean;
  for (char c : out)
    if (!(c == ' ' && (clean.empty() || clean.back() == ' '))) clean.push_back(c);
  while (!clean.empty() && clean.back() == ' ') clean.pop_back();
  return clean;
}

std::string PostgresConnection::redact(const std::string& conninfo) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    std::string why = err ? one_line(err) : "cannot parse it";
    if (err) PQfreemem(err);
    throw FatalError("invalid postgres connection string: " + why);
  }
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val || !*o->val) continue;
    std::string key = o->keyword;
    if (key == "password") continue;
    if (!out.empty()) out += ' ';
    out += key + "=" + o->val;
  }
  PQconninfoFree(opts);
  return out.empty() ? "defaults" : out;
}

PostgresConnection::PostgresConnection(std::string conninfo, std::string what)
    : conninfo_(std::move(conninfo)), what_(std::move(what)), where_(redact(conninfo_)) {}

PostgresConnection::~PostgresConnection() { drop(); }

void PostgresConnection::drop() {
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

void PostgresConnection::status(const std::string& line) const {
  std::fprintf(stderr, "%s (%s): %s\n", what_.c_str(), where_.c_str(), line.c_str());
  std::fflush(stderr);
}

void PostgresConnection::connect() {
  if (connected()) return;
  drop();
  int64_t backoff = kBackoffInitialMs;
  std::string last;
  for (;;) {
    conn_ = PQconnectdb(conninfo_.c_str());
    if (PQstatus(conn_) == CONNECTION_OK) break;
    std::string msg = one_line(PQerrorMessage(conn_));
    drop();
    if (!retryable_connect_failure(msg)) throw FatalError(what_ + " (" + where_ + "): cannot connect: " + msg);
    if (msg != last) status("cannot connect (" + msg + "); retrying with backoff");
    last = msg;
    was_failing_ = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
    backoff = std::min(backoff * 2, kBackoffMaxMs);
  }
  if (was_failing_) status("connected");
  was_failing_ = false;
  // Timestamps are UTC both ways; notices (NOTICE: relation exists) stay quiet.
  exec("SET TIME ZONE 'UTC'");
  exec("SET client_min_messages = warning");
}

PgError PostgresConnection::error_of(const PGresult* r, const std::string& fallback) const {
  auto field = [r](int code) {
    const char* v = r ? PQresultErrorField(r, code) : nullptr;
    return std::string(v ? v : "");
  };
  std::string primary = field(PG_DIAG_MESSAGE_PRIMARY);
  PgError e(one_line(primary.empty() ? fallback : primary), false);
  e.sqlstate = field(PG_DIAG_SQLSTATE);
  e.detail = one_line(field(PG_DIAG_MESSAGE_DETAIL));
  e.context = one_line(field(PG_DIAG_CONTEXT));
  e.column = field(PG_DIAG_COLUMN_NAME);
  e.lost = !conn_ || PQstatus(conn_) != CONNECTION_OK || lost_sqlstate(e.sqlstate);
  return e;
}

PgResult PostgresConnection::exec(const std::string& sql, const std::vector<std::string>& params) {
  if (!connected()) throw PgError("not connected", true);
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  PgResult r(params.empty() ? PQexec(conn_, sql.c_str())
                            : PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                           nullptr, nullptr, 0));
  ExecStatusType st = r.get() ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
  throw error_of(r.get(), PQerrorMessage(conn_));
}

void PostgresConnection::copy_start(const std::string& sql) {
  if (!connected()) throw PgError("not connected", true);
  PgResult r(PQexec(conn_, sql.c_str()));
  if (!r.get() || PQresultStatus(r.get()) != PGRES_COPY_IN) throw error_of(r.get(), PQerrorMessage(conn_));
}

bool PostgresConnection::copy_put(std::string_view data) {
  return PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) == 1;
}

void PostgresConnection::copy_end() {
  PQputCopyEnd(conn_, nullptr);
  PgResult last;
  while (PGresult* r = PQgetResult(conn_)) {
    PgResult cur(r);
    if (!last.get() || PQresultStatus(last.get()) == PGRES_COMMAND_OK) last = std::move(cur);
  }
  if (last.get() && PQresultStatus(last.get()) == PGRES_COMMAND_OK) return;
  throw error_of(last.get(), PQerrorMessage(conn_));
}

}  // namespace streamc::rt
