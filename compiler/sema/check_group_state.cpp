// Spark's mapGroupsWithState / flatMapGroupsWithState:
//
//   stream alerts = events
//     |> group_by(user)
//     |> map_groups_with_state((user, rows, state) -> (row, update(state, …)),
//                              state: Session, timeout: processing_time)
//
// f gets the key, the batch's rows of that key and a GroupState record
// (exists, value, has_timed_out, timeout, processing_time, watermark) and
// returns its output (one row; a list of rows for the flat form) with the
// state it leaves: `state` unchanged, `update(state, v)`, `remove(state)`,
// and `set_timeout_duration(state, d)` / `set_timeout_timestamp(state, t)`
// on either. The checker makes a MapGroupsWithState node; the code
// generator calls f per key and then per timed-out key (emit_cpp.cpp).
#include <algorithm>

#include "sema/checker.hpp"

namespace streamc::sema {

using ast::Expr;
using ast::ExprKind;
using K = Type::Kind;
using Timeout = Node::GroupState::Timeout;

namespace {

const char* kUsage =
    "group_by(key) |> map_groups_with_state((key, rows, state) -> (row, update(state, …)), state: S, "
    "timeout: processing_time)";

}  // namespace

bool Checker::plain_state(const TypeRef& t) {
  if (t->is(K::Tuple) || t->is(K::Record) || t->is(K::Optional))
    return std::all_of(t->elements.begin(), t->elements.end(), plain_state);
  return t->is_numeric() || t->is(K::Bool) || t->is(K::Duration) || t->is(K::Timestamp);
}

int Checker::group_state_upstream(int node) const {
  const Node& n = result_.nodes[node];
  if (n.op == Node::Op::MapGroupsWithState) return node;
  for (int in : n.inputs)
    if (int g = group_state_upstream(in); g >= 0) return g;
  return -1;
}

// `state: Session` (a schema) or a scalar type name.
TypeRef Checker::group_state_type(const Expr& e) {
  if (e.kind == ExprKind::Name) {
    if (e.text == "int") return types::integer();
    if (e.text == "float") return types::floating();
    if (e.text == "bool") return types::boolean();
    if (e.text == "timestamp") return types::timestamp();
    if (e.text == "duration") return types::duration();
    auto it = names_.find(e.text);
    if (it != names_.end() && it->second.kind == NameKind::Schema) {
      if (!it->second.type) check_schema(*it->second.decl);
      if (it->second.type && !it->second.type->is_error()) return it->second.type;
      return types::error();
    }
  }
  diags_.error(e.range, "state: takes the state's type, a schema name (state: Session) or int, float, bool, "
                        "timestamp or duration");
  return types::error();
}

// The group_by keys of map_groups_with_state: columns or named row
// expressions of scalar type (no event-time windows: f keeps its own).
bool Checker::group_state_keys(const Expr& group_by, const TypeRef& in, Node& n, std::vector<TypeRef>& key_types) {
  Scope scope;
  std::vector<std::string> names;
  for (const auto& a : group_by.args) {
    const Expr& e = *a.value;
    if (!a.name.name.empty()) {
      diags_.error(a.name.range, "group_by takes keys, not named arguments");
      return false;
    }
    const Expr& value = e.kind == ExprKind::Alias ? *e.children[0] : e;
    if (value.kind == ExprKind::Call && (value.callee_name() == "window" || value.callee_name() == "session_window")) {
      diags_.error(value.range, "map_groups_with_state groups by columns, not by an event-time window; the function "
                                "keeps its own sessions or windows in its state");
      return false;
    }
    std::string col = e.kind == ExprKind::Alias ? e.text : implicit_name(e);
    if (col.empty()) {
      diags_.error(e.range, "name this key: group_by(… as name)");
      return false;
    }
    TypeRef t = check_row_expr(value, in, scope);
    if (t->is_error()) return false;
    if (!(is_hashable(t) || (t->is(K::Optional) && is_hashable(t->elements[0])))) {
      diags_.error(value.range, "cannot group by a value of type " + to_string(t) + "; keys must be scalars");
      return false;
    }
    if (std::find(names.begin(), names.end(), col) != names.end()) {
      diags_.error(e.range, "key " + q(col) + " appears twice");
      return false;
    }
    record(e, t);
    names.push_back(col);
    key_types.push_back(t);
    n.exprs.push_back(&e);
  }
  if (n.exprs.empty()) {
    diags_.error(group_by.range, "group_by needs at least one key");
    return false;
  }
  return true;
}

int Checker::apply_group_state(int input, const Expr& group_by, const Expr& call) {
  const std::string& name = call.callee_name();
  const std::string opq = q(name);
  TypeRef in = result_.nodes[input].type;
  if (stateful(input) || group_state_upstream(input) >= 0) {
    diags_.error(call.range, opq + " cannot follow a running aggregation or another " + opq +
                                 ": its input is a table that changes every batch");
    return -1;
  }
  if (from_stream_join(input)) {
    not_supported(call.range, opq + " over a join of two streams");
    return -1;
  }
  if (!group_by_records(in, group_by)) return -1;
  Node n;
  n.op = Node::Op::MapGroupsWithState;
  n.inputs = {input};
  n.range = SourceRange::cover(group_by.range, call.range);
  n.watermarks = result_.nodes[input].watermarks;
  Node::GroupState& gs = n.group_state;
  gs.flat = name == "flat_map_groups_with_state";
  gs.row = in;
  std::vector<TypeRef> key_types;
  if (!group_state_keys(group_by, in, n, key_types)) return -1;
  gs.key = key_types.size() == 1 ? key_types[0] : types::tuple(key_types);

  const Expr* fn = nullptr;
  const Expr* state = nullptr;
  const Expr* timeout = nullptr;
  for (const auto& a : call.args) {
    if (a.name.name.empty()) {
      if (fn) {
        diags_.error(a.value->range, opq + " takes one function; the state's type and the timeout are named: " + kUsage);
        return -1;
      }
      fn = a.value.get();
    } else if (a.name.name == "state") {
      state = a.value.get();
    } else if (a.name.name == "timeout") {
      timeout = a.value.get();
    } else {
      diags_.error(a.name.range, "unknown option " + q(a.name.name) + " of " + opq + "; it takes state: and timeout:");
      return -1;
    }
  }
  if (!fn) {
    diags_.error(call.range, opq + " needs a function: " + kUsage);
    return -1;
  }
  if (!state) {
    diags_.error(call.range, opq + " needs the state's type, as Spark's GroupState[S]: state: Session (a schema) or "
                             "state: int");
    return -1;
  }
  gs.state = group_state_type(*state);
  if (gs.state->is_error()) return -1;
  if (!plain_state(gs.state)) {
    not_supported(state->range, "a state of type " + to_string(gs.state) +
                                    " (numbers, bools, times, and tuples and records of them work)");
    return -1;
  }
  if (timeout) {
    const std::string kind = timeout->kind == ExprKind::Name ? timeout->text : "";
    if (kind == "processing_time") {
      gs.timeout = Timeout::ProcessingTime;
    } else if (kind == "event_time") {
      gs.timeout = Timeout::EventTime;
    } else if (kind == "none") {
      gs.timeout = Timeout::None;
    } else {
      std::string near = closest_name(kind, {"processing_time", "event_time", "none"});
      diags_.error(timeout->range, "unknown timeout " + (kind.empty() ? std::string("kind") : q(kind)) +
                                       (near.empty() || kind.empty() ? "" : "; did you mean " + q(near) + "?") +
                                       " (Spark's GroupStateTimeout: timeout: processing_time, event_time or none)");
      return -1;
    }
  }
  if (gs.timeout == Timeout::EventTime) {
    if (n.watermarks.empty()) {
      diags_.error(timeout->range, "timeout: event_time needs a watermark, as in Spark: a key times out when the "
                                   "watermark passes the time f set; add |> watermark(ts, delay) before group_by");
      return -1;
    }
    gs.event_time = event_time_column(result_.nodes, input, n.watermarks[0]);
  }
  // The state f reads: Spark's GroupState as a record.
  gs.handle = types::record({"exists", "value", "has_timed_out", "timeout", "processing_time", "watermark"},
                            {types::boolean(), types::optional(gs.state), types::boolean(),
                             types::optional(types::timestamp()), types::timestamp(),
                             types::optional(types::timestamp())},
                            "GroupState");
  if (fn->kind == ExprKind::Name) return apply_group_state_function(std::move(n), *fn, opq);
  if (fn->kind != ExprKind::Lambda) {
    diags_.error(fn->range, opq + " needs a function of the key, the rows and the state: " + kUsage);
    return -1;
  }
  if (fn->params.size() != 3) {
    diags_.error(fn->range, "the function given to " + opq + " takes the key, the batch's rows of that key and the "
                            "state: (user, rows, state) -> …; this one takes " + std::to_string(fn->params.size()) +
                            " parameter" + (fn->params.size() == 1 ? "" : "s"));
    return -1;
  }
  Scope scope;
  group_state_ctx_ = &gs;
  TypeRef body = check_lambda(*fn, {gs.key, types::list(in), gs.handle}, name, scope);
  group_state_ctx_ = nullptr;
  if (body->is_error()) return -1;
  const Expr& body_expr = *fn->children[0];
  const std::string shape = gs.flat ? "([rows], state)" : "(row, state)";
  if (!body->is(K::Tuple) || body->elements.size() != 2 || !same_type(body->elements[1], gs.handle) ||
      (gs.flat && !body->elements[0]->is(K::List))) {
    diags_.error(body_expr.range, "the function given to " + opq + " must return " + shape +
                                      ": its output and the state it leaves (state, update(state, v), remove(state), "
                                      "set_timeout_…(…)); found " + to_string(body));
    return -1;
  }
  gs.result = body;
  n.fn = fn;
  n.type = gs.flat ? body->elements[0]->elements[0] : body->elements[0];
  if (n.type->is(K::Null) || n.type->is_error()) {
    diags_.error(body_expr.range, "the output of " + opq + " needs a type; found " + to_string(body->elements[0]));
    return -1;
  }
  return add_node(std::move(n));
}

// `map_groups_with_state(step, state: S, …)` with an imported
//   STREAMC_UDF Out step(Key key, const std::vector<Row>& rows, streamc::GroupState<S>& state);
// (Out a list for the flat form): the types must be the operator's.
int Checker::apply_group_state_function(Node n, const Expr& name, const std::string& opq) {
  Node::GroupState& gs = n.group_state;
  std::vector<FunctionRef> fs;
  for (const auto& f : imported_)
    if (f->name == name.text) fs.push_back(f);
  const std::string shape = "STREAMC_UDF " + std::string(gs.flat ? "std::vector<Out>" : "Out") + " " + name.text +
                            "(" + to_string(gs.key) + " key, [" + to_string(gs.row) + "] rows, streamc::GroupState<" +
                            to_string(gs.state) + ">& state)";
  if (fs.empty()) {
    std::vector<std::string> names;
    for (const auto& f : imported_) names.push_back(f->name);
    std::string near = closest_name(name.text, names);
    diags_.error(name.range, "no imported function " + q(name.text) + (near.empty() ? "" : "; did you mean " + q(near) + "?") +
                                 "; " + opq + " takes a lambda (key, rows, state) -> … or an imported " + shape);
    return -1;
  }
  const Function& f = *fs[0];
  auto declared = " (declared in " + f.declared_at + " as " + f.signature + ")";
  if (f.takes_context || f.params.size() != 3 || !f.result) {
    diags_.error(name.range, q(f.name) + " cannot be the function of " + opq + ": it must be " + shape + declared);
    return -1;
  }
  const char* what[] = {"the key", "the rows", "the state"};
  const TypeRef want[] = {gs.key, types::list(gs.row), group_state_param(gs.state)};
  for (int i = 0; i < 3; ++i) {
    if (same_type(f.params[i], want[i])) continue;
    const TypeRef& got = f.params[i];
    std::string shown = group_state_of(got) ? "streamc::GroupState<" + to_string(group_state_of(got)) + ">&" : to_string(got);
    diags_.error(name.range, "parameter " + std::to_string(i + 1) + " of " + q(f.name) + " is " + what[i] + " and must be " +
                                 (i == 2 ? "streamc::GroupState<" + to_string(gs.state) + ">&" : to_string(want[i])) +
                                 ", found " + shown + declared);
    return -1;
  }
  if (gs.flat && !f.result->is(K::List)) {
    diags_.error(name.range, q(f.name) + " must return a list of rows (std::vector) for " + opq + declared);
    return -1;
  }
  gs.cpp = fs[0];
  gs.result = f.result;
  result_.calls[&name] = fs[0];  // its header and structs go into the program
  n.fn = &name;
  n.type = gs.flat ? f.result->elements[0] : f.result;
  return add_node(std::move(n));
}

// update(state, v), remove(state), set_timeout_duration(state, d) and
// set_timeout_timestamp(state, t): the state f returns, changed.
TypeRef Checker::check_state_call(const Expr& e, Scope& scope) {
  const std::string& name = e.callee_name();
  for (const auto& a : e.args)
    if (!a.name.name.empty()) {
      diags_.error(a.name.range, "function " + q(name) + " takes no named arguments");
      return record(e, types::error());
    }
  const size_t want = name == "remove" ? 1 : 2;
  const char* example = name == "update"                 ? "update(state, new_value)"
                        : name == "remove"               ? "remove(state)"
                        : name == "set_timeout_duration" ? "set_timeout_duration(state, 30s)"
                                                         : "set_timeout_timestamp(state, ts + 1h)";
  if (!group_state_ctx_) {
    diags_.error(e.children[0]->range, q(name) + " changes the state of map_groups_with_state and works only in its "
                                       "function: " + example);
    for (const auto& a : e.args) check_expr(*a.value, scope);
    return record(e, types::error());
  }
  const Node::GroupState& gs = *group_state_ctx_;
  if (e.args.size() != want) {
    diags_.error(e.range, q(name) + " takes " + std::to_string(want) + " argument" + (want == 1 ? "" : "s") + ": " +
                              example);
    return record(e, types::error());
  }
  TypeRef st = check_expr(*e.args[0].value, scope);
  if (st->is_error()) return record(e, st);
  if (!same_type(st, gs.handle)) {
    diags_.error(e.args[0].value->range, "the first argument of " + q(name) + " is the function's state, found " +
                                             to_string(st) + ": " + example);
    return record(e, types::error());
  }
  if (want == 2) {
    TypeRef v = check_expr(*e.args[1].value, scope);
    if (v->is_error()) return record(e, v);
    TypeRef expected = name == "update"                 ? gs.state
                       : name == "set_timeout_duration" ? types::duration()
                                                        : types::timestamp();
    bool ok = same_type(v, expected) || (expected->is(K::Float) && v->is(K::Int));
    if (!ok) {
      diags_.error(e.args[1].value->range, "argument 2 of " + q(name) + " must be " + to_string(expected) + ", found " +
                                               to_string(v));
      return record(e, types::error());
    }
  }
  if (name == "set_timeout_duration" && gs.timeout != Timeout::ProcessingTime) {
    diags_.error(e.children[0]->range, "set_timeout_duration needs timeout: processing_time on map_groups_with_state "
                                       "(Spark's ProcessingTimeTimeout)");
    return record(e, types::error());
  }
  if (name == "set_timeout_timestamp" && gs.timeout != Timeout::EventTime) {
    diags_.error(e.children[0]->range, "set_timeout_timestamp needs timeout: event_time on map_groups_with_state "
                                       "(Spark's EventTimeTimeout)");
    return record(e, types::error());
  }
  return record(e, gs.handle);
}

}  // namespace streamc::sema
