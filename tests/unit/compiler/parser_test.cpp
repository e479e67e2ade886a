// Tests for the SDL parser (syntax/parse.hpp): every declaration and
// expression form, precedence, literals, source ranges, and the one located
// diagnostic of each kind of syntax error.
#include "syntax/parse.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace streamc {
namespace {

using ast::DeclKind;
using ast::ExprKind;
using ast::Op;

// A parse with its file and diagnostics kept alive at stable addresses.
struct Parse {
  std::unique_ptr<SourceFile> file;
  std::unique_ptr<Diagnostics> diags;
  std::optional<ast::Program> program;
  std::optional<ast::ExprPtr> expr;

  std::string slice(SourceRange r) const { return std::string(file->slice(r)); }
  const Diagnostic& error() const { return diags->all().at(0); }
  // "line:col: message" of the one diagnostic.
  std::string located_error() const {
    if (diags->all().size() != 1) return "expected one diagnostic, got " + std::to_string(diags->all().size());
    LineCol lc = file->line_col(error().range.begin);
    return std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + error().message;
  }
  const ast::Expr& e() const { return **expr; }
};

Parse program(const std::string& text) {
  Parse p;
  p.file = std::make_unique<SourceFile>("test.sdl", text);
  p.diags = std::make_unique<Diagnostics>(*p.file);
  p.program = parse_program(*p.file, *p.diags);
  return p;
}

Parse expression(const std::string& text) {
  Parse p;
  p.file = std::make_unique<SourceFile>("test.sdl", text);
  p.diags = std::make_unique<Diagnostics>(*p.file);
  p.expr = parse_expression(*p.file, *p.diags);
  return p;
}

// The dump of an expression, or "error: …" with its location.
std::string dump_expr(const std::string& text) {
  Parse p = expression(text);
  if (!p.expr) return "error: " + p.located_error();
  EXPECT_TRUE(p.diags->all().empty());
  return ast::dump(p.e());
}

std::string dump_program(const std::string& text) {
  Parse p = program(text);
  if (!p.program) return "error: " + p.located_error();
  EXPECT_TRUE(p.diags->all().empty());
  return ast::dump(*p.program);
}

std::string expr_error(const std::string& text) {
  Parse p = expression(text);
  EXPECT_FALSE(p.expr) << text;
  return p.expr ? "parsed" : p.located_error();
}

std::string program_error(const std::string& text) {
  Parse p = program(text);
  EXPECT_FALSE(p.program) << text;
  return p.program ? "parsed" : p.located_error();
}

// ------------------------------------------------------------------ literals

TEST(ParserLiterals, Integers) {
  Parse p = expression("9223372036854775807");
  ASSERT_TRUE(p.expr);
  EXPECT_EQ(p.e().kind, ExprKind::IntLit);
  EXPECT_EQ(p.e().int_value, INT64_MAX);
  EXPECT_EQ(dump_expr("0"), "0");
  EXPECT_EQ(dump_expr("007"), "7");
}

TEST(ParserLiterals, NegativeNumbersFoldIntoLiterals) {
  Parse p = expression("-9223372036854775808");
  ASSERT_TRUE(p.expr);
  EXPECT_EQ(p.e().kind, ExprKind::IntLit);
  EXPECT_EQ(p.e().int_value, INT64_MIN);
  EXPECT_EQ(p.slice(p.e().range), "-9223372036854775808");
  EXPECT_EQ(dump_expr("-5"), "-5");
  EXPECT_EQ(dump_expr("- 1.5"), "-1.5");
  EXPECT_EQ(dump_expr("-x"), "(- x)");
  EXPECT_EQ(dump_expr("-(5)"), "(- 5)");
  EXPECT_EQ(dump_expr("-5s"), "(- 5s)");
}

TEST(ParserLiterals, Floats) {
  for (auto [text, value] : {std::pair{"1.5", 1.5}, {"2e3", 2000.0}, {"1.5e-3", 0.0015}, {"2E+2", 200.0}}) {
    Parse p = expression(text);
    ASSERT_TRUE(p.expr) << text;
    EXPECT_EQ(p.e().kind, ExprKind::FloatLit) << text;
    EXPECT_DOUBLE_EQ(p.e().float_value, value) << text;
  }
  EXPECT_EQ(dump_expr("1.0"), "1.0");
}

TEST(ParserLiterals, Strings) {
  Parse p = expression(R"("a\"b\\c\nd\te\rf")");
  ASSERT_TRUE(p.expr);
  EXPECT_EQ(p.e().kind, ExprKind::StringLit);
  EXPECT_EQ(p.e().text, "a\"b\\c\nd\te\rf");
  EXPECT_EQ(p.slice(p.e().range), R"("a\"b\\c\nd\te\rf")");
  EXPECT_EQ(expression(R"("caf\u00e9")").e().text, "caf\xC3\xA9");
  EXPECT_EQ(expression(R"("\u20AC")").e().text, "\xE2\x82\xAC");
  EXPECT_EQ(expression(R"("\ud83d\ude00")").e().text, "\xF0\x9F\x98\x80");  // a surrogate pair
  EXPECT_EQ(expression("\"caf\xC3\xA9\"").e().text, "caf\xC3\xA9");           // raw UTF-8 is kept
  EXPECT_EQ(expression(R"("")").e().text, "");
}

TEST(ParserLiterals, BoolsAndNull) {
  Parse t = expression("true");
  EXPECT_EQ(t.e().kind, ExprKind::BoolLit);
  EXPECT_TRUE(t.e().bool_value);
  Parse f = expression("false");
  EXPECT_EQ(f.e().kind, ExprKind::BoolLit);
  EXPECT_FALSE(f.e().bool_value);
  EXPECT_EQ(expression("null").e().kind, ExprKind::NullLit);
  // A keyword prefix does not make a keyword.
  EXPECT_EQ(expression("trueish").e().kind, ExprKind::Name);
  EXPECT_EQ(expression("null_count").e().text, "null_count");
}

TEST(ParserLiterals, DurationsInMicroseconds) {
  const std::pair<const char*, int64_t> cases[] = {
      {"7us", 7},
      {"250ms", 250'000},
      {"1s", 1'000'000},
      {"3600s", 3'600'000'000},
      {"5m", 300'000'000},
      {"2h", 7'200'000'000},
      {"1d", 86'400'000'000},
  };
  for (auto [text, micros] : cases) {
    Parse p = expression(text);
    ASSERT_TRUE(p.expr) << text;
    EXPECT_EQ(p.e().kind, ExprKind::DurationLit) << text;
    EXPECT_EQ(p.e().int_value, micros) << text;
    EXPECT_EQ(p.e().text, text);
    EXPECT_EQ(p.slice(p.e().range), text);
  }
  // A space makes it an integer followed by a name.
  EXPECT_EQ(expr_error("5 m"), "1:3: expected end of input");
}

// ------------------------------------------------------------------ expressions

TEST(ParserExpressions, NamesFieldsAndIndexes) {
  EXPECT_EQ(dump_expr("_a1"), "_a1");
  EXPECT_EQ(dump_expr("r.field"), "(. r field)");
  EXPECT_EQ(dump_expr("a.b.c"), "(. (. a b) c)");
  EXPECT_EQ(dump_expr("t.0"), "(. t 0)");
  EXPECT_EQ(dump_expr("t.0.1"), "(. (. t 0) 1)");
  EXPECT_EQ(dump_expr("r.*"), "(.* r)");
  EXPECT_EQ(dump_expr("ServiceResult.msgBody.itemList"), "(. (. ServiceResult msgBody) itemList)");
  // Keywords are field names after '.'.
  EXPECT_EQ(dump_expr("e.on"), "(. e on)");
  EXPECT_EQ(dump_expr("w.window.start"), "(. (. w window) start)");
  Parse p = expression("t.1");
  EXPECT_EQ(p.e().kind, ExprKind::TupleIndex);
  EXPECT_EQ(p.e().int_value, 1);
}

TEST(ParserExpressions, Calls) {
  EXPECT_EQ(dump_expr("count()"), "(call count)");
  EXPECT_EQ(dump_expr("f(x, y, key: v)"), "(call f x y key=v)");
  EXPECT_EQ(dump_expr("console(rows: 10)"), "(call console rows=10)");
  EXPECT_EQ(dump_expr("join(t, on: key, kind: left, within: 1h)"), "(call join t on=key kind=left within=1h)");
  EXPECT_EQ(dump_expr("udfs.normalize(x)"), "(call (. udfs normalize) x)");
  EXPECT_EQ(dump_expr("f(x)(y)"), "(call (call f x) y)");
  EXPECT_EQ(dump_expr("f(x).y"), "(. (call f x) y)");
  EXPECT_EQ(dump_expr("f(\n  a,\n  b,\n)"), "(call f a b)");
  Parse p = expression("f(x, rows: 10)");
  EXPECT_TRUE(p.e().is_call_to("f"));
  EXPECT_EQ(p.e().callee_name(), "f");
  EXPECT_EQ(p.e().args[0].name.name, "");
  EXPECT_EQ(p.e().args[1].name.name, "rows");
  EXPECT_EQ(p.slice(p.e().args[1].name.range), "rows");
  EXPECT_EQ(expression("a.f(x)").e().callee_name(), "");
}

TEST(ParserExpressions, SelectAndExplode) {
  EXPECT_EQ(dump_expr("select(e as name, *, r.*)"), "(call select (as e name) * (.* r))");
  EXPECT_EQ(dump_expr("explode(ServiceResult.msgBody.itemList as b)"),
            "(call explode (as (. (. ServiceResult msgBody) itemList) b))");
  EXPECT_EQ(dump_expr("aggregate(count() as n, sum(x + 1) as s)"),
            "(call aggregate (as (call count) n) (as (call sum (+ x 1)) s))");
  EXPECT_EQ(dump_expr("count(*)"), "(call count *)");
  Parse p = expression("select(a + b as total)");
  const ast::Expr& alias = *p.e().args[0].value;
  EXPECT_EQ(alias.kind, ExprKind::Alias);
  EXPECT_EQ(alias.text, "total");
  EXPECT_EQ(p.slice(alias.range), "a + b as total");
  EXPECT_EQ(p.slice(alias.name_range), "total");
  EXPECT_EQ(p.e().args[0].value->children[0]->kind, ExprKind::Binary);
  Parse s = expression("select(*)");
  EXPECT_EQ(s.e().args[0].value->kind, ExprKind::Star);
  EXPECT_EQ(s.slice(s.e().args[0].value->range), "*");
}

TEST(ParserExpressions, Lambdas) {
  EXPECT_EQ(dump_expr("x -> x + 1"), "(lambda (x) (+ x 1))");
  EXPECT_EQ(dump_expr("(a, b) -> a + b"), "(lambda (a b) (+ a b))");
  EXPECT_EQ(dump_expr("(x) -> x"), "(lambda (x) x)");
  EXPECT_EQ(dump_expr("() -> 1"), "(lambda () 1)");
  EXPECT_EQ(dump_expr("x -> y -> x + y"), "(lambda (x) (lambda (y) (+ x y)))");
  EXPECT_EQ(dump_expr("(values, state) -> (state ?? 0) + sum(values)"),
            "(lambda (values state) (+ (?? state 0) (call sum values)))");
  EXPECT_EQ(dump_expr("x -> if x > 0 then x else -x"), "(lambda (x) (if (> x 0) x (- x)))");
  // A lambda body stops before `|>`.
  EXPECT_EQ(dump_expr("x -> f(x) |> g"), "(|> (lambda (x) (call f x)) g)");
  Parse p = expression("(a, b) -> a");
  EXPECT_EQ(p.e().kind, ExprKind::Lambda);
  ASSERT_EQ(p.e().params.size(), 2u);
  EXPECT_EQ(p.slice(p.e().params[1].range), "b");
  EXPECT_EQ(p.slice(p.e().range), "(a, b) -> a");
}

TEST(ParserExpressions, TuplesAndParentheses) {
  EXPECT_EQ(dump_expr("(a)"), "a");
  EXPECT_EQ(dump_expr("((a))"), "a");
  EXPECT_EQ(dump_expr("(a, b)"), "(tuple a b)");
  EXPECT_EQ(dump_expr("(word, 1)"), "(tuple word 1)");
  EXPECT_EQ(dump_expr("(a, (b, c), d)"), "(tuple a (tuple b c) d)");
  EXPECT_EQ(dump_expr("((a, b))"), "(tuple a b)");
  EXPECT_EQ(dump_expr("(a + b) * c"), "(* (+ a b) c)");
  EXPECT_EQ(dump_expr("(a |> f) |> g"), "(|> (|> a f) g)");
  Parse p = expression("(a, b)");
  EXPECT_EQ(p.slice(p.e().range), "(a, b)");
}

TEST(ParserExpressions, RecordsAndLists) {
  EXPECT_EQ(dump_expr("{word: w, n: 1}"), "(record word=w n=1)");
  EXPECT_EQ(dump_expr("{}"), "(record)");
  EXPECT_EQ(dump_expr("{start: w.start, if_: 1,}"), "(record start=(. w start) if_=1)");
  EXPECT_EQ(dump_expr("{on: 1}"), "(record on=1)");
  EXPECT_EQ(dump_expr("[1, 2]"), "(list 1 2)");
  EXPECT_EQ(dump_expr("[]"), "(list)");
  EXPECT_EQ(dump_expr("[[1], [2, 3],]"), "(list (list 1) (list 2 3))");
  Parse p = expression("{a: 1}");
  EXPECT_EQ(p.e().kind, ExprKind::Record);
  EXPECT_EQ(p.slice(p.e().args[0].name.range), "a");
}

TEST(ParserExpressions, IfThenElse) {
  EXPECT_EQ(dump_expr("if a then b else c"), "(if a b c)");
  EXPECT_EQ(dump_expr("if a and b then 1 else if c then 2 else 3"), "(if (and a b) 1 (if c 2 3))");
  EXPECT_EQ(dump_expr("(if loud then upper(w) else w, 1)"), "(tuple (if loud (call upper w) w) 1)");
  EXPECT_EQ(dump_expr("if a then b else c |> f"), "(|> (if a b c) f)");
}

TEST(ParserExpressions, Pipes) {
  EXPECT_EQ(dump_expr("a |> count"), "(|> a count)");
  EXPECT_EQ(dump_expr("a |> count()"), "(|> a (call count))");
  EXPECT_EQ(dump_expr("a |> f |> g(x)"), "(|> (|> a f) (call g x))");
  EXPECT_EQ(dump_expr("lines |> flat_map(line -> split(line, \" \")) |> map(w -> (w, 1))"),
            "(|> (|> lines (call flat_map (lambda (line) (call split line \" \")))) "
            "(call map (lambda (w) (tuple w 1))))");
  EXPECT_EQ(dump_expr("a |> union(b |> map(f))"), "(|> a (call union (|> b (call map f))))");
  EXPECT_EQ(dump_expr("a |> lib.op(x)"), "(|> a (call (. lib op) x))");
  Parse p = expression("a |> f(x) |> g");
  EXPECT_EQ(p.e().kind, ExprKind::Pipe);
  EXPECT_EQ(p.e().children[1]->kind, ExprKind::Name);
  EXPECT_EQ(p.e().children[0]->children[1]->kind, ExprKind::Call);
  EXPECT_EQ(p.slice(p.e().range), "a |> f(x) |> g");
  EXPECT_EQ(p.slice(p.e().children[0]->range), "a |> f(x)");
}

// Lowest first: |>, lambda, if, ??, or, and, not, comparison, + -, * / %, unary -, postfix.
TEST(ParserExpressions, Precedence) {
  EXPECT_EQ(dump_expr("a ?? b ?? c"), "(?? a (?? b c))");  // right-associative
  EXPECT_EQ(dump_expr("a ?? b or c"), "(?? a (or b c))");
  EXPECT_EQ(dump_expr("a or b ?? c"), "(?? (or a b) c)");
  EXPECT_EQ(dump_expr("a or b and c"), "(or a (and b c))");
  EXPECT_EQ(dump_expr("a and b or c"), "(or (and a b) c)");
  EXPECT_EQ(dump_expr("a or b or c"), "(or (or a b) c)");
  EXPECT_EQ(dump_expr("a and b and c"), "(and (and a b) c)");
  EXPECT_EQ(dump_expr("not a and b"), "(and (not a) b)");
  EXPECT_EQ(dump_expr("not a == b"), "(not (== a b))");
  EXPECT_EQ(dump_expr("not not a"), "(not (not a))");
  EXPECT_EQ(dump_expr("a and not b or c"), "(or (and a (not b)) c)");
  EXPECT_EQ(dump_expr("a == b + c"), "(== a (+ b c))");
  EXPECT_EQ(dump_expr("a + b < c * d"), "(< (+ a b) (* c d))");
  EXPECT_EQ(dump_expr("a != b"), "(!= a b)");
  EXPECT_EQ(dump_expr("a <= b"), "(<= a b)");
  EXPECT_EQ(dump_expr("a >= b"), "(>= a b)");
  EXPECT_EQ(dump_expr("a > b"), "(> a b)");
  EXPECT_EQ(dump_expr("a < b"), "(< a b)");
  EXPECT_EQ(dump_expr("a - b - c"), "(- (- a b) c)");
  EXPECT_EQ(dump_expr("a + b * c"), "(+ a (* b c))");
  EXPECT_EQ(dump_expr("a * b + c"), "(+ (* a b) c)");
  EXPECT_EQ(dump_expr("a / b % c * d"), "(* (% (/ a b) c) d)");
  EXPECT_EQ(dump_expr("-a * b"), "(* (- a) b)");
  EXPECT_EQ(dump_expr("- -a"), "(- (- a))");
  EXPECT_EQ(dump_expr("-a.b"), "(- (. a b))");
  EXPECT_EQ(dump_expr("-f(x)"), "(- (call f x))");
  EXPECT_EQ(dump_expr("a-1"), "(- a 1)");
  EXPECT_EQ(dump_expr("\"a\" + b"), "(+ \"a\" b)");
  Parse p = expression("a and b");
  EXPECT_EQ(p.e().op, Op::And);
  EXPECT_STREQ(ast::op_spelling(Op::Coalesce), "??");
  EXPECT_STREQ(ast::op_spelling(Op::Not), "not");
  EXPECT_STREQ(ast::op_spelling(Op::Mod), "%");
}

TEST(ParserExpressions, Comments) {
  EXPECT_EQ(dump_expr("a /* inline */ + // to the end of the line\n b"), "(+ a b)");
  EXPECT_EQ(dump_expr("/* a /* b */ c"), "c");  // block comments do not nest
  EXPECT_EQ(dump_expr("a / b"), "(/ a b)");
  EXPECT_EQ(dump_expr("\"// not a comment\""), "\"// not a comment\"");
}

// ------------------------------------------------------------------ source ranges

TEST(ParserRanges, Expressions) {
  Parse p = expression("  a + b  ");
  EXPECT_EQ(p.slice(p.e().range), "a + b");
  EXPECT_EQ(p.slice(p.e().children[0]->range), "a");
  EXPECT_EQ(p.slice(p.e().children[1]->range), "b");

  Parse c = expression("f(x, g(y))");
  EXPECT_EQ(c.slice(c.e().range), "f(x, g(y))");
  EXPECT_EQ(c.slice(c.e().args[1].value->range), "g(y)");
  EXPECT_EQ(c.slice(c.e().children[0]->range), "f");

  Parse f = expression("rec.field_name");
  EXPECT_EQ(f.slice(f.e().range), "rec.field_name");
  EXPECT_EQ(f.slice(f.e().name_range), "field_name");

  Parse paren = expression("(a + b) * c");
  EXPECT_EQ(paren.slice(paren.e().range), "(a + b) * c");
  EXPECT_EQ(paren.slice(paren.e().children[0]->range), "a + b");

  Parse chain = expression("a + b + c");
  EXPECT_EQ(chain.slice(chain.e().children[0]->range), "a + b");

  Parse coalesce = expression("a ?? b ?? c");
  EXPECT_EQ(coalesce.slice(coalesce.e().children[1]->range), "b ?? c");

  Parse neg = expression("-x");
  EXPECT_EQ(neg.slice(neg.e().range), "-x");
  Parse not_ = expression("not   x");
  EXPECT_EQ(not_.slice(not_.e().range), "not   x");

  Parse cond = expression("if a then b else c");
  EXPECT_EQ(cond.slice(cond.e().range), "if a then b else c");

  Parse rec = expression("{a: 1, b: [2]}");
  EXPECT_EQ(rec.slice(rec.e().range), "{a: 1, b: [2]}");
  EXPECT_EQ(rec.slice(rec.e().args[1].value->range), "[2]");

  Parse star = expression("r.*");
  EXPECT_EQ(star.slice(star.e().range), "r.*");

  Parse idx = expression("t.0");
  EXPECT_EQ(idx.slice(idx.e().range), "t.0");

  Parse ty = program("param p: int   = 1");
  EXPECT_EQ(ty.slice(ty.program->decls[0].type->range), "int");

  Parse arg = expression("f(a  , b as c  )");
  EXPECT_EQ(arg.slice(arg.e().args[1].value->range), "b as c");

  // Trailing whitespace and comments never stretch a range.
  for (const char* text : {"f(a)  ", "{a: 1}  ", "x -> x  // c", "a |> f  ", "[1]\n", "not x  ", "a < b  "}) {
    Parse t = expression(text);
    ASSERT_TRUE(t.expr) << text;
    std::string s = t.slice(t.e().range);
    EXPECT_TRUE(!s.empty() && s.back() != ' ' && s.back() != '\n' && s.back() != 'c') << text << " -> '" << s << "'";
  }

  Parse call = expression("(f)(x)");
  EXPECT_EQ(call.slice(call.e().range), "(f)(x)");
}

TEST(ParserRanges, Declarations) {
  Parse p = program(
      "// header\n"
      "param port: int = 9999\n"
      "sink counts -> console(rows: 10)   // trailing comment\n"
      "  mode update\n");
  ASSERT_TRUE(p.program);
  const auto& decls = p.program->decls;
  ASSERT_EQ(decls.size(), 2u);
  EXPECT_EQ(p.slice(decls[0].range), "param port: int = 9999");
  EXPECT_EQ(p.slice(decls[0].name.range), "port");
  EXPECT_EQ(p.slice(decls[0].type->range), "int");
  EXPECT_EQ(p.slice(decls[0].value->range), "9999");
  EXPECT_EQ(p.slice(decls[1].range), "sink counts -> console(rows: 10)   // trailing comment\n  mode update");
  EXPECT_EQ(p.slice(decls[1].name.range), "counts");
  EXPECT_EQ(p.slice(decls[1].value->range), "console(rows: 10)");
  EXPECT_EQ(p.slice(decls[1].clauses[0].range), "mode update");
  EXPECT_EQ(p.slice(decls[1].clauses[0].word.range), "update");
  EXPECT_EQ(p.file->line_col(decls[1].range.begin).line, 3u);
}

// ------------------------------------------------------------------ declarations

TEST(ParserDeclarations, Param) {
  EXPECT_EQ(dump_program("param host: string = \"localhost\""), "(param host string \"localhost\")\n");
  EXPECT_EQ(dump_program("param t: timestamp? = null"), "(param t timestamp? null)\n");
  Parse p = program("param port: int = 9999");
  const ast::Decl& d = p.program->decls.at(0);
  EXPECT_EQ(d.kind, DeclKind::Param);
  EXPECT_EQ(d.name.name, "port");
  EXPECT_EQ(d.type->kind, ast::TypeExpr::Kind::Named);
  EXPECT_EQ(d.type->name, "int");
  EXPECT_EQ(d.value->int_value, 9999);
}

TEST(ParserDeclarations, Types) {
  auto type_of = [](const std::string& t) {
    Parse p = program("param p: " + t + " = 0");
    if (!p.program) return "error: " + p.located_error();
    return ast::dump(*p.program->decls.at(0).type);
  };
  for (const char* t : {"bool", "int", "float", "string", "timestamp", "duration", "Bus"}) EXPECT_EQ(type_of(t), t);
  EXPECT_EQ(type_of("[int]"), "(list int)");
  EXPECT_EQ(type_of("[int]?"), "(list int)?");
  EXPECT_EQ(type_of("[int?]"), "(list int?)");
  EXPECT_EQ(type_of("(string, int)"), "(tuple string int)");
  EXPECT_EQ(type_of("(string, [float], Word?)"), "(tuple string (list float) Word?)");
  EXPECT_EQ(type_of("{start: timestamp, end: timestamp}"), "(record start:timestamp end:timestamp)");
  EXPECT_EQ(type_of("{a: {b: int}?, c: [(int, int)]}?"), "(record a:(record b:int)? c:(list (tuple int int)))?");
  EXPECT_EQ(type_of("(int)"), "int");
  EXPECT_EQ(type_of("(int)?"), "int?");
  Parse p = program("param p: {a: int, b: string?}? = null");
  const ast::TypeExpr& t = *p.program->decls[0].type;
  EXPECT_EQ(t.kind, ast::TypeExpr::Kind::Record);
  EXPECT_TRUE(t.optional);
  ASSERT_EQ(t.field_names.size(), 2u);
  EXPECT_EQ(p.slice(t.field_names[1].range), "b");
  EXPECT_EQ(p.slice(t.elements[1].range), "string?");
  EXPECT_EQ(p.slice(t.range), "{a: int, b: string?}?");
}

TEST(ParserDeclarations, ConfigAndImport) {
  EXPECT_EQ(dump_program("config { batch: 1s, threads: 2, checkpoint: \"dir\" }"),
            "(config batch=1s threads=2 checkpoint=\"dir\")\n");
  EXPECT_EQ(dump_program("config {}"), "(config)\n");
  Parse p = program("import \"path/udfs.hpp\"");
  const ast::Decl& d = p.program->decls.at(0);
  EXPECT_EQ(d.kind, DeclKind::Import);
  EXPECT_EQ(d.path, "path/udfs.hpp");
  EXPECT_EQ(p.slice(d.path_range), "\"path/udfs.hpp\"");
  Parse c = program("config { batch: 1s }");
  EXPECT_EQ(c.program->decls[0].entries[0].name.name, "batch");
  EXPECT_EQ(c.program->decls[0].entries[0].value->int_value, 1'000'000);
}

TEST(ParserDeclarations, Schemas) {
  EXPECT_EQ(dump_program("schema Word { word: string, ts: timestamp }"),
            "(schema Word (record word:string ts:timestamp))\n");
  EXPECT_EQ(dump_program("schema Event {\n  user: string,\n  on: bool?,\n}"),
            "(schema Event (record user:string on:bool?))\n");
  EXPECT_EQ(dump_program("schema Bus = infer(\"samples/bus.json\")"),
            "(schema Bus (call infer \"samples/bus.json\"))\n");
  Parse p = program("schema Bus = infer(\"b.json\")");
  const ast::Decl& d = p.program->decls.at(0);
  EXPECT_FALSE(d.type);
  EXPECT_TRUE(d.value->is_call_to("infer"));
  EXPECT_EQ(p.slice(d.value->range), "infer(\"b.json\")");
  EXPECT_EQ(p.slice(d.value->children[0]->range), "infer");
  Parse r = program("schema W { w: string }");
  EXPECT_FALSE(r.program->decls[0].value);
  EXPECT_EQ(r.slice(r.program->decls[0].type->range), "{ w: string }");
}

TEST(ParserDeclarations, SourcesTablesStreams) {
  EXPECT_EQ(dump_program("source lines = socket(host, port)"), "(source lines (call socket host port))\n");
  EXPECT_EQ(dump_program("table users = files(\"users.csv\", format: csv, schema: User)"),
            "(table users (call files \"users.csv\" format=csv schema=User))\n");
  EXPECT_EQ(dump_program("stream s = a |> map(f)"), "(stream s (|> a (call map f)))\n");
  EXPECT_EQ(dump_program("stream t = s"), "(stream t s)\n");
  Parse p = program("table t = files(\"x\")");
  EXPECT_EQ(p.program->decls.at(0).kind, DeclKind::Table);
}

TEST(ParserDeclarations, SinkClauses) {
  EXPECT_EQ(dump_program("sink s -> console()"), "(sink s (call console))\n");
  EXPECT_EQ(dump_program("sink s -> console() mode update"), "(sink s (call console) (mode update))\n");
  EXPECT_EQ(dump_program("sink s -> files(\"out\") trigger every 3600s checkpoint \"chk\""),
            "(sink s (call files \"out\") (trigger every 3600s) (checkpoint \"chk\"))\n");
  EXPECT_EQ(dump_program("sink s -> files(\"o\") checkpoint \"c\" trigger once mode append"),
            "(sink s (call files \"o\") (checkpoint \"c\") (trigger once) (mode append))\n");
  EXPECT_EQ(dump_program("sink s -> console() trigger available_now"),
            "(sink s (call console) (trigger available_now))\n");
  // Repeated clauses are the checker's business.
  EXPECT_EQ(dump_program("sink s -> console() mode update mode complete"),
            "(sink s (call console) (mode update) (mode complete))\n");
  Parse p = program("sink s -> console() trigger every 10s");
  const ast::SinkClause& c = p.program->decls.at(0).clauses.at(0);
  EXPECT_EQ(c.kind, ast::SinkClause::Kind::TriggerEvery);
  EXPECT_EQ(c.value->kind, ExprKind::DurationLit);
  EXPECT_EQ(c.value->int_value, 10'000'000);
  EXPECT_EQ(p.slice(c.range), "trigger every 10s");
  Parse k = program("sink s -> console() checkpoint \"d\"");
  EXPECT_EQ(k.program->decls[0].clauses[0].kind, ast::SinkClause::Kind::Checkpoint);
  EXPECT_EQ(k.program->decls[0].clauses[0].value->text, "d");
}

TEST(ParserDeclarations, EmptyProgramAndComments) {
  EXPECT_EQ(dump_program(""), "");
  EXPECT_EQ(dump_program("  // only a comment\n/* and\n another */\n"), "");
  EXPECT_EQ(dump_program("stream a = b stream c = d"), "(stream a b)\n(stream c d)\n");
}

// ------------------------------------------------------------------ whole programs

const char* kWordcount = R"(// wordcount.sdl: count the words that arrive on a TCP socket, every second.
param host: string = "localhost"
param port: int = 9999
config { batch: 1s }

source lines = socket(host, port)          // a stream of text lines

stream counts = lines
  |> flat_map(line -> split(line, " "))
  |> map(word -> (word, 1))
  |> reduce_by_key((a, b) -> a + b)        // per batch, like DStream.reduceByKey

sink counts -> console(rows: 10)           // like DStream.pprint()
)";

TEST(ParserPrograms, Wordcount) {
  EXPECT_EQ(dump_program(kWordcount),
            "(param host string \"localhost\")\n"
            "(param port int 9999)\n"
            "(config batch=1s)\n"
            "(source lines (call socket host port))\n"
            "(stream counts (|> (|> (|> lines (call flat_map (lambda (line) (call split line \" \")))) "
            "(call map (lambda (word) (tuple word 1)))) (call reduce_by_key (lambda (a b) (+ a b)))))\n"
            "(sink counts (call console rows=10))\n");
}

TEST(ParserPrograms, Bus) {
  EXPECT_EQ(dump_program(R"(// bus.sdl: flatten nested bus-position JSON files into JSON lines, hourly.
schema Bus = infer("samples/bus.json")
source bus = files("in/*100100073.json", format: json, schema: Bus)
stream buses = bus
  |> explode(ServiceResult.msgBody.itemList as b)
  |> select(b.*)
sink buses -> files("out/bus100100073", format: json)
  trigger every 3600s checkpoint "chk/bus100100073"
)"),
            "(schema Bus (call infer \"samples/bus.json\"))\n"
            "(source bus (call files \"in/*100100073.json\" format=json schema=Bus))\n"
            "(stream buses (|> (|> bus (call explode (as (. (. ServiceResult msgBody) itemList) b))) "
            "(call select (.* b))))\n"
            "(sink buses (call files \"out/bus100100073\" format=json) (trigger every 3600s) "
            "(checkpoint \"chk/bus100100073\"))\n");
}

TEST(ParserPrograms, WindowedCounts) {
  EXPECT_EQ(dump_program(R"(// windowed_counts.sdl: word counts per 10-minute window sliding every 5.
schema Word { word: string, ts: timestamp }
source words = socket("localhost", 9999, format: csv, schema: Word)
stream counts = words
  |> watermark(ts, 10m)
  |> group_by(window(ts, 10m, 5m), word)
  |> aggregate(count() as n)
sink counts -> console() mode update
)"),
            "(schema Word (record word:string ts:timestamp))\n"
            "(source words (call socket \"localhost\" 9999 format=csv schema=Word))\n"
            "(stream counts (|> (|> (|> words (call watermark ts 10m)) (call group_by (call window ts 10m 5m) word)) "
            "(call aggregate (as (call count) n))))\n"
            "(sink counts (call console) (mode update))\n");
}

TEST(ParserPrograms, JoinsAndState) {
  EXPECT_EQ(dump_program(R"(
stream joined = clicks
  |> join(users, on: (a, b) -> a.k == b.k, kind: left, within: 1h)
  |> filter(event_type == "view")
  |> update_state_by_key((values, state) -> (state ?? 0) + sum(values))
  |> drop_duplicates(user, ts)
)"),
            "(stream joined (|> (|> (|> (|> clicks (call join users on=(lambda (a b) (== (. a k) (. b k))) kind=left "
            "within=1h)) (call filter (== event_type \"view\"))) (call update_state_by_key (lambda (values state) "
            "(+ (?? state 0) (call sum values))))) (call drop_duplicates user ts)))\n");
}

// Every program shipped in examples/ and tests/golden/ parses.
TEST(ParserPrograms, RepositoryPrograms) {
  namespace fs = std::filesystem;
  int parsed = 0;
  for (const char* dir : {"examples", "tests/golden"}) {
    fs::path root = fs::path(STREAMC_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (entry.path().extension() != ".sdl") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      Parse p = program(text.str());
      EXPECT_TRUE(p.program) << entry.path() << ": " << p.located_error();
      ++parsed;
    }
  }
  EXPECT_GT(parsed, 0);
}

// ------------------------------------------------------------------ errors

TEST(ParserErrors, MissingTokens) {
  EXPECT_EQ(expr_error("map(x -> x + 1"), "1:15: expected ')'");
  EXPECT_EQ(expr_error("f(a b)"), "1:5: expected ')'");
  EXPECT_EQ(expr_error("[1, 2"), "1:6: expected ']'");
  EXPECT_EQ(expr_error("{a: 1"), "1:6: expected '}'");
  EXPECT_EQ(expr_error("{a 1}"), "1:4: expected ':'");
  EXPECT_EQ(expr_error("if a then b"), "1:12: expected 'else'");
  EXPECT_EQ(expr_error("if a b"), "1:6: expected 'then'");
  EXPECT_EQ(expr_error("a +"), "1:4: expected an expression");
  EXPECT_EQ(expr_error("()"), "1:2: expected an expression");
  EXPECT_EQ(expr_error("f(x: )"), "1:6: expected an expression");
  EXPECT_EQ(expr_error("x."), "1:3: expected a field name or tuple index after '.'");
  EXPECT_EQ(expr_error("a |> "), "1:6: expected an operator after '|>'");
  EXPECT_EQ(expr_error("a |> 5"), "1:6: expected an operator after '|>'");
  EXPECT_EQ(expr_error("a |> f.x"), "1:6: expected an operator after '|>'");
  EXPECT_EQ(expr_error("f(e as)"), "1:7: expected an identifier");
  EXPECT_EQ(expr_error("a b"), "1:3: expected end of input");
  EXPECT_EQ(expr_error(")"), "1:1: expected an expression");
}

TEST(ParserErrors, Declarations) {
  EXPECT_EQ(program_error("strem s = x"),
            "1:1: expected a declaration (param, config, import, schema, source, table, stream or sink)");
  EXPECT_EQ(program_error("stream s = a\n  |> map(x -> x + 1\nsink s -> console()"), "3:1: expected ')'");
  EXPECT_EQ(program_error("stream s =\n"), "2:1: expected an expression");
  EXPECT_EQ(program_error("param p: = 1"), "1:10: expected a type");
  EXPECT_EQ(program_error("param p: [int = 1"), "1:15: expected ']'");
  EXPECT_EQ(program_error("param p int = 1"), "1:9: expected ':'");
  EXPECT_EQ(program_error("param p: int"), "1:13: expected '='");
  EXPECT_EQ(program_error("config batch: 1s"), "1:8: expected '{'");
  EXPECT_EQ(program_error("config { batch 1s }"), "1:16: expected ':'");
  EXPECT_EQ(program_error("import udfs"), "1:8: expected a string");
  EXPECT_EQ(program_error("schema S"), "1:9: expected '=' or '{'");
  EXPECT_EQ(program_error("schema S = files(\"x\")"), "1:12: expected 'infer'");
  EXPECT_EQ(program_error("schema S = infer"), "1:17: expected '('");
  EXPECT_EQ(program_error("source s = lines"), "1:12: expected a connector call");
  EXPECT_EQ(program_error("source s ="), "1:11: expected a connector call");
  EXPECT_EQ(program_error("sink s console()"), "1:8: expected '->'");
  EXPECT_EQ(program_error("sink s -> console() mode"), "1:25: expected a mode (append, update or complete)");
  EXPECT_EQ(program_error("sink s -> console() trigger sometimes"),
            "1:29: expected 'every', 'once' or 'available_now'");
  EXPECT_EQ(program_error("sink s -> console() trigger every"), "1:34: expected an expression");
  EXPECT_EQ(program_error("sink s -> console() checkpoint dir"), "1:32: expected a string");
}

TEST(ParserErrors, KeywordsAsNames) {
  EXPECT_EQ(program_error("stream stream = x"), "1:8: 'stream' is a keyword and cannot be used as a name");
  EXPECT_EQ(program_error("param on: int = 1"), "1:7: 'on' is a keyword and cannot be used as a name");
  EXPECT_EQ(expr_error("select(a as if)"), "1:13: 'if' is a keyword and cannot be used as a name");
  Parse p = program("source mode = x()");
  ASSERT_FALSE(p.program);
  EXPECT_EQ(p.slice(p.error().range), "mode");
}

TEST(ParserErrors, Literals) {
  EXPECT_EQ(expr_error("\"abc"), "1:1: unterminated string");
  EXPECT_EQ(expr_error("f(\"abc\n)"), "1:3: unterminated string");
  EXPECT_EQ(expr_error(R"("a\qb")"), "1:3: unknown escape '\\q' in string");
  EXPECT_EQ(expr_error(R"("\u12")"), "1:2: expected 4 hex digits after '\\u' in string");
  EXPECT_EQ(expr_error(R"("\ud800x")"), "1:2: unpaired surrogate '\\ud800' in string");
  EXPECT_EQ(expr_error(R"("\udc00")"), "1:2: unpaired surrogate '\\udc00' in string");
  EXPECT_EQ(expr_error("99999999999999999999"), "1:1: integer literal out of range");
  EXPECT_EQ(expr_error("9223372036854775808"), "1:1: integer literal out of range");
  EXPECT_EQ(expr_error("x + 9223372036854775808"), "1:5: integer literal out of range");
  EXPECT_EQ(expr_error("5min"), "1:1: invalid suffix 'min' on number; duration units are us, ms, s, m, h and d");
  EXPECT_EQ(expr_error("12abc"), "1:1: invalid suffix 'abc' on number; duration units are us, ms, s, m, h and d");
  EXPECT_EQ(expr_error("1.5s"),
            "1:1: invalid suffix 's' on number; a duration is a whole number of a unit, e.g. 1500ms");
  EXPECT_EQ(expr_error("99999999999d"), "1:1: duration literal out of range");
  EXPECT_EQ(expr_error("1e999"), "1:1: float literal out of range");
  EXPECT_EQ(expr_error("t.0x"), "1:3: invalid tuple index '0x'");
  Parse p = expression("f(\"a\\qb\")");
  EXPECT_EQ(p.slice(p.error().range), "\\q");
  Parse m = expression("[5min]");
  EXPECT_EQ(m.slice(m.error().range), "5min");
}

TEST(ParserErrors, CommentsAndOperators) {
  EXPECT_EQ(program_error("stream s = a\n/* never closed\nsink"), "2:1: unterminated comment");
  EXPECT_EQ(expr_error("a < b < c"), "1:7: comparison operators cannot be chained; use parentheses");
  EXPECT_EQ(expr_error("a == b != c"), "1:8: comparison operators cannot be chained; use parentheses");
  EXPECT_EQ(dump_expr("(a < b) == c"), "(== (< a b) c)");
}

TEST(ParserErrors, RangeIsTheOffendingToken) {
  Parse p = program("stream s = f(x y)");
  ASSERT_FALSE(p.program);
  EXPECT_EQ(p.slice(p.error().range), "y");
  Parse eof = expression("f(x");
  EXPECT_EQ(eof.error().range.begin, 3u);
  EXPECT_EQ(eof.error().range.end, 3u);
  Parse op = expression("a +|> b");
  EXPECT_EQ(op.slice(op.error().range), "|>");
  // The rendered diagnostic points at it.
  std::ostringstream out;
  p.diags->render(out);
  EXPECT_EQ(out.str(), "test.sdl:1:16: error: expected ')'\nstream s = f(x y)\n               ^\n");
}

}  // namespace
}  // namespace streamc
