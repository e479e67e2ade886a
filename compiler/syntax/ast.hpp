// The SDL abstract syntax tree: what the parser produces and the checker reads.
//
// One node type per syntactic category (Expr, TypeExpr, Decl), each a small
// struct with a `kind` and a SourceRange, chibicc/Carbon style: easy to build
// from the Spirit X3 parse, easy to walk, easy to print. The X3 attribute
// types live privately inside syntax/ and are converted to these nodes there.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diag/source_file.hpp"

namespace streamc::ast {

struct Identifier {
  std::string name;
  SourceRange range;
};

// ---------------------------------------------------------------- types
// `int`, `string`, `Bus` (a schema name), `[T]`, `(T1, T2)`, `{a: T, b: U}`,
// any of them followed by `?`.
struct TypeExpr {
  enum class Kind { Named, List, Tuple, Record };
  Kind kind = Kind::Named;
  std::string name;                   // Named
  std::vector<TypeExpr> elements;     // List: one element; Tuple: 2+; Record: one per field
  std::vector<Identifier> field_names;  // Record: parallel to `elements`
  bool optional = false;              // trailing `?`
  SourceRange range;
};

// ---------------------------------------------------------------- expressions
struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
  Name,         // text = identifier
  IntLit,       // int_value
  FloatLit,     // float_value
  StringLit,    // text = decoded value (escapes resolved, UTF-8)
  BoolLit,      // bool_value
  NullLit,
  DurationLit,  // int_value = microseconds; text = spelling ("250ms")
  Field,        // children[0].text ; text = field name; name_range = the field name
  TupleIndex,   // children[0].N    ; int_value = N
  FieldStar,    // children[0].*    (in select)
  Star,         // *                (in select)
  Call,         // children[0] = callee (Name or Field); args
  Lambda,       // params => children[0] (body)
  Tuple,        // children = elements (2+)
  Record,       // args = fields (every arg named)
  List,         // children = elements
  Unary,        // op, children[0]
  Binary,       // op, children[0], children[1]
  If,           // children = {cond, then, else}
  Alias,        // children[0] `as` text ; name_range = the alias name
  Pipe,         // children[0] |> children[1]  (children[1] is a Call or Name)
};

enum class Op {
  None,
  // unary
  Neg, Not,
  // binary, by precedence (lowest first): ?? or and == != < <= > >= + - * / %
  Coalesce, Or, And, Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod,
};

const char* op_spelling(Op op);

// A call argument: positional (`name` empty) or named (`rows: 10`).
struct Arg {
  Identifier name;  // empty name = positional
  ExprPtr value;
};

struct Expr {
  ExprKind kind = ExprKind::Name;
  SourceRange range;
  std::string text;
  SourceRange name_range;  // Field, Alias: the identifier after `.` / `as`
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  Op op = Op::None;
  std::vector<ExprPtr> children;
  std::vector<Arg> args;                // Call, Record
  std::vector<Identifier> params;       // Lambda

  // Helpers for the checker and tests.
  bool is_call_to(const char* callee_name) const;
  const std::string& callee_name() const;  // Call with a Name callee; empty otherwise
};

// ---------------------------------------------------------------- declarations
enum class DeclKind { Param, Config, Import, Schema, Source, Table, Stream, Sink };

// A sink clause: `mode update`, `trigger every 10s`, `trigger once`,
// `trigger available_now`, `checkpoint "dir"`.
struct SinkClause {
  enum class Kind { Mode, TriggerEvery, TriggerOnce, TriggerAvailableNow, Checkpoint };
  Kind kind = Kind::Mode;
  Identifier word;   // Mode: append|update|complete (as written)
  ExprPtr value;     // TriggerEvery: the duration expr; Checkpoint: the string expr
  SourceRange range;
};

struct Decl {
  DeclKind kind = DeclKind::Stream;
  SourceRange range;       // the whole declaration
  Identifier name;         // Param, Schema, Source, Table, Stream: the declared name;
                           // Sink: the stream it reads (`sink counts -> …`)
  // Param
  std::optional<TypeExpr> type;   // Param: its type; Schema: the `{…}` record type
  ExprPtr value;                  // Param: default; Source/Table/Sink: the connector Call;
                                  // Stream: the dataflow expr; Schema: the `infer(…)` Call
  // Config: `config { batch: 1s, threads: 2 }`
  std::vector<Arg> entries;
  // Import: `import "path"`
  std::string path;
  SourceRange path_range;
  // Sink
  std::vector<SinkClause> clauses;
};

struct Program {
  std::vector<Decl> decls;
};

// A readable S-expression dump, used by parser tests and `--dump-after=parse`.
std::string dump(const Expr& e);
std::string dump(const TypeExpr& t);
std::string dump(const Program& p);

}  // namespace streamc::ast
