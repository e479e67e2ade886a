// PostgreSQL: the sink `postgres(conn, table: "t", key: (…))` and static
// tables `table t = postgres(conn, query: "select …", schema: S)`.
// Generated code includes this header only when the program uses postgres
// (and then links -lpq); the libpq side lives in io/postgres_*.cpp.
//
// The sink formats each batch's rows as COPY text while the batch runs and
// writes them when the batch commits, in one transaction:
//
//   BEGIN
//   claim: streamc_commits(query_id, table_name) := batch, only if newer
//          (nothing claimed: a replay of a committed batch; ROLLBACK)
//   append:   COPY t (cols) FROM STDIN
//   update:   COPY into a temporary table, INSERT … ON CONFLICT (key) DO UPDATE
//   complete: DELETE FROM t, COPY t (cols) FROM STDIN
//   COMMIT
//
// so a batch's rows are in the table exactly once, or not at all. A lost
// connection is retried with backoff; lost during COMMIT, the claim read
// after reconnecting says whether the batch landed. Without a checkpoint
// there is no query id and no claim (each run starts at batch 0).
//
// How values go in (the compiler names the columns and their types, see
// compiler/codegen/emit_postgres.cpp):
//
//   int bigint, float double precision (NaN, Infinity), string text,
//   bool boolean, timestamp timestamptz, duration interval, null \N,
//   lists, tuples, records jsonb (their JSON text), a window
//   {start, end} two timestamptz columns <name>_start, <name>_end.
//
// In COPY's binary format when every column of the table has exactly such
// a type (the server then reads each value as it is instead of parsing its
// text: about 40% less of its time per row), in COPY text format otherwise
// (an existing table with, say, an integer or numeric column: the server
// converts the text). Binary, each row is a field count, then each field's
// length (-1: null) and bytes, big-endian: int8 and float8 8 bytes,
// boolean 1, text its UTF-8 bytes, timestamptz microseconds since
// 2000-01-01 UTC (8), interval microseconds, days, months (8, 4, 4), jsonb
// a version byte 1 then the JSON text.
//
// The rows are formatted as the batch writes them into one 256 KiB buffer;
// each time it is full it becomes a chunk (one COPY message), kept in
// 2 MiB blocks the kernel may back with huge pages (a batch of a million
// rows is ~60 MB: a few dozen page faults instead of 15,000, which on a
// virtual machine cost more than formatting the rows), reused from batch
// to batch. The transaction (BEGIN, the claim, COPY)
// starts when the first chunk is full, and full chunks go to the server
// while the next ones are formatted, so that the server stores rows while
// the batch formats more; COMMIT waits for commit(), which sends the rest.
// The chunks are kept until then: if anything fails on the way (the
// connection lost, a row refused), commit() starts the transaction over
// with all of them (see try_commit), as if nothing had been sent.
#pragma once

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "streamc/runtime/api.hpp"
#include "streamc/runtime/table.hpp"

namespace streamc::rt {

enum class PostgresMode { Append, Update, Complete };

// One column of the sink's table, as the compiler derives it from the row type.
struct PostgresColumn {
  std::string name;      // "country", "window_start"
  std::string sql_type;  // what a new table gets: "bigint", "text", "timestamptz", …
  bool nullable = false;
  std::string sdl_type;  // for messages: "int", "string?", "{start: timestamp, …}.start"
};

struct PostgresSinkOptions {
  std::string conninfo;  // libpq connection string or URI (may hold a password: never printed)
  std::string table;     // "t" or "schema.t"
  std::vector<std::string> key;
  PostgresMode mode = PostgresMode::Append;
  std::vector<PostgresColumn> columns;
};

// ---- COPY text format (one field; defined in io/postgres_copy.cpp where not a template)
void append_copy_text(std::string& out, std::string_view s);  // \\ \t \n \r escaped
void append_copy_float(std::string& out, double v);           // shortest round trip; NaN, Infinity
void append_copy_duration(std::string& out, Duration d);      // "<n> microseconds"

// This batch's COPY data, kept until it commits: chunks copied into 2 MiB
// blocks (madvise MADV_HUGEPAGE), the blocks kept for the next batch.
class CopyChunks {
 public:
  CopyChunks() = default;
  CopyChunks(const CopyChunks&) = delete;
  CopyChunks& operator=(const CopyChunks&) = delete;
  ~CopyChunks();
  void clear();                     // a new batch (the blocks stay)
  void add(std::string_view data);  // the next chunk: a copy of data
  size_t size() const { return chunks_.size(); }
  std::string_view operator[](size_t i) const { return chunks_[i]; }
  std::string joined() const;       // every chunk in one string (for messages)
  void trim();                      // frees the blocks this batch did not use

 private:
  struct Block {
    char* data;
    size_t size;
  };
  std::vector<Block> blocks_;
  size_t block_ = 0;  // the block being filled
  size_t used_ = 0;   // bytes used in it
  std::vector<std::string_view> chunks_;
};

// ---- COPY binary format: the stream's header and trailer (around the rows)
void append_copy_binary_header(std::string& out);   // PGCOPY\n\377\r\n\0, flags 0, no extension
void append_copy_binary_trailer(std::string& out);  // a field count of -1
// Microseconds since 2000-01-01 UTC, as timestamptz holds them. A time
// before 4713 BC cannot be a timestamptz anyway: one that would not fit in
// 64 bits (or land on -infinity's value) becomes an out-of-range value the
// server refuses, never a different time.
int64_t postgres_timestamp(Timestamp t);
// The `row`'th row (1-based, as the server's "COPY t, line N" counts) of a
// binary COPY stream (header included), as a COPY text line without its
// newline, for messages; `sql_types` says how to read each field (the
// columns' sql_type). Empty when the stream has no such row.
std::string copy_binary_row_as_text(std::string_view stream, long row, const std::vector<std::string>& sql_types);

namespace copy_detail {

// A window {start: timestamp, end: timestamp} (generated struct members f_start, f_end).
template <class T>
concept Window = requires(const T& w) {
  T::field_names;
  requires T::field_names.size() == 2;
  requires T::field_names[0] == std::string_view("start") && T::field_names[1] == std::string_view("end");
  requires std::is_same_v<std::remove_cvref_t<decltype(w.f_start)>, Timestamp>;
  requires std::is_same_v<std::remove_cvref_t<decltype(w.f_end)>, Timestamp>;
};

template <class T>
void append_field(std::string& out, const T& v) {
  using namespace format_detail;
  if constexpr (std::is_same_v<T, bool>) {
    out.push_back(v ? 't' : 'f');
  } else if constexpr (std::is_integral_v<T>) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
  } else if constexpr (std::is_floating_point_v<T>) {
    append_copy_float(out, static_cast<double>(v));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    append_copy_text(out, std::string_view(v));
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    append_timestamp_iso(out, v);
  } else if constexpr (std::is_same_v<T, Duration>) {
    append_copy_duration(out, v);
  } else if constexpr (std::is_same_v<T, std::nullopt_t>) {
    out.append("\\N");
  } else if constexpr (IsOptional<T>::value) {
    if (v) {
      append_field(out, *v);
    } else if constexpr (Window<typename T::value_type>) {
      out.append("\\N\t\\N");
    } else {
      out.append("\\N");
    }
  } else if constexpr (Window<T>) {
    append_timestamp_iso(out, v.f_start);
    out.push_back('\t');
    append_timestamp_iso(out, v.f_end);
  } else {
    std::string json;  // lists, tuples, records: jsonb
    append_json(json, v);
    append_copy_text(out, json);
  }
}

}  // namespace copy_detail

// One row as a COPY text line: its columns (column_names' order) separated
// by tabs, then a newline.
template <class Row>
void append_copy_row(std::string& out, const Row& row) {
  bool first = true;
  for_each_column(row, [&](const auto& x) {
    if (!first) out.push_back('\t');
    first = false;
    copy_detail::append_field(out, x);
  });
  out.push_back('\n');
}

namespace copy_detail {

inline void put_be(std::string& out, uint64_t v, size_t bytes) {
  char b[8];
  for (size_t i = 0; i < bytes; ++i) b[i] = static_cast<char>(v >> (8 * (bytes - 1 - i)));
  out.append(b, bytes);
}

// A fixed-size field: its length, then `bytes` bytes of v (big-endian).
inline void put_fixed(std::string& out, uint64_t v, size_t bytes) {
  char b[12] = {0, 0, 0, static_cast<char>(bytes)};
  for (size_t i = 0; i < bytes; ++i) b[4 + i] = static_cast<char>(v >> (8 * (bytes - 1 - i)));
  out.append(b, 4 + bytes);
}

// Writes the 4-byte length of the field that starts after `at` (the 4 bytes
// reserved for it) once its bytes are appended.
inline void patch_length(std::string& out, size_t at) {
  const auto n = static_cast<uint32_t>(out.size() - at - 4);
  for (size_t i = 0; i < 4; ++i) out[at + i] = static_cast<char>(n >> (8 * (3 - i)));
}

// One value in binary; returns how many columns it filled (a window: 2).
template <class T>
int append_binary_field(std::string& out, const T& v) {
  using namespace format_detail;
  if constexpr (std::is_same_v<T, bool>) {
    put_fixed(out, v ? 1 : 0, 1);
  } else if constexpr (std::is_integral_v<T>) {
    put_fixed(out, static_cast<uint64_t>(static_cast<int64_t>(v)), 8);
  } else if constexpr (std::is_floating_point_v<T>) {
    put_fixed(out, std::bit_cast<uint64_t>(static_cast<double>(v)), 8);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    std::string_view s(v);
    put_be(out, static_cast<uint32_t>(s.size()), 4);
    out.append(s);
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    put_fixed(out, static_cast<uint64_t>(postgres_timestamp(v)), 8);
  } else if constexpr (std::is_same_v<T, Duration>) {
    put_be(out, 16, 4);
    put_be(out, static_cast<uint64_t>(v.micros), 8);  // microseconds; days and months 0, as "<n> microseconds" reads
    put_be(out, 0, 8);
  } else if constexpr (std::is_same_v<T, std::nullopt_t>) {
    put_be(out, 0xffffffffu, 4);
  } else if constexpr (IsOptional<T>::value) {
    if (v) return append_binary_field(out, *v);
    put_be(out, 0xffffffffu, 4);
    if constexpr (Window<typename T::value_type>) {
      put_be(out, 0xffffffffu, 4);
      return 2;
    }
  } else if constexpr (Window<T>) {
    put_fixed(out, static_cast<uint64_t>(postgres_timestamp(v.f_start)), 8);
    put_fixed(out, static_cast<uint64_t>(postgres_timestamp(v.f_end)), 8);
    return 2;
  } else {
    const size_t at = out.size();  // lists, tuples, records: jsonb, version 1, then the JSON text
    out.append("\0\0\0\0\1", 5);
    append_json(out, v);
    patch_length(out, at);
  }
  return 1;
}

}  // namespace copy_detail

// One row in COPY's binary format: the number of fields, then each field.
template <class Row>
void append_copy_row_binary(std::string& out, const Row& row) {
  const size_t at = out.size();
  out.append(2, '\0');
  int fields = 0;
  for_each_column(row, [&](const auto& x) { fields += copy_detail::append_binary_field(out, x); });
  out[at] = static_cast<char>(fields >> 8);
  out[at + 1] = static_cast<char>(fields);
}

class PostgresConnection;  // io/postgres_connection.hpp
struct PgError;

class PostgresSink : public Sink {
 public:
  // Connects (retrying while the server is down), then creates the table
  // from options.columns or checks the existing one: a missing column, an
  // incompatible type or (update mode) no unique index on the key is a
  // FatalError naming the table, the column and both types.
  PostgresSink(std::string name, PostgresSinkOptions options);
  ~PostgresSink() override;

  void start_exactly_once(const std::string& query_id) override { query_id_ = query_id; }
  void begin_batch(int64_t batch_id) override;
  // Writes the batch's rows in one transaction (see the top of this file);
  // returns once they are committed, or throws FatalError for a row the
  // table refuses (naming the row, the column and the server's message).
  void commit(int64_t batch_id) override;
  std::string description() const override;

  template <class Rows>
  void write(Batch&, const Rows& rows) {
    if (binary_) {
      for (const auto& row : rows) {
        append_copy_row_binary(chunk(), row);
        ++rows_;
      }
    } else {
      for (const auto& row : rows) {
        append_copy_row(chunk(), row);
        ++rows_;
      }
    }
  }

  // The redacted connection string: every keyword but password.
  const std::string& where() const { return where_; }

 private:
  enum class Outcome { Committed, Skipped, Retry };
  Outcome try_commit(int64_t batch_id);
  // The transaction's first steps: BEGIN, the claim (Skipped: a replay of a
  // committed batch, rolled back), then what the mode needs and COPY.
  Outcome open(int64_t batch_id);
  void send();  // the chunks not sent yet to the COPY
  void seal();  // pending_ becomes a chunk, sent if the transaction is open
  void prepare_table();
  [[noreturn]] void row_failed(int64_t batch_id, const PgError& e) const;

  PostgresSinkOptions options_;
  std::string where_;
  std::string qualified_;  // the table as quoted SQL: "public"."t"
  std::vector<std::string> table_columns_;  // the table's names for options_.columns, in order
  // Where the next row goes: pending_, sealed first once it holds
  // kCopyChunk bytes (a row is never split between two chunks).
  std::string& chunk() {
    if (pending_.size() >= kCopyChunk) seal();
    return pending_;
  }

  static constexpr size_t kCopyChunk = 256 * 1024;
  std::string query_id_;
  std::string cols_;               // the table's column names, quoted, comma-separated
  int64_t batch_ = 0;              // the batch begun
  enum class Stream { None, Open, Skipped };
  Stream stream_ = Stream::None;   // this batch's transaction, started by seal()
  bool copying_ = false;           // in COPY (the transaction has rows to send)
  size_t sent_ = 0;                // chunks [0, sent_) are in the open transaction's COPY
  bool binary_ = false;             // COPY's binary format (every column's type is exactly ours)
  std::string pending_;              // rows formatted since the last chunk
  CopyChunks chunks_;                // this batch's rows in COPY format
  std::unique_ptr<PostgresConnection> conn_;
};

// Registers a PostgresSink on the engine (Engine::add_sink).
PostgresSink& add_postgres_sink(Engine& engine, std::string name, PostgresSinkOptions options);

// A static table read from PostgreSQL at start: runs `query`, checks its
// columns against the schema's (`columns`, by name: a missing column or
// one whose type cannot be read as the schema's stops the program naming
// both) and hands the rows to the generated JSON decoder as JSON lines.
struct PostgresTableColumn {
  std::string name;
  std::string sdl_type;  // int, float, string, bool, timestamp (optional: nullable)
  bool nullable = false;
};
TableInput read_postgres_table(const std::string& name, const std::string& conninfo, const std::string& query,
                               const std::string& schema, const std::vector<PostgresTableColumn>& columns);

}  // namespace streamc::rt
