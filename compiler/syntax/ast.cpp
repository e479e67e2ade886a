// The AST helpers and its S-expression dump (parser tests, --dump-after=parse).
#include "syntax/ast.hpp"

#include <charconv>
#include <cstring>

namespace streamc::ast {

const char* op_spelling(Op op) {
  switch (op) {
    case Op::None: return "";
    case Op::Neg: return "-";
    case Op::Not: return "not";
    case Op::Coalesce: return "??";
    case Op::Or: return "or";
    case Op::And: return "and";
    case Op::Eq: return "==";
    case Op::Ne: return "!=";
    case Op::Lt: return "<";
    case Op::Le: return "<=";
    case Op::Gt: return ">";
    case Op::Ge: return ">=";
    case Op::Add: return "+";
    case Op::Sub: return "-";
    case Op::Mul: return "*";
    case Op::Div: return "/";
    case Op::Mod: return "%";
  }
  return "";
}

const std::string& Expr::callee_name() const {
  static const std::string empty;
  if (kind != ExprKind::Call || children.empty() || children[0]->kind != ExprKind::Name) return empty;
  return children[0]->text;
}

bool Expr::is_call_to(const char* name) const { return callee_name() == name; }

namespace {

void quote(std::string& out, const std::string& s) {
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string float_text(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".eni") == std::string::npos) s += ".0";  // keep floats apart from ints
  return s;
}

void dump_to(std::string& out, const Expr& e);

void dump_args(std::string& out, const std::vector<Arg>& args) {
  for (const auto& a : args) {
    out += ' ';
    if (!a.name.name.empty()) out += a.name.name + '=';
    if (a.value) dump_to(out, *a.value);
  }
}

void dump_children(std::string& out, const Expr& e) {
  for (const auto& c : e.children) {
    out += ' ';
    dump_to(out, *c);
  }
}

// Atoms print as written (strings re-escaped); everything else as (head …).
void dump_to(std::string& out, const Expr& e) {
  switch (e.kind) {
    case ExprKind::Name: out += e.text; return;
    case ExprKind::IntLit: out += std::to_string(e.int_value); return;
    case ExprKind::FloatLit: out += float_text(e.float_value); return;
    case ExprKind::StringLit: quote(out, e.text); return;
    case ExprKind::BoolLit: out += e.bool_value ? "true" : "false"; return;
    case ExprKind::NullLit: out += "null"; return;
    case ExprKind::DurationLit: out += e.text; return;
    case ExprKind::Star: out += '*'; return;
    case ExprKind::Field: out += "(. "; dump_to(out, *e.children[0]); out += ' ' + e.text + ')'; return;
    case ExprKind::TupleIndex:
      out += "(. ";
      dump_to(out, *e.children[0]);
      out += ' ' + std::to_string(e.int_value) + ')';
      return;
    case ExprKind::FieldStar: out += "(.* "; dump_to(out, *e.children[0]); out += ')'; return;
    case ExprKind::Call:
      out += "(call ";
      dump_to(out, *e.children[0]);
      dump_args(out, e.args);
      out += ')';
      return;
    case ExprKind::Lambda:
      out += "(lambda (";
      for (size_t i = 0; i < e.params.size(); ++i) out += (i ? " " : "") + e.params[i].name;
      out += ')';
      dump_children(out, e);
      out += ')';
      return;
    case ExprKind::Tuple: out += "(tuple"; dump_children(out, e); out += ')'; return;
    case ExprKind::Record: out += "(record"; dump_args(out, e.args); out += ')'; return;
    case ExprKind::List: out += "(list"; dump_children(out, e); out += ')'; return;
    case ExprKind::Unary:
    case ExprKind::Binary:
      out += '(';
      out += op_spelling(e.op);
      dump_children(out, e);
      out += ')';
      return;
    case ExprKind::If: out += "(if"; dump_children(out, e); out += ')'; return;
    case ExprKind::Alias: out += "(as "; dump_to(out, *e.children[0]); out += ' ' + e.text + ')'; return;
    case ExprKind::Pipe: out += "(|>"; dump_children(out, e); out += ')'; return;
  }
}

void dump_to(std::string& out, const TypeExpr& t) {
  switch (t.kind) {
    case TypeExpr::Kind::Named: out += t.name; break;
    case TypeExpr::Kind::List: out += "(list "; dump_to(out, t.elements[0]); out += ')'; break;
    case TypeExpr::Kind::Tuple:
      out += "(tuple";
      for (const auto& e : t.elements) {
        out += ' ';
        dump_to(out, e);
      }
      out += ')';
      break;
    case TypeExpr::Kind::Record:
      out += "(record";
      for (size_t i = 0; i < t.elements.size(); ++i) {
        out += ' ' + (i < t.field_names.size() ? t.field_names[i].name : std::string("?")) + ':';
        dump_to(out, t.elements[i]);
      }
      out += ')';
      break;
  }
  if (t.optional) out += '?';
}

const char* decl_word(DeclKind k) {
  switch (k) {
    case DeclKind::Param: return "param";
    case DeclKind::Config: return "config";
    case DeclKind::Import: return "import";
    case DeclKind::Schema: return "schema";
    case DeclKind::Source: return "source";
    case DeclKind::Table: return "table";
    case DeclKind::Stream: return "stream";
    case DeclKind::Sink: return "sink";
  }
  return "?";
}

void dump_clause(std::string& out, const SinkClause& c) {
  switch (c.kind) {
    case SinkClause::Kind::Mode: out += "(mode " + c.word.name + ')'; return;
    case SinkClause::Kind::TriggerEvery: out += "(trigger every "; break;
    case SinkClause::Kind::TriggerOnce: out += "(trigger once)"; return;
    case SinkClause::Kind::TriggerAvailableNow: out += "(trigger available_now)"; return;
    case SinkClause::Kind::Checkpoint: out += "(checkpoint "; break;
  }
  if (c.value) dump_to(out, *c.value);
  out += ')';
}

}  // namespace

std::string dump(const Expr& e) {
  std::string out;
  dump_to(out, e);
  return out;
}

std::string dump(const TypeExpr& t) {
  std::string out;
  dump_to(out, t);
  return out;
}

// One line per declaration: (param port int 9999), (sink counts (call console rows=10) (mode update)).
std::string dump(const Program& p) {
  std::string out;
  for (const auto& d : p.decls) {
    out += '(';
    out += decl_word(d.kind);
    if (d.kind == DeclKind::Import) {
      out += ' ';
      quote(out, d.path);
    }
    if (!d.name.name.empty()) out += ' ' + d.name.name;
    if (d.type) out += ' ' + dump(*d.type);
    if (d.value) out += ' ' + dump(*d.value);
    dump_args(out, d.entries);
    for (const auto& c : d.clauses) {
      out += ' ';
      dump_clause(out, c);
    }
    out += ")\n";
  }
  return out;
}

}  // namespace streamc::ast
