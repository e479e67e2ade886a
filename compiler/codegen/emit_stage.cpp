// One stage: a loop function over the records [begin, end) of its input
// that runs the fused chain of narrow operators and feeds a target
// container. With --threads N and enough records it runs as N partitions,
// each into its own container and arena, merged in partition order so the
// result equals the serial one.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "codegen/program_emitter.hpp"

namespace streamc::codegen {

using sema::Node;
using sema::TypeRef;
using K = sema::Type::Kind;

void ProgramEmitter::emit_stage(const plan::Stage& stage, int number) {
  const Node& start = prog_.nodes[stage.start];
  const Node& target = prog_.nodes[stage.target];
  std::string comment = fmt::format("      // stage {}: {}", number, start.stream_name.empty() ? sema::op_name(start.op) : start.stream_name);
  for (int c : stage.chain) comment += std::string(" |> ") + sema::op_name(prog_.nodes[c].op);
  comment += fmt::format(" -> {}\n", sema::op_name(target.op));
  out_ += comment;
  out_ += "      {\n";
  stage_locals_.clear();
  std::string in = fmt::format("stage{}_in", number);
  std::string fn = fmt::format("stage{}", number);
  std::string tt = stage_target_type(stage);
  stage_input_ = stage.input;
  bool generated = start.op == Node::Op::Source && prog_.sources[start.source].connector == sema::Connector::Generate;
  out_ += fmt::format("        const auto& {} = {};\n", in, container(stage.start));
  std::string size = generated ? fmt::format("static_cast<size_t>({}.count)", in) : in + ".size()";
  // Rows for a files sink go straight to it (FilesSinkRows) when the stage
  // runs serially, and through one vector per partition otherwise.
  const bool direct = plan_.direct_sink[stage.target] >= 0;
  out_ += fmt::format("        auto {} = [&](size_t begin, size_t end, {}& target, rt::Arena& arena) {{\n", fn,
                      direct ? std::string("auto") : tt);
  std::string elem = row_var(stage.start);
  const bool kafka_raw = start.op == Node::Op::Source && prog_.sources[start.source].kafka_raw;
  bool decoded = !stage.chain.empty() && prog_.nodes[stage.chain[0]].op == Node::Op::Decode && !generated && !kafka_raw;
  std::string body;
  std::string indent = "              ";
  Value cur = Value::concrete(start.type, elem);
  generated_in_ = in;
  expr_.reset_used();
  int closers = emit_chain(stage, cur, body, indent);
  for (int i = closers; i > 0; --i) {
    indent.resize(indent.size() - 2);
    body += indent + "}\n";
  }
  std::string prologue, rows;
  std::string decoder =
      decoded ? emit_decoder(prog_.nodes[stage.chain[0]].source, in, elem, "i", "&batch", "              ", prologue, rows)
              : "";

  out_ += prologue;
  out_ += "          for (size_t i = begin; i < end; ++i) {\n";
  if (generated)
    out_ += fmt::format("            const int64_t {} = {}.value(static_cast<int64_t>(i));\n", elem, in);
  else
    out_ += fmt::format("            const auto& {} = {}[i];\n", elem, in);
  int src = plan_.root_source[stage.start];
  std::string record = elem;
  std::string reject = "            } catch (const rt::RecordError& err) {\n";
  reject += "              std::lock_guard<std::mutex> lock(reject_mutex);\n";
  if (start.op != Node::Op::Source || generated) {
    reject += "              std::string text;\n";
    reject += fmt::format("              rt::append_pprint(text, {});\n", elem);
    record = "text";
  }
  reject += fmt::format("              batch.reject({}, {}, err.what());\n", source_var(src), record);
  out_ += "            try {\n";
  out_ += decoder;
  if (rows.empty()) {
    out_ += body;
    out_ += reject + "            }\n";
  } else {
    // A JSON record that is an array makes one row per element: decoded
    // whole first (a bad element rejects the record), then each row runs
    // the chain; an error there rejects that row (its record is named).
    out_ += reject + "              continue;\n            }\n";
    out_ += rows;
    out_ += "            try {\n";
    out_ += body;
    out_ += reject + "            }\n";
    out_ += "            }\n";
  }
  out_ += "          }\n        };\n";

  std::string tv = stage_target_var(stage);
  bool serial = target.op == Node::Op::Aggregate;
  for (int c : stage.chain)  // one set of seen keys, one watermark
    serial |= prog_.nodes[c].op == Node::Op::DropDuplicates || prog_.nodes[c].op == Node::Op::Watermark;
  if (target.op == Node::Op::BatchWindow) {
    out_ += fmt::format("        {}(0, {}, {}, arena);\n      }}\n", fn, size, tv);
    if (target.inverse_fn)  // reduce_by_key_and_window with an inverse (combine/inverse: emit_cpp.cpp)
      out_ += fmt::format("      const bool {} = {}->add({}, {}, {});\n", node_var(stage.target, "active"),
                          node_var(stage.target, "window"), tv, node_var(stage.target, "combine"),
                          node_var(stage.target, "inverse"));
    else
      out_ += fmt::format("      const bool {} = {}->add({});\n", node_var(stage.target, "active"), node_var(stage.target, "window"),
                          tv);
    out_ += fmt::format("      if ({}) {}->for_each([&](const auto& e) {{ {}.push_back(e); }});\n", node_var(stage.target, "active"),
                        node_var(stage.target, "window"), node_var(stage.target));
    return;
  }
  if (target.op == Node::Op::UpdateStateByKey) {
    out_ += fmt::format("        {}(0, {}, {}, arena);\n      }}\n", fn, size, tv);
    emit_update_state(stage.target);
    return;
  }
  if (target.op == Node::Op::MapGroupsWithState) {
    out_ += fmt::format("        {}(0, {}, {}, arena);\n      }}\n", fn, size, tv);
    emit_group_state(stage.target);
    return;
  }
  // A source read in pieces (plan::find_pieces): the loop runs once per
  // piece, its input replaced in place by Batch::next_piece.
  const bool pieces = start.op == Node::Op::Source && plan_.in_pieces[start.source];
  const std::string next_piece = pieces ? fmt::format("batch.next_piece({})", source_var(start.source)) : "";
  if (serial) {
    // Running state is updated serially: partitions would need mergeable
    // accumulators for every aggregate.
    if (pieces)
      out_ += fmt::format("        do {}(0, {}, {}, arena);\n        while ({});\n      }}\n", fn, size, tv, next_piece);
    else
      out_ += fmt::format("        {}(0, {}, {}, arena);\n      }}\n", fn, size, tv);
    if (target.op == Node::Op::Aggregate) emit_aggregate_output(stage.target);
    if (target.op == Node::Op::StreamJoin && stage.input == 1) emit_stream_join(stage.target);
    return;
  }
  includes_.use(Includes::Parallel);
  if (pieces) out_ += "        do {\n";
  const size_t piece_body = out_.size();
  out_ += fmt::format("        const int parts = rt::partitions(threads, {});\n", size);
  out_ += fmt::format("        if (parts <= 1) {{\n          {}(0, {}, {}, arena);\n        }} else {{\n", fn, size, tv);
  out_ += fmt::format("          std::vector<{}> locals(static_cast<size_t>(parts));\n", tt);
  out_ += fmt::format("          rt::parallel_for(parts, {}, [&](int part, size_t begin, size_t end) {{\n", size);
  out_ += fmt::format("            {}(begin, end, locals[part], part_arenas[part]);\n          }});\n", fn);
  switch (target.op) {
    case Node::Op::ReduceByKey:
    case Node::Op::CountByValue:
      out_ += fmt::format("          for (auto& local : locals) {}.merge(std::move(local), {});\n", tv,
                          node_var(stage.target, "combine"));
      break;
    case Node::Op::Reduce:
      out_ += fmt::format("          for (auto& local : locals)\n            if (local) {0} = {0} ? {1}(*{0}, *local) : *local;\n",
                          tv, node_var(stage.target, "combine"));
      break;
    case Node::Op::Count: out_ += fmt::format("          for (auto local : locals) {} += local;\n", tv); break;
    default:
      if (direct)
        out_ += fmt::format("          for (auto& local : locals)\n            for (const auto& row : local) {}.push_back(row);\n", tv);
      else
        out_ += fmt::format("          for (auto& local : locals) {0}.insert({0}.end(), local.begin(), local.end());\n", tv);
      break;
  }
  out_ += "        }\n";
  if (pieces) {
    std::string body = out_.substr(piece_body);  // one level deeper inside the do block
    out_.resize(piece_body);
    for (size_t at = 0; at < body.size();) {
      const size_t end = std::min(body.find('\n', at), body.size() - 1) + 1;
      out_ += "  " + body.substr(at, end - at);
      at = end;
    }
    out_ += fmt::format("        }} while ({});\n", next_piece);
  }
  out_ += "      }\n";
  // Both sides' new rows are in: join them.
  if (target.op == Node::Op::StreamJoin && stage.input == 1) emit_stream_join(stage.target);
}

int ProgramEmitter::emit_chain(const plan::Stage& stage, Value cur, std::string& out, std::string& indent) {
  int closers = 0;
  for (int id : stage.chain) {
    const Node& n = prog_.nodes[id];
    out += line_directive(id);
    switch (n.op) {
      case Node::Op::Decode:
        if (prog_.sources[n.source].connector == sema::Connector::Generate) {
          const std::string& in = prog_.nodes[stage.start].stream_name;  // unused: rows come from the range
          (void)in;
          cur = Value::virtual_record(
              n.type, {{"timestamp", Value::concrete(sema::types::timestamp(), generated_in_ + ".time(static_cast<int64_t>(i))")},
                       {"value", Value::concrete(sema::types::integer(), generated_in_ + ".value(static_cast<int64_t>(i))")}});
        } else if (prog_.sources[n.source].kafka_raw) {
          // Spark's Kafka record: the value is the record, the rest is the batch's message metadata.
          const std::string m = "batch.kafka_message(" + source_var(n.source) + ", i)";
          cur = Value::virtual_record(
              n.type, {{"key", Value::concrete(sema::types::optional(sema::types::string()), m + ".key")},
                       {"value", Value::concrete(sema::types::string(), cur.code)},
                       {"topic", Value::concrete(sema::types::string(), m + ".topic")},
                       {"partition", Value::concrete(sema::types::integer(), "static_cast<int64_t>(" + m + ".partition)")},
                       {"offset", Value::concrete(sema::types::integer(), m + ".offset")},
                       {"timestamp", Value::concrete(sema::types::timestamp(), m + ".timestamp")}});
        } else {
          cur = source_row(n.source);
        }
        break;
      case Node::Op::Map: {
        Value v = expr_.apply(*n.fn, {cur}, "arena");
        if (v.is_virtual()) {
          // A record built by map stays virtual; computed fields are
          // evaluated once, into locals.
          Fields fields;
          for (auto& [name, fv] : *v.fields) {
            if (fv.is_virtual()) {
              fields.emplace_back(name, fv);
              continue;
            }
            std::string local = row_var(id, name);
            out += fmt::format("{}const auto& {} = {};\n", indent, local, expr_.materialize(fv));
            fields.emplace_back(name, Value::concrete(fv.type, local));
          }
          cur = Value::virtual_record(n.type, std::move(fields));
        } else {
          std::string next = row_var(id);
          out += fmt::format("{}const {} {} = {};\n", indent, expr_.cpp(n.type), next,
                             expr_.convert(expr_.materialize(v), v.type, n.type));
          cur = Value::concrete(n.type, next);
        }
        break;
      }
      case Node::Op::DropDuplicates: {
        std::string key;
        if (n.exprs.empty()) {
          key = expr_.materialize(cur);
        } else {
          key = "std::make_tuple(";
          for (size_t k = 0; k < n.exprs.size(); ++k)
            key += (k ? ", " : "") + expr_.materialize(expr_.row_value(*n.exprs[k], cur, "arena"));
          key += ")";
        }
        if (n.dedup_event_time.empty()) {
          out += fmt::format("{}if (!{}->insert({})) continue;\n", indent, node_var(id, "seen"), key);
          break;
        }
        // Spark drops rows at or below the watermark before deduplicating.
        std::string ts = row_var(id, "ts");
        out += fmt::format("{}const int64_t {} = {}.micros;\n", indent, ts,
                           expr_.materialize(expr_.field(cur, n.dedup_event_time)));
        out += fmt::format("{}if ({} <= {}) {{ ++late_rows; continue; }}\n", indent, ts, node_var(id, "wm_now"));
        out += fmt::format("{}if (!{}->insert({}, {} + {})) continue;\n", indent, node_var(id, "seen"), key, ts, n.delay_us);
        break;
      }
      case Node::Op::Join: {
        // Each matching table row continues the chain; a left join continues
        // once with nulls when nothing matches.
        const auto& table = prog_.sources[n.table];
        std::string key = expr_.materialize(expr_.field(cur, n.stream_key));
        std::string matches = row_var(id, "matches"), count = row_var(id, "count"), m = row_var(id, "m"),
                    trow = row_var(id, "table_row"), table_var = source_var(n.table);
        out += fmt::format("{0}const auto {1}_it = {2}->by_{3}.find({4});\n", indent, matches, table_var, n.table_key, key);
        out += fmt::format("{0}const std::vector<uint32_t>* {1} = {1}_it == {2}->by_{3}.end() ? nullptr : &{1}_it->second;\n",
                           indent, matches, table_var, n.table_key);
        out += fmt::format("{}const size_t {} = {} ? {}->size() : 0;\n", indent, count, matches, matches);
        std::string limit = n.left_join ? fmt::format("std::max<size_t>({}, 1)", count) : count;
        out += fmt::format("{0}for (size_t {1} = 0; {1} < {2}; ++{1}) {{\n", indent, m, limit);
        indent += "  ";
        ++closers;
        out += fmt::format("{0}const {1}* {2} = {3} < {4} ? &{5}->rows[(*{6})[{3}]] : nullptr;\n", indent,
                           types_.of(table.element), trow, m, count, table_var, matches);
        if (!n.left_join) out += fmt::format("{}(void){};\n", indent, trow);
        Fields fields;
        for (const auto& name : cur.type->fields) fields.emplace_back(name, expr_.field(cur, name));
        const TypeRef& tt = table.element;
        for (size_t f = 0; f < tt->fields.size(); ++f) {
          const std::string& name = tt->fields[f];
          if (name == n.table_key && n.table_key == n.stream_key) continue;
          if (!n.left_join) {
            fields.emplace_back(name, Value::concrete(tt->elements[f], trow + "->" + member(name)));
          } else {
            TypeRef ot = sema::types::optional(tt->elements[f]);
            std::string inner = tt->elements[f]->is(K::Optional) ? trow + "->" + member(name)
                                                                  : fmt::format("{}({}->{})", types_.of(ot), trow, member(name));
            fields.emplace_back(name, Value::concrete(ot, fmt::format("({} ? {} : {}())", trow, inner, types_.of(ot))));
          }
        }
        cur = Value::virtual_record(n.type, std::move(fields));
        break;
      }
      case Node::Op::Watermark:
        out += fmt::format("{}{}->observe({});\n", indent, node_var(id, "watermark"),
                           expr_.materialize(expr_.row_value(*n.exprs[0], cur, "arena")));
        break;
      case Node::Op::Filter:
        out += fmt::format("{}if (!({})) continue;\n", indent,
                           expr_.apply_code(*n.fn, {cur}, "arena", sema::types::boolean()));
        break;
      case Node::Op::FlatMap: {
        std::string next = row_var(id);
        std::string range = expr_.flat_map_range(*n.fn, cur, "arena");
        out += fmt::format("{}for (const {} {} : {}) {{\n", indent,
                           n.type->is(K::String) ? std::string("std::string_view") : "auto&", next, range);
        indent += "  ";
        ++closers;
        cur = Value::concrete(n.type, next);
        break;
      }
      case Node::Op::Explode: {
        const ast::Expr& alias = *n.exprs[0];
        std::string list = expr_.materialize(expr_.row_value(*alias.children[0], cur, "arena"));
        std::string next = row_var(id);
        out += fmt::format("{}for (const auto& {} : {}) {{\n", indent, next, list);
        indent += "  ";
        ++closers;
        Fields fields;
        for (const auto& name : n.type->fields) {
          if (name == alias.text) {
            fields.emplace_back(name, Value::concrete(prog_.type_of(alias), next));
          } else {
            fields.emplace_back(name, expr_.field(cur, name));
          }
        }
        cur = Value::virtual_record(n.type, std::move(fields));
        break;
      }
      case Node::Op::Select: {
        Fields fields;
        for (const ast::Expr* e : n.exprs) {
          if (e->kind == ast::ExprKind::Star) {
            for (const auto& name : cur.type->fields) fields.emplace_back(name, expr_.field(cur, name));
            continue;
          }
          if (e->kind == ast::ExprKind::FieldStar) {
            Value rec = expr_.row_value(*e->children[0], cur, "arena");
            for (const auto& name : rec.type->fields) fields.emplace_back(name, expr_.field(rec, name));
            continue;
          }
          const ast::Expr& value = e->kind == ast::ExprKind::Alias ? *e->children[0] : *e;
          std::string name = e->kind == ast::ExprKind::Alias ? e->text : e->text;
          Value v = expr_.row_value(value, cur, "arena");
          if (!v.is_virtual() && value.kind != ast::ExprKind::Name && value.kind != ast::ExprKind::Field) {
            std::string local = row_var(id, name);
            out += fmt::format("{}const auto& {} = {};\n", indent, local, expr_.materialize(v));
            v = Value::concrete(v.type, local);
          }
          fields.emplace_back(name, v);
        }
        // Column types as the checker computed them (e.g. null literals).
        for (size_t k = 0; k < fields.size() && k < n.type->elements.size(); ++k)
          if (!sema::same_type(fields[k].second.type, n.type->elements[k]) && !fields[k].second.is_virtual())
            fields[k].second = Value::concrete(n.type->elements[k],
                                               expr_.convert(expr_.materialize(fields[k].second), fields[k].second.type,
                                                             n.type->elements[k]));
        cur = Value::virtual_record(n.type, std::move(fields));
        break;
      }
      default: break;
    }
  }
  out += line_directive(stage.target);
  emit_target_action(stage.target, cur, out, indent);
  if (options_.line_directives_for) out += "#line cpp\n";
  return closers;
}

std::string ProgramEmitter::line_directive(int node) const {
  const SourceFile* file = options_.line_directives_for;
  if (!file || node < 0) return "";
  std::string path = std::filesystem::absolute(file->path()).lexically_normal().string();
  std::string quoted;
  for (char c : path) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return fmt::format("#line {} \"{}\"\n", file->line_col(prog_.nodes[node].range.begin).line, quoted);
}

// Each aggregate of `t` takes the row's value into the accumulators `st`.
// Nulls are skipped by every aggregate but first and last, which keep them
// (Spark's default ignoreNulls = false).
void ProgramEmitter::emit_accumulator_adds(int target, const Value& cur, const std::string& st, std::string& out,
                                           const std::string& ind) {
  const Node& t = prog_.nodes[target];
  for (size_t a = 0; a < t.aggs.size(); ++a) {
    const auto& agg = t.aggs[a];
    if (!agg.arg) {
      out += fmt::format("{}{}.a{}.add();\n", ind, st, a);
      continue;
    }
    Value v = expr_.row_value(*agg.arg, cur, "arena");
    std::string code = expr_.materialize(v);
    if (v.type->is(K::Optional) && agg.function != "first" && agg.function != "last") {
      std::string local = row_var(target, fmt::format("arg{}", a));
      out += fmt::format("{}if (const auto& {} = {}) {}.a{}.add(*{});\n", ind, local, code, st, a, local);
    } else {
      out += fmt::format("{}{}.a{}.add({});\n", ind, st, a, code);
    }
  }
}

void ProgramEmitter::emit_target_action(int target, const Value& cur, std::string& out, const std::string& indent) {
  const Node& t = prog_.nodes[target];
  switch (t.op) {
    case Node::Op::ReduceByKey: {
      std::string v = expr_.materialize(cur);
      out += fmt::format("{}target.upsert(std::get<0>({}), std::get<1>({}), {});\n", indent, v, v, node_var(target, "combine"));
      break;
    }
    case Node::Op::CountByValue:
      out += fmt::format("{}target.upsert({}, int64_t{{1}}, {});\n", indent, expr_.materialize(cur), node_var(target, "combine"));
      break;
    case Node::Op::Reduce:
      out += fmt::format("{0}if (target) target = {1}(*target, {2}); else target.emplace({2});\n", indent, node_var(target, "combine"),
                         expr_.materialize(cur));
      break;
    case Node::Op::Count: out += fmt::format("{}++target;\n", indent); break;
    case Node::Op::UpdateStateByKey: {
      std::string v = expr_.materialize(cur);
      out += fmt::format("{}target.upsert(std::get<0>({}), {{std::get<1>({})}}, {});\n", indent, v, v, node_var(target, "combine"));
      break;
    }
    case Node::Op::MapGroupsWithState: {
      // Spark drops rows older than the watermark before an event-time timeout's function.
      const auto& gs = t.group_state;
      if (!gs.event_time.empty()) {
        Value ts = expr_.field(cur, gs.event_time);
        out += fmt::format("{}if ({}.micros <= {}) {{ ++late_rows; continue; }}\n", indent, expr_.materialize(ts),
                           node_var(target, "wm_now"));
      }
      out += fmt::format("{}target.upsert({}, {{{}}}, {});\n", indent, group_state_key(target, cur),
                         expr_.convert(expr_.materialize(cur), cur.type, gs.row), node_var(target, "combine"));
      break;
    }
    case Node::Op::Aggregate: {
      std::string ind = indent;
      std::string window;
      // Spark: watermarks do not apply to complete mode, whose result table
      // keeps every group; a late row still counts there.
      bool drops_late = plan_.drops_late[target];
      if (t.session_window) {
        std::string ts = row_var(target, "ts");
        out += fmt::format("{}const int64_t {} = {}.micros;\n", ind, ts,
                           expr_.materialize(expr_.row_value(*t.window_time, cur, "arena")));
        if (drops_late)
          out += fmt::format("{}if ({} + {} <= {}) {{ ++late_rows; continue; }}\n", ind, ts, t.window_size_us,
                             node_var(target, "wm_now"));
        std::string key = "std::make_tuple(";
        bool first = true;
        for (size_t k = 0; k < t.exprs.size(); ++k) {
          if (static_cast<int>(k) == t.window_key) continue;
          const ast::Expr& e = *t.exprs[k];
          const ast::Expr& value = e.kind == ast::ExprKind::Alias ? *e.children[0] : e;
          Value v = expr_.row_value(value, cur, "arena");
          key += (first ? "" : ", ") + expr_.convert(expr_.materialize(v), v.type, t.type->elements[k]);
          first = false;
        }
        key += ")";
        std::string st = row_var(target, "acc");
        out += fmt::format("{}auto& {} = target.upsert({}).add({}, {});\n", ind, st, key, ts, t.window_size_us);
        emit_accumulator_adds(target, cur, st, out, ind);
        break;
      }
      if (t.window_key >= 0) {
        // Every window covering the row's event time; a window that ends at
        // or before the watermark is closed, and the row is late for it.
        std::string ts = row_var(target, "ts");
        window = row_var(target, "window");
        includes_.use(Includes::EventTime);  // rt::first_window, rt::last_window
        out += fmt::format("{}const int64_t {} = {}.micros;\n", ind, ts,
                           expr_.materialize(expr_.row_value(*t.window_time, cur, "arena")));
        out += fmt::format("{0}for (int64_t k = rt::first_window({1}, {2}, {3}), k_last = rt::last_window({1}, {3}); k <= k_last; ++k) {{\n",
                           ind, ts, t.window_size_us, t.window_slide_us);
        ind += "  ";
        std::string wt = types_.of(t.type->elements[t.window_key]);
        out += fmt::format("{}const {} {}{{rt::Timestamp{{k * {}}}, rt::Timestamp{{k * {} + {}}}}};\n", ind, wt, window,
                           t.window_slide_us, t.window_slide_us, t.window_size_us);
        if (drops_late)
          out += fmt::format("{}if ({}.{}.micros <= {}) {{ ++late_rows; continue; }}\n", ind, window, member("end"),
                             node_var(target, "wm_now"));
      }
      std::string key = "std::make_tuple(";
      for (size_t k = 0; k < t.exprs.size(); ++k) {
        if (static_cast<int>(k) == t.window_key) {
          key += (k ? ", " : "") + window;
          continue;
        }
        const ast::Expr& e = *t.exprs[k];
        const ast::Expr& value = e.kind == ast::ExprKind::Alias ? *e.children[0] : e;
        Value v = expr_.row_value(value, cur, "arena");
        key += (k ? ", " : "") + expr_.convert(expr_.materialize(v), v.type, t.type->elements[k]);
      }
      key += ")";
      std::string st = row_var(target, "acc");
      out += fmt::format("{}auto& {} = target.upsert({});\n", ind, st, key);
      emit_accumulator_adds(target, cur, st, out, ind);
      if (t.window_key >= 0) out += indent + "}\n";
      break;
    }
    case Node::Op::StreamJoin: {
      const TypeRef& side = prog_.nodes[t.inputs[stage_input_]].type;
      out += fmt::format("{}target.push_back({});\n", indent, expr_.convert(expr_.materialize(cur), cur.type, side));
      break;
    }
    default:
      out += fmt::format("{}target.push_back({});\n", indent,
                         expr_.convert(expr_.materialize(cur), cur.type, t.type));
      break;
  }
}

}  // namespace streamc::codegen
