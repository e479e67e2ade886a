// Joins of two streams, with Spark's rules for stream-stream joins: both
// sides buffered as state, so both need a watermark and the join a time
// bound (`within:`) for that state to be dropped; inner and left joins; the
// result is appended only.
//
// `left |> join(right, on: (a, b) -> a.k == b.k, kind: inner|left, within: D)`
// pairs rows with equal keys whose event times (the columns the sides'
// watermarks read) differ by at most D: |a.ts - b.ts| <= D.
#include <algorithm>

#include "sema/checker.hpp"

namespace streamc::sema {

using ast::Expr;
using ast::ExprKind;
using K = Type::Kind;

namespace {

TypeRef field_type(const TypeRef& rec, const std::string& f) {
  for (size_t i = 0; i < rec->fields.size(); ++i)
    if (rec->fields[i] == f) return rec->elements[i];
  return nullptr;
}
bool after_batch_window(const std::vector<Node>& nodes, int node) {
  if (nodes[node].op == Node::Op::BatchWindow) return true;
  return std::any_of(nodes[node].inputs.begin(), nodes[node].inputs.end(),
                     [&](int in) { return after_batch_window(nodes, in); });
}
}  // namespace

// The name the event-time column of watermark node `wm` has in the rows of
// `node`, followed down from the watermark through operators that keep or
// rename columns (select with `ts` or `ts as t`, filter, explode,
// drop_duplicates, union, more watermarks); empty when an operator in
// between makes new rows (map) or computes the column.
std::string event_time_column(const std::vector<Node>& nodes, int node, int wm) {
  const Node& n = nodes[node];
  if (node == wm) {
    const Expr& ts = *n.exprs[0];
    return ts.kind == ExprKind::Name ? ts.text : "";
  }
  std::string found;
  for (int in : n.inputs) {
    if (std::find(nodes[in].watermarks.begin(), nodes[in].watermarks.end(), wm) == nodes[in].watermarks.end()) continue;
    found = event_time_column(nodes, in, wm);
    break;
  }
  if (found.empty()) return "";
  switch (n.op) {
    case Node::Op::Filter:
    case Node::Op::Explode:
    case Node::Op::DropDuplicates:
    case Node::Op::Watermark:
    case Node::Op::Union: return found;
    case Node::Op::Select:
      for (const Expr* e : n.exprs) {
        if (e->kind == ExprKind::Star) return found;
        const Expr& value = e->kind == ExprKind::Alias ? *e->children[0] : *e;
        if (value.kind == ExprKind::Name && value.text == found) return e->kind == ExprKind::Alias ? e->text : found;
      }
      return "";
    default: return "";
  }
}

bool Checker::from_stream_join(int node) const {
  const Node& n = result_.nodes[node];
  if (n.op == Node::Op::StreamJoin) return true;
  return std::any_of(n.inputs.begin(), n.inputs.end(), [&](int in) { return from_stream_join(in); });
}

int Checker::apply_stream_join(int input, const Expr& op, const Expr& other, Node n) {
  int right = check_flow(other);
  if (right < 0) return -1;
  TypeRef lt = result_.nodes[input].type, rt = result_.nodes[right].type;
  if (right == input) {
    not_supported(other.range, "a join of a stream with itself");
    return -1;
  }
  if (stateful(right)) {
    diags_.error(other.range, "a join cannot read a running aggregation: its result is a table that changes every "
                              "batch (as in Spark, only operators that work row by row may follow one: " +
                                  per_row_operator_list() + ")");
    return -1;
  }
  if (after_batch_window(result_.nodes, input) || after_batch_window(result_.nodes, right)) {
    // A DStream window hands the same rows to every slide: they would be
    // buffered and matched again each time.
    not_supported(after_batch_window(result_.nodes, input) ? op.range : other.range,
                  "a join of two streams after a DStream window");
    return -1;
  }
  if (from_stream_join(input) || from_stream_join(right)) {
    not_supported(from_stream_join(input) ? op.range : other.range, "a join of two streams whose input is another such join");
    return -1;
  }
  for (const auto& [side, t, where] : {std::tuple{"left", lt, op.range}, std::tuple{"right", rt, other.range}})
    if (!t->is(K::Record)) {
      diags_.error(where, std::string("a join of two streams works on records, but the ") + side + " stream has " +
                              to_string(t));
      return -1;
    }
  const Expr* on = named_arg(op, "on");
  if (!on) {
    diags_.error(op.range, "join needs its key: join(other, on: (a, b) -> a.key == b.key, within: 1h)");
    return -1;
  }
  if (!join_keys(*on, n.stream_key, n.table_key)) return -1;
  TypeRef kl = field_type(lt, n.stream_key), kr = field_type(rt, n.table_key);
  if (!kl || !kr) {
    diags_.error(on->range, "no column " + q(!kl ? n.stream_key : n.table_key) + " in the " + (!kl ? "left" : "right") +
                                " stream (" + to_string(!kl ? lt : rt) + ")");
    return -1;
  }
  if (!same_type(kl, kr)) {
    diags_.error(on->range, "the join keys differ in type: " + to_string(kl) + " on the left, " + to_string(kr) +
                                " on the right");
    return -1;
  }
  if (!is_hashable(kl)) {
    diags_.error(on->range, "cannot join on a key of type " + to_string(kl) + "; keys are scalars that are never null");
    return -1;
  }
  if (const Expr* kind = named_arg(op, "kind")) {
    if (kind->kind == ExprKind::Name && (kind->text == "right" || kind->text == "full")) {
      not_supported(kind->range, kind->text == "right" ? "a right outer join of two streams (swap the sides for a left join)"
                                                       : "a full outer join of two streams");
      return -1;
    }
    if (kind->kind != ExprKind::Name || (kind->text != "inner" && kind->text != "left")) {
      diags_.error(kind->range, "kind is inner or left for a join of two streams");
      return -1;
    }
    n.left_join = kind->text == "left";
  }
  // Spark buffers both sides; without a watermark on a side nothing tells
  // when a buffered row of the other side can no longer match, so state
  // would grow for ever (and a left join could never emit its null rows).
  const char* why_watermark =
      "a join of two streams needs a watermark on both sides: the rows of each side are kept to match later rows "
      "of the other, and only the watermark says when they can be dropped";
  const char* why_outer =
      "; a left join emits a row without a match only once the watermark shows no match can come";
  for (const auto& [side, node, where] : {std::tuple{"left", input, op.range}, std::tuple{"right", right, other.range}}) {
    const Node& sn = result_.nodes[node];
    if (sn.watermarks.empty()) {
      diags_.error(where, std::string(why_watermark) + (n.left_join ? why_outer : "") + "; the " + side +
                              " stream has none: add |> watermark(ts, delay) to it");
      return -1;
    }
    // The side's event-time column: the one its watermarks read, still in
    // its rows at the join (perhaps renamed by a select).
    std::string column;
    for (int w : sn.watermarks) {
      std::string name = event_time_column(result_.nodes, node, w);
      if (name.empty()) {
        const Expr& ts = *result_.nodes[w].exprs[0];
        diags_.error(where, "the " + std::string(side) + " stream's event-time column " +
                                (ts.kind == ExprKind::Name ? q(ts.text) + " " : std::string()) +
                                "(of its watermark) must reach the join, kept or renamed by select, to bound the "
                                "time between matching rows");
        return -1;
      }
      if (!column.empty() && name != column) {
        not_supported(where, "a join whose " + std::string(side) + " side's watermarks are on different columns (" +
                                 q(column) + ", " + q(name) + ")");
        return -1;
      }
      column = name;
    }
    TypeRef ct = field_type(result_.nodes[node].type, column);
    if (!ct || !ct->is(K::Timestamp)) {
      diags_.error(where, "the " + std::string(side) + " stream's event-time column " + q(column) +
                              " must be a timestamp at the join");
      return -1;
    }
    (node == input ? n.left_time : n.right_time) = column;
  }
  const Expr* within = named_arg(op, "within");
  if (!within) {
    diags_.error(op.range, std::string("a join of two streams needs a time bound, e.g. within: 1h (rows match when "
                                       "their event times are at most that far apart): without one, any buffered row "
                                       "could still match a future row, so no state could ever be dropped") +
                               (n.left_join ? " and no row without a match could ever be emitted" : ""));
    return -1;
  }
  if (!constant_duration(*within, "the join's time bound", n.within_us)) return -1;
  std::vector<std::string> names = lt->fields;
  std::vector<TypeRef> types = lt->elements;
  for (size_t i = 0; i < rt->fields.size(); ++i) {
    if (rt->fields[i] == n.table_key && n.table_key == n.stream_key) continue;
    if (std::find(names.begin(), names.end(), rt->fields[i]) != names.end()) {
      diags_.error(op.range, "column " + q(rt->fields[i]) + " is on both sides of the join; rename one with select first");
      return -1;
    }
    names.push_back(rt->fields[i]);
    types.push_back(n.left_join && !rt->elements[i]->is(K::Optional) ? types::optional(rt->elements[i]) : rt->elements[i]);
  }
  n.op = Node::Op::StreamJoin;
  n.inputs = {input, right};
  n.type = types::record(std::move(names), std::move(types));
  return add_node(std::move(n));
}

}  // namespace streamc::sema
