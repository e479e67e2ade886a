// Declarations and the dataflow graph: params, config, sources, streams
// (chains of operators), sinks.
#include <algorithm>
#include <filesystem>
#include <functional>

#include "sema/checker.hpp"
#include "sema/registry.hpp"

namespace streamc::sema {

using ast::Decl;
using ast::DeclKind;
using ast::Expr;
using ast::ExprKind;
using K = Type::Kind;

namespace {

// `checkpoint "dir"` (a sink clause or the config key): one directory per
// program, recorded for the runtime (ProgramSpec::checkpoint).
void set_checkpoint(Diagnostics& diags, CheckedProgram& result, const Expr& value) {
  if (value.kind != ExprKind::StringLit) {
    diags.error(value.range, "checkpoint takes a directory as a string literal: checkpoint \"chk/name\"");
    return;
  }
  if (value.text.empty()) {
    diags.error(value.range, "the checkpoint directory must not be empty");
    return;
  }
  if (!result.checkpoint.empty() && result.checkpoint != value.text) {
    diags.error(value.range, "one checkpoint directory per program: this program already checkpoints to " +
                                 q(result.checkpoint));
    return;
  }
  result.checkpoint = value.text;
}

// config { ui: 4040 } or { ui: "0.0.0.0:4040" }: the binary's default --ui.
void set_ui(Diagnostics& diags, CheckedProgram& result, const Expr& value) {
  const char* usage = "ui takes a port or \"HOST:PORT\": ui: 4040 or ui: \"0.0.0.0:4040\"";
  std::string port_text;
  if (value.kind == ExprKind::IntLit) {
    port_text = std::to_string(value.int_value);
  } else if (value.kind == ExprKind::StringLit) {
    size_t colon = value.text.rfind(':');
    if (colon == 0) {
      diags.error(value.range, usage);
      return;
    }
    port_text = colon == std::string::npos ? value.text : value.text.substr(colon + 1);
  } else {
    diags.error(value.range, usage);
    return;
  }
  const bool digits = !port_text.empty() && port_text.size() <= 5 &&
                      port_text.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || std::stoi(port_text) < 1 || std::stoi(port_text) > 65535) {
    diags.error(value.range, "the ui port must be from 1 to 65535");
    return;
  }
  result.ui = value.kind == ExprKind::IntLit ? port_text : value.text;
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
  return "declaration";
}
}  // namespace

void SourceInfo::set_runtime_arg(RuntimeArg arg) {
  drop_runtime_arg(arg.name);
  runtime_args.push_back(std::move(arg));
}

void SourceInfo::drop_runtime_arg(std::string_view name) {
  auto it = std::find_if(runtime_args.begin(), runtime_args.end(), [&](const RuntimeArg& a) { return a.name == name; });
  if (it != runtime_args.end()) runtime_args.erase(it);
}

// What the connector's runtime class reads in `role`, from its entry: the
// positional arguments by the entry's names, then its `runtime` options as
// the call gives them.
static std::vector<RuntimeArg> runtime_args(const Expr& call, const ConnectorSpec& connector, ConnectorRole role) {
  const std::vector<PositionalArg>& names = role == kSinkRole ? connector.sink_args : connector.source_args;
  std::vector<RuntimeArg> out;
  size_t positional = 0;
  for (const auto& a : call.args) {
    if (!a.name.name.empty()) continue;
    if (positional < names.size()) out.push_back({names[positional].name, names[positional].kind, a.value.get(), {}, false});
    ++positional;
  }
  for (const auto& a : call.args) {
    if (a.name.name.empty()) continue;
    for (const ConnectorOption& o : connector.options)
      if (o.name == a.name.name && (o.roles & role) && o.runtime != ArgKind::None)
        out.push_back({o.name, o.runtime, a.value.get(), {}, false});
  }
  return out;
}

static std::string_view format_word(DataFormat f) {
  return f == DataFormat::Json ? "json" : f == DataFormat::Csv ? "csv" : "text";
}

std::optional<CheckedProgram> check_program(const ast::Program& program, const SourceFile& file, Diagnostics& diags,
                                            const std::vector<FunctionRef>& imported) {
  Checker checker(file, diags, imported);
  return checker.run(program);
}

std::optional<CheckedProgram> Checker::run(const ast::Program& program) {
  result_.source_path = file_.path();
  result_.name = std::filesystem::path(file_.path()).stem().string();
  declare_names(program);
  bool has_config = false;
  for (const auto& d : program.decls) {
    switch (d.kind) {
      case DeclKind::Param: check_param(d); break;
      case DeclKind::Config:
        if (has_config) diags_.error(d.range, "only one config block is allowed");
        has_config = true;
        check_config(d);
        break;
      case DeclKind::Import: break;  // read before checking (compiler/import/resolve_imports)
      case DeclKind::Schema: check_schema(d); break;
      case DeclKind::Table: check_source(d); break;
      case DeclKind::Source: check_source(d); break;
      case DeclKind::Stream: check_stream(d); break;
      case DeclKind::Sink: check_sink(d); break;
    }
  }
  // DStream windows cover whole batches: now that the batch interval is
  // known (config may come last), check their sizes.
  for (const auto& [node, where] : batch_windows_) {
    const Node& n = result_.nodes[node];
    for (auto [us, what] : {std::pair{n.window_size_us, "size"}, std::pair{n.window_slide_us, "slide"}})
      if (us % result_.batch_us != 0)
        diags_.error(where, std::string("the window ") + what + " must be a multiple of the batch interval (" +
                                std::to_string(result_.batch_us / 1000) + "ms), as in Spark");
  }
  if (!diags_.has_errors()) check_group_member();
  if (!diags_.has_errors() && result_.sinks.empty()) {
    SourceRange where = program.decls.empty() ? SourceRange{0, 0} : program.decls.back().range;
    diags_.error(where, "the program has no sink, so nothing would run; add one such as: sink NAME -> console()");
  }
  if (diags_.has_errors()) return std::nullopt;
  return std::move(result_);
}

// A Kafka source with `group:` makes every copy of the binary a member of
// that consumer group, each running the tasks (input partitions) it is
// assigned (DESIGN.md, "Scale-out"). What runs that way: the group's source
// alone (tables beside it), operators without state across batches,
// stateful operators keyed by the message key of a raw source (with only
// filters and watermarks between), whose keys are partitioned as the topic
// is, and one stateful operator keyed otherwise (`group_by(country)` over a
// topic keyed by user): its input rows go through a repartition topic
// keyed by its keys, and it and what follows run as tasks over that topic
// (the planner splits the program there: plan/split_sub_topologies.cpp).
void Checker::check_group_member() {
  const SourceInfo* group = nullptr;
  int group_index = -1;
  for (size_t i = 0; i < result_.sources.size(); ++i)
    if (result_.sources[i].kafka_group) {
      group = &result_.sources[i];
      group_index = static_cast<int>(i);
    }
  if (!group) return;
  for (const auto& s : result_.sources)
    if (&s != group && !s.is_table) {
      auto& err = diags_.error(s.range, "a consumer-group member reads its Kafka source only: source " + q(s.name) +
                                            " cannot be read beside " + q(group->name) + ", which has group:");
      err.notes.push_back({group->kafka_group->range, "the consumer group is joined here"});
      return;
    }
  const auto& nodes = result_.nodes;
  auto refuse = [&](const Node& n, const std::string& why) {
    auto& err = diags_.error(n.range, why);
    err.notes.push_back({group->kafka_group->range, "the consumer group is joined here"});
  };
  // The node's rows are the raw records as partitioned on the topic.
  auto as_partitioned = [&](int id) {
    while (id >= 0) {
      const Node& n = nodes[id];
      if (n.op == Node::Op::Source) return n.source == group_index && group->kafka_raw;
      if (n.op != Node::Op::Decode && n.op != Node::Op::Filter && n.op != Node::Op::Watermark) return false;
      id = n.inputs.empty() ? -1 : n.inputs[0];
    }
    return false;
  };
  auto keyed_by_message_key = [&](const Node& n) {
    if (n.inputs.empty() || !as_partitioned(n.inputs[0])) return false;
    if (n.op == Node::Op::DropDuplicates && n.exprs.empty()) return true;  // the whole record, its key with it
    for (const ast::Expr* k : n.exprs)
      if (k->kind == ExprKind::Name && k->text == "key") return true;
    return false;
  };
  // Every node upstream of `id` keeps no state across batches (what a
  // first sub-topology can run).
  auto stateless_upstream = [&](int id) {
    std::vector<int> stack{id};
    while (!stack.empty()) {
      const Node& n = nodes[stack.back()];
      stack.pop_back();
      switch (n.op) {
        case Node::Op::Source:
        case Node::Op::Decode:
        case Node::Op::Filter:
        case Node::Op::Map:
        case Node::Op::FlatMap:
        case Node::Op::Select:
        case Node::Op::Explode:
        case Node::Op::Watermark:
        case Node::Op::Join: break;
        default: return false;
      }
      for (int in : n.inputs) stack.push_back(in);
    }
    return true;
  };
  const char* stateful_note =
      "' keeps state across batches, which a consumer-group member keeps per task; rows of one key from several "
      "partitions would be counted apart. ";
  int x = -1;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = nodes[i];
    switch (n.op) {
      case Node::Op::Aggregate:
      case Node::Op::DropDuplicates:
      case Node::Op::MapGroupsWithState:
        if (x < 0 && keyed_by_message_key(n)) break;
        [[fallthrough]];
      case Node::Op::UpdateStateByKey:
      case Node::Op::BatchWindow:
      case Node::Op::StreamJoin: {
        const std::string what = std::string("'") + op_name(n.op) + stateful_note;
        if (x >= 0) {
          refuse(n, what + "It follows " + q(op_name(nodes[x].op)) + " on line " +
                        std::to_string(file_.line_col(nodes[x].range.begin).line) +
                        ", whose rows already go through a repartition topic; a consumer-group program repartitions "
                        "once (run one copy without group: for more)");
          return;
        }
        const bool keyed = n.op == Node::Op::Aggregate || n.op == Node::Op::MapGroupsWithState ||
                           (n.op == Node::Op::DropDuplicates && !n.exprs.empty());
        if (!keyed) {
          refuse(n, what + "Only group_by aggregations, map_groups_with_state and drop_duplicates of columns can be "
                           "repartitioned by their keys through Kafka; key it by the message key (format: raw, "
                           "group_by(key)), or run one copy without group:");
          return;
        }
        if (!stateless_upstream(n.inputs[0])) {
          refuse(n, what + "Its rows cannot be repartitioned through Kafka: an operator before it keeps state too");
          return;
        }
        std::vector<const ast::Expr*> keys;
        for (size_t k = 0; k < n.exprs.size(); ++k)
          if (static_cast<int>(k) != n.window_key) keys.push_back(n.exprs[k]);
        if (keys.empty()) {
          refuse(n, what + "Its rows would be repartitioned by their keys, but it has no key besides the event-time "
                           "window, so one task would do all the work; group by a column too, or run one copy "
                           "without group:");
          return;
        }
        // The rows are read back on the other side, where the watermark is
        // the task's own, from the same column.
        const TypeRef& row = nodes[n.inputs[0]].type;
        for (int w : n.watermarks) {
          const ast::Expr* col = nodes[w].exprs.empty() ? nullptr : nodes[w].exprs[0];
          bool found = false;
          if (col && col->kind == ExprKind::Name && row->is(K::Record))
            for (const auto& f : row->fields) found |= f == col->text;
          if (!found) {
            refuse(n, what + "Its rows go through a repartition topic and its watermark is taken again from their "
                             "event-time column there, but the rows it gets have no column " +
                             q(col ? col->text : std::string("?")) + "; keep that column in them");
            return;
          }
        }
        for (const auto& [call, f] : result_.calls)
          if (f && !f->structs.empty()) {
            refuse(n, what + "Its rows would go through a repartition topic, but the program calls C++ functions "
                             "that take or return structs, which a program split into sub-topologies cannot use yet");
            return;
          }
        x = static_cast<int>(i);
        result_.repartition_node = x;
        result_.repartition_keys = std::move(keys);
        result_.repartition_name = n.stream_name.empty() ? std::string(op_name(n.op)) + "-" + std::to_string(i)
                                                          : n.stream_name;
        break;
      }
      case Node::Op::Union:
        // After the repartition, every input comes through it.
        if (x >= 0) {
          int through = 0;
          for (int in : n.inputs) {
            bool from_x = false;
            for (int cur = in; cur >= 0 && !from_x; cur = nodes[cur].inputs.empty() ? -1 : nodes[cur].inputs[0])
              from_x = cur == x;
            through += from_x;
          }
          if (through != 0 && through != static_cast<int>(n.inputs.size())) {
            refuse(n, "'union' mixes rows that went through the repartition topic of " + q(op_name(nodes[x].op)) +
                          " with rows that did not; a consumer-group program cannot run that");
            return;
          }
        }
        break;
      default: break;
    }
  }
}

void Checker::declare_names(const ast::Program& program) {
  for (const auto& d : program.decls) {
    NameKind kind;
    switch (d.kind) {
      case DeclKind::Param: kind = NameKind::Param; break;
      case DeclKind::Source: kind = NameKind::Source; break;
      case DeclKind::Table: kind = NameKind::Table; break;
      case DeclKind::Stream: kind = NameKind::Stream; break;
      case DeclKind::Schema: kind = NameKind::Schema; break;
      default: continue;
    }
    auto [it, inserted] = names_.emplace(d.name.name, NameEntry{kind, &d, -1, nullptr});
    if (!inserted) {
      auto& err = diags_.error(d.name.range, "redefinition of " + q(d.name.name));
      err.notes.push_back({it->second.decl->name.range, "previous definition is here"});
    }
  }
}

void Checker::check_param(const Decl& d) {
  ParamInfo p;
  p.name = d.name.name;
  p.range = d.range;
  p.type = d.type ? resolve_type(*d.type) : types::error();
  if (!p.type->is_error() && !(p.type->is(K::Int) || p.type->is(K::Float) || p.type->is(K::Bool) ||
                               p.type->is(K::String) || p.type->is(K::Duration))) {
    diags_.error(d.type->range, "a param must be int, float, bool, string or duration, not " + to_string(p.type));
    p.type = types::error();
  }
  if (d.value && !p.type->is_error()) {
    const Expr& v = *d.value;
    bool negative = v.kind == ExprKind::Unary && v.op == ast::Op::Neg;
    const Expr& lit = negative ? *v.children[0] : v;
    std::string sign = negative ? "-" : "";
    bool ok = false;
    switch (p.type->kind) {
      case K::Int: ok = lit.kind == ExprKind::IntLit; p.default_text = sign + std::to_string(lit.int_value); break;
      case K::Float:
        ok = lit.kind == ExprKind::FloatLit || lit.kind == ExprKind::IntLit;
        p.default_text = sign + std::string(file_.slice(lit.range));
        break;
      case K::Bool: ok = !negative && lit.kind == ExprKind::BoolLit; p.default_text = lit.bool_value ? "true" : "false"; break;
      case K::String: ok = !negative && lit.kind == ExprKind::StringLit; p.default_text = lit.text; break;
      case K::Duration: ok = !negative && lit.kind == ExprKind::DurationLit; p.default_text = lit.text; break;
      default: break;
    }
    if (!ok) {
      Scope none;
      TypeRef t = check_expr(v, none);
      if (!t->is_error())
        diags_.error(v.range, "the default of param " + q(p.name) + " must be " + (p.type->is(K::Int) ? std::string("an ") : std::string("a ")) +
                                  to_string(p.type) + " literal" + (same_type(t, p.type) ? "" : ", found " + to_string(t)));
      p.type = types::error();
    } else {
      record(v, p.type);
      if (negative) record(lit, p.type);
    }
  } else if (!d.value && !p.type->is_error()) {
    diags_.error(d.range, "param " + q(p.name) + " needs a default value: param " + p.name + ": " +
                              to_string(p.type) + " = …");
    p.type = types::error();
  }
  names_[p.name].index = static_cast<int>(result_.params.size());
  result_.params.push_back(std::move(p));
}

void Checker::check_config(const Decl& d) {
  for (const auto& entry : d.entries) {
    const std::string& key = entry.name.name;
    if (key == "batch") {
      constant_duration(*entry.value, "the batch interval", result_.batch_us);
    } else if (key == "threads") {
      if (constant_int(*entry.value, "threads", result_.threads) && result_.threads < 1) {
        diags_.error(entry.value->range, "threads must be at least 1");
      }
    } else if (key == "checkpoint") {
      set_checkpoint(diags_, result_, *entry.value);
    } else if (key == "ui") {
      set_ui(diags_, result_, *entry.value);
    } else if (key == "max_record_bytes") {
      if (constant_int(*entry.value, "max_record_bytes", result_.max_record_bytes) && result_.max_record_bytes < 1)
        diags_.error(entry.value->range, "max_record_bytes must be at least 1");
    } else {
      std::string near = closest_name(key, {"batch", "threads", "checkpoint", "ui", "max_record_bytes"});
      diags_.error(entry.name.range, "unknown config key " + q(key) +
                                         (near.empty() ? "; the keys are batch, threads, checkpoint, ui and max_record_bytes" : "; did you mean " + q(near) + "?"));
    }
  }
}

const Expr* Checker::named_arg(const Expr& call, std::string_view name) const {
  for (const auto& a : call.args)
    if (a.name.name == name) return a.value.get();
  return nullptr;
}

bool Checker::named_args(const Expr& call, const std::vector<std::string_view>& allowed, size_t max_positional,
                         std::string_view what) {
  size_t positional = 0;
  bool ok = true;
  for (const auto& a : call.args) {
    if (a.name.name.empty()) {
      if (++positional > max_positional) {
        diags_.error(a.value->range, std::string(what) + " takes " + std::to_string(max_positional) +
                                         " positional argument" + (max_positional == 1 ? "" : "s"));
        ok = false;
      }
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), a.name.name) == allowed.end()) {
      std::vector<std::string> names(allowed.begin(), allowed.end());
      std::string near = closest_name(a.name.name, names);
      std::string list;
      for (auto n : allowed) list += (list.empty() ? "" : ", ") + std::string(n);
      diags_.error(a.name.range, std::string(what) + " has no option " + q(a.name.name) +
                                     (near.empty() ? (list.empty() ? "" : "; its options are " + list) : "; did you mean " + q(near) + "?"));
      ok = false;
    }
  }
  return ok;
}

bool Checker::connector_options(const Expr& call, const ConnectorSpec& connector, ConnectorRole role,
                                size_t max_positional) {
  const std::vector<const ConnectorOption*> options = sema::connector_options(connector, role);
  std::vector<std::string_view> names;
  for (const ConnectorOption* o : options) names.push_back(o->name);
  if (!named_args(call, names, max_positional, std::string(role_word(role)) + " " + q(std::string(connector.name))))
    return false;
  for (const auto& a : call.args) {
    if (a.name.name.empty()) continue;
    const ConnectorOption* o = *std::find_if(options.begin(), options.end(),
                                             [&](const ConnectorOption* c) { return c->name == a.name.name; });
    const std::string name(o->name);
    switch (o->value) {
      case OptionValue::Int:
      case OptionValue::Bool:
      case OptionValue::String: {
        const TypeRef t = o->value == OptionValue::Int    ? types::integer()
                          : o->value == OptionValue::Bool ? types::boolean()
                                                          : types::string();
        if (check_startup_expr(*a.value, t, name)->is_error()) return false;
        break;
      }
      case OptionValue::Word: {
        std::vector<std::string> words;
        for (size_t at = 0; at <= o->words.size();) {
          size_t bar = std::min(o->words.find('|', at), o->words.size());
          words.emplace_back(o->words.substr(at, bar - at));
          at = bar + 1;
        }
        if (a.value->kind != ExprKind::Name || std::find(words.begin(), words.end(), a.value->text) == words.end()) {
          std::string list;
          for (size_t i = 0; i < words.size(); ++i)
            list += (i == 0 ? "" : i + 1 == words.size() ? " or " : ", ") + words[i];
          diags_.error(a.value->range, name + " must be " + list);
          return false;
        }
        break;
      }
      case OptionValue::Own:
        break;
    }
  }
  return true;
}

bool Checker::format_option(const Expr& call, DataFormat& format, std::initializer_list<std::string_view> allowed) {
  const Expr* f = named_arg(call, "format");
  if (!f) return true;
  if (f->kind != ExprKind::Name) {
    diags_.error(f->range, "format must be one of text, json or csv");
    return false;
  }
  if (std::find(allowed.begin(), allowed.end(), f->text) != allowed.end()) {
    format = f->text == "json" ? DataFormat::Json : f->text == "csv" ? DataFormat::Csv : DataFormat::Text;
    return true;
  }
  if (f->text == "json" || f->text == "csv" || f->text == "text") {
    not_supported(f->range, "format: " + f->text + " here");
  } else {
    diags_.error(f->range, "unknown format " + q(f->text) + "; use text, json or csv");
  }
  return false;
}

void Checker::check_source(const Decl& d) {
  const Expr* call = d.value.get();
  names_[d.name.name].index = -1;
  if (!call || call->kind != ExprKind::Call || call->children[0]->kind != ExprKind::Name) {
    diags_.error(call ? call->range : d.range, "a source is a connector call such as socket(\"localhost\", 9999) or files(\"in/*.txt\")");
    return;
  }
  const std::string& conn = call->callee_name();
  SourceInfo s;
  s.name = d.name.name;
  s.range = d.range;
  s.element = types::string();
  if (const ConnectorSpec* spec = find_connector(conn); spec && (spec->roles & kSourceRole))
    s.runtime_args = runtime_args(*call, *spec, kSourceRole);
  if (conn == "socket") {
    s.connector = Connector::Socket;
    if (!connector_options(*call, *find_connector(conn), kSourceRole, 2)) return;
    std::vector<const Expr*> pos;
    for (const auto& a : call->args)
      if (a.name.name.empty()) pos.push_back(a.value.get());
    if (pos.size() != 2) {
      diags_.error(call->range, "socket needs a host and a port: socket(\"localhost\", 9999)");
      return;
    }
    if (check_startup_expr(*pos[0], types::string(), "the socket host")->is_error()) return;
    if (check_startup_expr(*pos[1], types::integer(), "the socket port")->is_error()) return;
  } else if (conn == "files") {
    s.connector = Connector::Files;
    if (!connector_options(*call, *find_connector(conn), kSourceRole, 1)) return;
    if (call->args.empty() || !call->args[0].name.name.empty()) {
      diags_.error(call->range, "files needs a path or glob: files(\"in/*.txt\", format: text)");
      return;
    }
    if (check_startup_expr(*call->args[0].value, types::string(), "the files path")->is_error()) return;
    s.args = {call->args[0].value.get()};
    // Spark's cleanSource (archive | delete) and sourceArchiveDir.
    const Expr* archive = named_arg(*call, "archive_dir");
    std::string clean_source;
    if (const Expr* c = named_arg(*call, "clean_source")) {
      clean_source = c->text;
      if (clean_source == "archive" && !archive) {
        diags_.error(c->range, "clean_source: archive needs the directory to move taken files to: archive_dir: \"…\"");
        return;
      }
    }
    if (archive) {
      if (clean_source != "archive") {
        diags_.error(archive->range, "archive_dir is where clean_source: archive moves taken files; add clean_source: archive");
        return;
      }
    }
  } else if (conn == "generate") {
    // Spark's rate source: rows {timestamp, value} with value 0, 1, 2, …
    s.connector = Connector::Generate;
    if (!connector_options(*call, *find_connector(conn), kSourceRole, 0)) return;
    s.format = DataFormat::Json;  // typed rows, decoded by the generated loop
    s.element = types::record({"timestamp", "value"}, {types::timestamp(), types::integer()});
    add_typed_source(d, std::move(s));
    return;
  } else if (conn == "kafka") {
    bool done = false;
    if (!check_kafka_source(d, *call, s, done) || done) return;
  } else if (conn == "postgres" && d.kind == ast::DeclKind::Table) {
    if (!check_postgres_table(*call, s)) return;
    s.is_table = true;
    names_[d.name.name].index = static_cast<int>(result_.sources.size());
    result_.sources.push_back(std::move(s));
    return;
  } else if (find_connector(conn)) {
    diags_.error(call->children[0]->range, q(conn) + " is a sink connector" + (conn == "postgres" ? " (or a table: table t = postgres(conn, query: …, schema: S))" : "") + "; sources are " + connector_list(kSourceRole));
    return;
  } else {
    std::string near = closest_name(conn, connector_names(kSourceRole));
    diags_.error(call->children[0]->range, "unknown source connector " + q(conn) +
                                               (near.empty() ? "; sources are " + connector_list(kSourceRole) : "; did you mean " + q(near) + "?"));
    return;
  }
  if (!format_option(*call, s.format, {"text", "json", "csv"})) return;
  if (!source_record_options(*call, s)) return;
  s.max_record_bytes = named_arg(*call, "max_record_bytes");
  if (const Expr* oe = named_arg(*call, "on_error"))  // a word connector_options checked
    s.on_error = oe->text == "drop" ? OnError::Drop : oe->text == "fail" ? OnError::Fail : OnError::Permissive;
  if (d.kind == ast::DeclKind::Table) {
    if (s.connector != Connector::Files || s.format == DataFormat::Text) {
      diags_.error(call->range, "a table is read from files with a schema: table ads = files(\"ads.csv\", format: csv, schema: Ad)");
      return;
    }
    s.is_table = true;
    names_[d.name.name].index = static_cast<int>(result_.sources.size());
    result_.sources.push_back(std::move(s));
    return;
  }
  int index = static_cast<int>(result_.sources.size());
  result_.sources.push_back(std::move(s));
  Node n;
  n.op = Node::Op::Source;
  n.source = index;
  n.type = types::string();
  n.range = d.range;
  n.stream_name = d.name.name;
  int node = add_node(std::move(n));
  if (result_.sources[index].format != DataFormat::Text) {
    // Records are decoded from the raw text by a narrow operator of their
    // own, so the decoder runs fused into the first loop that reads them.
    Node decode;
    decode.op = Node::Op::Decode;
    decode.inputs = {node};
    decode.source = index;
    decode.type = result_.sources[index].element;
    decode.range = d.range;
    result_.nodes[node].stream_name.clear();
    decode.stream_name = d.name.name;
    node = add_node(std::move(decode));
  }
  names_[d.name.name].index = node;
}

void Checker::add_typed_source(const Decl& d, SourceInfo s) {
  int index = static_cast<int>(result_.sources.size());
  result_.sources.push_back(std::move(s));
  Node n;
  n.op = Node::Op::Source;
  n.source = index;
  // generate: the row's value; kafka raw: the message's value.
  n.type = result_.sources[index].connector == Connector::Generate ? types::integer() : types::string();
  n.range = d.range;
  int node = add_node(std::move(n));
  Node decode;
  decode.op = Node::Op::Decode;
  decode.inputs = {node};
  decode.source = index;
  decode.type = result_.sources[index].element;
  decode.range = d.range;
  decode.stream_name = d.name.name;
  names_[d.name.name].index = add_node(std::move(decode));
}

int Checker::add_node(Node node) {
  if (node.op != Node::Op::Aggregate || true) {
    for (int in : node.inputs)
      for (int w : result_.nodes[in].watermarks)
        if (std::find(node.watermarks.begin(), node.watermarks.end(), w) == node.watermarks.end())
          node.watermarks.push_back(w);
  }
  if (node.op == Node::Op::Watermark) node.watermarks.push_back(static_cast<int>(result_.nodes.size()));
  result_.nodes.push_back(std::move(node));
  return static_cast<int>(result_.nodes.size()) - 1;
}

void Checker::check_stream(const Decl& d) {
  int node = check_flow(*d.value);
  names_[d.name.name].index = node;
  if (node >= 0) {
    // A named stream that is just another name gets its own name only if unnamed.
    if (result_.nodes[node].stream_name.empty()) result_.nodes[node].stream_name = d.name.name;
  }
}

int Checker::check_flow(const Expr& e) {
  if (e.kind == ExprKind::Name) {
    auto it = names_.find(e.text);
    if (it == names_.end()) {
      std::vector<std::string> candidates;
      for (const auto& [name, entry] : names_)
        if (entry.kind == NameKind::Source || entry.kind == NameKind::Stream) candidates.push_back(name);
      std::string near = closest_name(e.text, candidates);
      diags_.error(e.range, "unknown stream " + q(e.text) + (near.empty() ? "" : "; did you mean " + q(near) + "?"));
      return -1;
    }
    const NameEntry& entry = it->second;
    if (entry.kind == NameKind::Table) return -1;  // already reported as not supported
    if (entry.kind != NameKind::Source && entry.kind != NameKind::Stream) {
      diags_.error(e.range, q(e.text) + " is a " + decl_word(entry.decl->kind) + ", not a stream");
      return -1;
    }
    if (entry.decl->range.begin > e.range.begin) {
      diags_.error(e.range, "stream " + q(e.text) + " is used before its declaration on line " +
                                std::to_string(file_.line_col(entry.decl->range.begin).line));
      return -1;
    }
    return entry.index;  // -1 if its declaration had errors
  }
  if (e.kind == ExprKind::Pipe) {
    const Expr& rhs = *e.children[1];
    if (rhs.kind == ExprKind::Call && rhs.callee_name() == "aggregate") {
      const Expr& lhs = *e.children[0];
      if (lhs.kind != ExprKind::Pipe || lhs.children[1]->kind != ExprKind::Call ||
          lhs.children[1]->callee_name() != "group_by") {
        diags_.error(rhs.range, "aggregate(…) must follow group_by(…): stream |> group_by(key) |> aggregate(count() as n)");
        return -1;
      }
      int input = check_flow(*lhs.children[0]);
      if (input < 0) return -1;
      return apply_aggregate(input, *lhs.children[1], rhs);
    }
    if (rhs.kind == ExprKind::Call &&
        (rhs.callee_name() == "map_groups_with_state" || rhs.callee_name() == "flat_map_groups_with_state")) {
      const Expr& lhs = *e.children[0];
      if (lhs.kind != ExprKind::Pipe || lhs.children[1]->kind != ExprKind::Call ||
          lhs.children[1]->callee_name() != "group_by") {
        diags_.error(rhs.range, rhs.callee_name() + "(…) must follow group_by(…), as Spark's follows groupByKey: "
                                "stream |> group_by(user) |> " + rhs.callee_name() + "(…)");
        return -1;
      }
      int input = check_flow(*lhs.children[0]);
      if (input < 0) return -1;
      return apply_group_state(input, *lhs.children[1], rhs);
    }
    int input = check_flow(*e.children[0]);
    if (input < 0) return -1;
    return apply_operator(input, rhs);
  }
  diags_.error(e.range, "expected a source or stream name, optionally followed by |> operators");
  return -1;
}


const std::vector<ast::Arg>& Checker::operator_args(const Expr& op) {
  static const std::vector<ast::Arg> no_args;
  return op.kind == ExprKind::Call ? op.args : no_args;
}

bool Checker::operator_arity(const Expr& op, const std::string& name, size_t count, std::string_view example) {
  const std::vector<ast::Arg>& args = operator_args(op);
  for (const auto& a : args)
    if (!a.name.name.empty()) {
      diags_.error(a.name.range, q(name) + " takes no named arguments");
      return false;
    }
  if (args.size() != count) {
    diags_.error(op.range, q(name) + " takes " + std::to_string(count) + " argument" + (count == 1 ? "" : "s") + ": " +
                               std::string(example));
    return false;
  }
  return true;
}

// An operator is checked by its registry entry's `check` (registry.cpp),
// which adds its node.
int Checker::apply_operator(int input, const Expr& op) {
  const Expr* callee = op.kind == ExprKind::Call ? op.children[0].get() : &op;
  if (callee->kind != ExprKind::Name) {
    diags_.error(op.range, "expected an operator call after '|>', such as map(x -> …)");
    return -1;
  }
  const std::string& name = callee->text;
  const OperatorSpec* spec = find_operator(name);
  if (spec && stateful(input) && !spec->per_row) {
    diags_.error(callee->range, q(name) + " cannot follow a running aggregation: its result is a table that changes "
                                "every batch (as in Spark, only operators that work row by row may follow: " +
                                    per_row_operator_list() + ")");
    return -1;
  }
  if (!spec || !spec->check) {
    std::string near = closest_name(name, operator_names());
    if (!builtin_overloads(name).empty())
      diags_.error(callee->range, q(name) + " is a function, not an operator; use it inside one, e.g. map(x -> " + name + "(x))");
    else
      diags_.error(callee->range, "unknown operator " + q(name) + (near.empty() ? "" : "; did you mean " + q(near) + "?"));
    return -1;
  }
  Node n;
  n.inputs = {input};
  n.range = op.range;
  return (this->*spec->check)(input, op, name, std::move(n));
}

// The function given to map, flat_map or filter (a lambda, or a row
// expression over a record's fields): its body's type, or an error type
// after reporting.
TypeRef Checker::check_row_function(int input, const Expr& op, const std::string& name, const std::string& usage, Node& n) {
  if (!operator_arity(op, name, 1, usage)) return types::error();
  TypeRef in = result_.nodes[input].type;
  Scope scope;
  const Expr& fn = *operator_args(op)[0].value;
  TypeRef body = check_function_arg(fn, in, {in}, name, scope);
  n.fn = &fn;
  return body;
}

static const Expr& function_body(const Expr& fn) { return fn.kind == ExprKind::Lambda ? *fn.children[0] : fn; }

int Checker::check_map(int input, const Expr& op, const std::string& name, Node n) {
  TypeRef body = check_row_function(input, op, name, name + "(x -> expression)", n);
  if (body->is_error()) return -1;
  n.op = Node::Op::Map;
  n.type = body;
  return add_node(std::move(n));
}

int Checker::check_flat_map(int input, const Expr& op, const std::string& name, Node n) {
  TypeRef body = check_row_function(input, op, name, name + "(x -> expression)", n);
  if (body->is_error()) return -1;
  if (!body->is(K::List)) {
    diags_.error(function_body(*n.fn).range, "the function given to " + q(name) + " must return a list, found " + to_string(body));
    return -1;
  }
  n.op = Node::Op::FlatMap;
  n.type = body->elements[0];
  return add_node(std::move(n));
}

// filter, and where (Spark's other name for it).
int Checker::check_filter(int input, const Expr& op, const std::string& name, Node n) {
  TypeRef body = check_row_function(input, op, name, name + "(x -> condition)", n);
  if (body->is_error()) return -1;
  if (!body->is(K::Bool)) {
    diags_.error(function_body(*n.fn).range, "the condition given to " + q(name) + " must be bool, found " + to_string(body));
    return -1;
  }
  n.op = Node::Op::Filter;
  n.type = result_.nodes[input].type;
  return add_node(std::move(n));
}

int Checker::check_union(int input, const Expr& op, const std::string& name, Node n) {
  const std::vector<ast::Arg>& args = operator_args(op);
  TypeRef in = result_.nodes[input].type;
  if (!operator_arity(op, name, 1, "union(other_stream)")) return -1;
  int other = check_flow(*args[0].value);
  if (other < 0) return -1;
  TypeRef ot = result_.nodes[other].type;
  if (!same_type(in, ot)) {
    diags_.error(args[0].value->range, "union needs streams of one type: this stream has " + to_string(in) +
                                           ", the other has " + to_string(ot));
    return -1;
  }
  n.op = Node::Op::Union;
  n.inputs.push_back(other);
  n.type = in;
  return add_node(std::move(n));
}

int Checker::check_reduce_by_key(int input, const Expr& op, const std::string& name, Node n) {
  const std::vector<ast::Arg>& args = operator_args(op);
  TypeRef in = result_.nodes[input].type;
  if (!operator_arity(op, name, 1, "reduce_by_key((a, b) -> a + b)")) return -1;
  if (!in->is(K::Tuple) || in->elements.size() != 2) {
    diags_.error(op.range, "reduce_by_key needs a stream of (key, value) pairs, but this stream has " + to_string(in) +
                               "; make pairs first, e.g. map(x -> (x, 1))");
    return -1;
  }
  if (!is_hashable(in->elements[0])) {
    diags_.error(op.range, "the key type " + to_string(in->elements[0]) + " cannot be grouped on; keys must be scalars or tuples of scalars");
    return -1;
  }
  n.op = Node::Op::ReduceByKey;
  return add_combiner(std::move(n), *args[0].value, in->elements[1], name, "value");
}

int Checker::check_reduce(int input, const Expr& op, const std::string& name, Node n) {
  if (!operator_arity(op, name, 1, "reduce((a, b) -> a + b)")) return -1;
  n.op = Node::Op::Reduce;
  return add_combiner(std::move(n), *operator_args(op)[0].value, result_.nodes[input].type, name, "element");
}

int Checker::add_combiner(Node n, const Expr& fn, const TypeRef& v, const std::string& name, std::string_view what) {
  Scope scope;
  TypeRef body = check_lambda(fn, {v, v}, name, scope);
  if (body->is_error()) return -1;
  if (!same_type(body, v)) {
    diags_.error(fn.children[0]->range, "the function given to " + q(name) + " must return the " + std::string(what) +
                                            " type " + to_string(v) + ", found " + to_string(body));
    return -1;
  }
  n.fn = &fn;
  n.type = result_.nodes[n.inputs[0]].type;
  return add_node(std::move(n));
}

int Checker::check_count_by_value(int input, const Expr& op, const std::string& name, Node n) {
  TypeRef in = result_.nodes[input].type;
  if (!operator_arity(op, name, 0, "count_by_value()")) return -1;
  if (!is_hashable(in)) {
    diags_.error(op.range, "count_by_value cannot group values of type " + to_string(in) + "; they must be scalars or tuples of scalars");
    return -1;
  }
  n.op = Node::Op::CountByValue;
  n.type = types::tuple({in, types::integer()});
  return add_node(std::move(n));
}

int Checker::check_count(int /*input*/, const Expr& op, const std::string& name, Node n) {
  if (!operator_arity(op, name, 0, "count()")) return -1;
  n.op = Node::Op::Count;
  n.type = types::integer();
  return add_node(std::move(n));
}

int Checker::check_watermark(int input, const Expr& op, const std::string& name, Node n) {
  const std::vector<ast::Arg>& args = operator_args(op);
  TypeRef in = result_.nodes[input].type;
  Scope scope;
  // Spark's withWatermark: rows later than (max event time - delay) are
  // late for the stateful operators downstream.
  if (!operator_arity(op, name, 2, "watermark(ts, 10m)")) return -1;
  if (!in->is(K::Record)) {
    diags_.error(op.range, "watermark needs a stream of records with a timestamp column, but this stream has " +
                               to_string(in));
    return -1;
  }
  TypeRef t = check_row_expr(*args[0].value, in, scope);
  if (t->is_error()) return -1;
  if (!t->is(K::Timestamp)) {
    diags_.error(args[0].value->range, "the event-time column of a watermark must be a timestamp, found " + to_string(t));
    return -1;
  }
  int64_t delay = 0;
  if (args[1].value->kind == ExprKind::DurationLit && args[1].value->int_value == 0) {
    record(*args[1].value, types::duration());
  } else if (!constant_duration(*args[1].value, "the watermark delay", delay)) {
    return -1;
  }
  n.op = Node::Op::Watermark;
  n.exprs = {args[0].value.get()};
  n.delay_us = delay;
  n.type = in;
  return add_node(std::move(n));
}

int Checker::check_drop_duplicates(int input, const Expr& op, const std::string& name, Node n) {
  const std::vector<ast::Arg>& args = operator_args(op);
  TypeRef in = result_.nodes[input].type;
  Scope scope;
  // Spark's dropDuplicates: the first row of each key, across batches.
  // With a watermark whose event-time column is a key, late rows are
  // dropped and keys the watermark passed are forgotten. Spark 3.5's
  // dropDuplicatesWithinWatermark: keys without the event time, each kept
  // until the watermark passes its first row's time plus the delay.
  const bool within = name == "drop_duplicates_within_watermark";
  for (const auto& a : args)
    if (!a.name.name.empty()) {
      diags_.error(a.name.range, name + " takes key columns, not named arguments");
      return -1;
    }
  if (within && args.empty()) {
    diags_.error(op.range, "drop_duplicates_within_watermark takes the key columns: "
                           "drop_duplicates_within_watermark(id)");
    return -1;
  }
  if (!args.empty() && !in->is(K::Record)) {
    diags_.error(op.range, "drop_duplicates(keys…) needs a stream of records; drop_duplicates() compares whole values");
    return -1;
  }
  for (const auto& a : args) {
    TypeRef t = check_row_expr(*a.value, in, scope);
    if (t->is_error()) return -1;
    if (!(is_hashable(t) || (t->is(K::Optional) && is_hashable(t->elements[0])))) {
      diags_.error(a.value->range, "cannot compare keys of type " + to_string(t) + "; keys must be scalars");
      return -1;
    }
    n.exprs.push_back(a.value.get());
  }
  if (args.empty() && !is_hashable(in) && !in->is(K::Record)) {
    diags_.error(op.range, "drop_duplicates cannot compare values of type " + to_string(in));
    return -1;
  }
  n.op = Node::Op::DropDuplicates;
  n.type = in;
  const auto& wms = result_.nodes[input].watermarks;
  if (within && wms.empty()) {
    diags_.error(op.range, "drop_duplicates_within_watermark needs a watermark, as in Spark: it forgets a key once "
                           "the watermark passes its first row's event time plus the delay; add "
                           "|> watermark(ts, delay) before it");
    return -1;
  }
  if (!wms.empty()) {
    std::string column = event_time_column(result_.nodes, input, wms[0]);
    bool keyed = false;
    for (const Expr* k : n.exprs) keyed = keyed || (k->kind == ExprKind::Name && k->text == column);
    if (within && column.empty()) {
      diags_.error(op.range, "the event-time column of the watermark must reach drop_duplicates_within_watermark, "
                             "kept or renamed by select");
      return -1;
    }
    if (within || keyed) {
      n.dedup_event_time = column;
      n.delay_us = within ? result_.nodes[wms[0]].delay_us : 0;
    }
  }
  return add_node(std::move(n));
}

int Checker::check_update_state_by_key(int input, const Expr& op, const std::string& name, Node n) {
  const std::vector<ast::Arg>& args = operator_args(op);
  TypeRef in = result_.nodes[input].type;
  Scope scope;
  // DStream.updateStateByKey: per key, (this batch's values, the state so
  // far) -> the new state, or null to forget the key. The state has the
  // value type; every batch emits every key's state.
  if (!operator_arity(op, name, 1, "update_state_by_key((values, state) -> (state ?? 0) + sum(values))")) return -1;
  if (!in->is(K::Tuple) || in->elements.size() != 2) {
    diags_.error(op.range, "update_state_by_key needs a stream of (key, value) pairs, but this stream has " +
                               to_string(in));
    return -1;
  }
  TypeRef v = in->elements[1];
  if (!is_hashable(in->elements[0])) {
    diags_.error(op.range, "the key type " + to_string(in->elements[0]) + " cannot be grouped on");
    return -1;
  }
  // The state has the value type, unless the function reads it as
  // `state ?? (0, 0)` (or a record literal): then the state has that
  // literal's type, as Scala infers S from `state.getOrElse((0, 0))`.
  if (const TypeRef s = state_type_from_fallback(*args[0].value); s) v = s;
  // The state lives across batches: its values may not point into a
  // batch, so strings and lists are not (yet) state; tuples and records of
  // numbers, bools and times are (a running (count, sum), say).
  if (!plain_state(v)) {
    not_supported(op.range, "update_state_by_key with a state of type " + to_string(v) +
                                " (numbers, bools, times, and tuples and records of them work)");
    return -1;
  }
  const Expr& fn = *args[0].value;
  TypeRef body = check_lambda(fn, {types::list(in->elements[1]), types::optional(v)}, name, scope);
  if (body->is_error()) return -1;
  if (!same_type(body, v) && !same_type(body, types::optional(v)) && !body->is(K::Null) &&
      !(v->is(K::Float) && (body->is(K::Int) || same_type(body, types::optional(types::integer()))))) {
    diags_.error(fn.kind == ExprKind::Lambda ? fn.children[0]->range : fn.range,
                 "the function given to 'update_state_by_key' must return the new state, " + to_string(v) + " or " +
                     to_string(types::optional(v)) + " (null forgets the key), found " + to_string(body));
    return -1;
  }
  n.op = Node::Op::UpdateStateByKey;
  n.fn = &fn;
  n.type = types::tuple({in->elements[0], v});
  return add_node(std::move(n));
}

int Checker::check_group_by_alone(int /*input*/, const Expr& op, const std::string& /*name*/, Node /*n*/) {
  diags_.error(op.range, "group_by(…) must be followed by aggregate(…): |> group_by(key) |> aggregate(count() as n)");
  return -1;
}

int Checker::check_aggregate_alone(int /*input*/, const Expr& op, const std::string& /*name*/, Node /*n*/) {
  diags_.error(op.range, "aggregate(…) must follow group_by(…)");
  return -1;
}

void Checker::check_sink(const Decl& d) {
  auto it = names_.find(d.name.name);
  SinkInfo s;
  s.stream = d.name.name;
  s.range = d.range;
  if (it == names_.end() || (it->second.kind != NameKind::Source && it->second.kind != NameKind::Stream)) {
    if (it == names_.end()) {
      std::vector<std::string> candidates;
      for (const auto& [name, entry] : names_)
        if (entry.kind == NameKind::Source || entry.kind == NameKind::Stream) candidates.push_back(name);
      std::string near = closest_name(d.name.name, candidates);
      diags_.error(d.name.range, "unknown stream " + q(d.name.name) + (near.empty() ? "" : "; did you mean " + q(near) + "?"));
    } else if (it->second.kind != NameKind::Table) {
      diags_.error(d.name.range, q(d.name.name) + " is a " + decl_word(it->second.decl->kind) + ", not a stream");
    }
    return;
  }
  s.node = it->second.index;
  const Expr* call = d.value.get();
  if (!call || call->kind != ExprKind::Call || call->children[0]->kind != ExprKind::Name) {
    diags_.error(call ? call->range : d.range, "a sink is a connector call such as console() or files(\"out\", format: json)");
    return;
  }
  const std::string& conn = call->callee_name();
  if (const ConnectorSpec* spec = find_connector(conn); spec && (spec->roles & kSinkRole))
    s.runtime_args = runtime_args(*call, *spec, kSinkRole);
  bool ok = true;
  if (conn == "console") {
    s.connector = Connector::Console;
    if (!connector_options(*call, *find_connector(conn), kSinkRole, 0)) return;
  } else if (conn == "files") {
    s.connector = Connector::Files;
    if (!connector_options(*call, *find_connector(conn), kSinkRole, 1)) return;
    if (call->args.empty() || !call->args[0].name.name.empty()) {
      diags_.error(call->range, "files needs a directory: files(\"out/counts\", format: json)");
      return;
    }
    if (check_startup_expr(*call->args[0].value, types::string(), "the files directory")->is_error()) return;
    ok = format_option(*call, s.format, {"text", "json", "csv"});
    if (const Expr* p = named_arg(*call, "partition_by"); ok && p && !partition_columns(*p, s)) return;
    s.runtime_args.push_back({"format", ArgKind::Word, nullptr, {std::string(format_word(s.format))}});
    if (!s.partition_by.empty()) s.runtime_args.push_back({"partition_by", ArgKind::Strings, nullptr, s.partition_by});
  } else if (conn == "foreach") {
    if (!check_foreach_sink(*call, s)) return;
  } else if (conn == "postgres") {
    if (!check_postgres_sink(*call, s)) return;
  } else if (conn == "kafka") {
    if (!check_kafka_sink(*call, s)) return;
    s.runtime_args.push_back({"format", ArgKind::Word, nullptr, {std::string(format_word(s.format))}});
  } else if (conn == "socket") {
    not_supported(call->children[0]->range, "the " + conn + " sink");
    return;
  } else if (find_connector(conn)) {
    diags_.error(call->children[0]->range, q(conn) + " is a source connector; sinks are " + connector_list(kSinkRole));
    return;
  } else {
    std::string near = closest_name(conn, connector_names(kSinkRole));
    diags_.error(call->children[0]->range, "unknown sink connector " + q(conn) +
                                               (near.empty() ? "; sinks are " + connector_list(kSinkRole) : "; did you mean " + q(near) + "?"));
    return;
  }
  if (!ok) return;
  bool seen[5] = {};
  for (const auto& c : d.clauses) {
    int slot = c.kind == ast::SinkClause::Kind::Mode ? 0 : c.kind == ast::SinkClause::Kind::Checkpoint ? 1 : 2;
    if (seen[slot]) {
      diags_.error(c.range, std::string("a sink takes one ") + (slot == 0 ? "mode" : slot == 1 ? "checkpoint" : "trigger") + " clause");
      return;
    }
    seen[slot] = true;
    switch (c.kind) {
      case ast::SinkClause::Kind::Mode: {
        bool agg = s.node >= 0 && stateful(s.node);
        const int gs = s.node >= 0 ? group_state_upstream(s.node) : -1;
        if (gs >= 0) {
          // Spark: mapGroupsWithState only in update mode; flatMapGroupsWithState
          // in append or update (its rows are written as f returns them).
          const bool flat = result_.nodes[gs].group_state.flat;
          if (c.word.name == "update" || (flat && c.word.name == "append")) {
            s.mode = c.word.name == "update" ? OutputMode::Update : OutputMode::Append;
            break;
          }
          if (c.word.name == "append" || c.word.name == "complete") {
            diags_.error(c.word.range, "output mode '" + c.word.name + "' is not supported for " +
                                           (flat ? "flat_map_groups_with_state, only append or update"
                                                 : "map_groups_with_state, only update (as Spark's mapGroupsWithState)"));
            return;
          }
        }
        if (c.word.name == "append") {
          if (agg && !windowed_with_watermark(s.node)) {
            diags_.error(c.word.range, "append mode is not supported for a running aggregation without a watermark: "
                                       "a group's row could still change; group by an event-time window of a "
                                       "column with a watermark, or use mode update or mode complete");
            return;
          }
          s.mode = OutputMode::Append;
          break;
        }
        if (c.word.name == "update" || c.word.name == "complete") {
          if (s.node >= 0 && from_stream_join(s.node)) {
            diags_.error(c.word.range, "output mode '" + c.word.name +
                                           "' is not supported for a join of two streams, only append: as in Spark, "
                                           "each joined row is written once, when it is produced, and never changes");
            return;
          }
          if (!agg && s.node >= 0) {
            diags_.error(c.word.range, "output mode '" + c.word.name +
                                           "' needs a running aggregation (group_by |> aggregate); this stream is per batch, "
                                           "so each batch is appended");
            return;
          }
          s.mode = c.word.name == "update" ? OutputMode::Update : OutputMode::Complete;
          break;
        }
        diags_.error(c.word.range, "unknown output mode " + q(c.word.name) + "; use append, update or complete");
        return;
      }
      case ast::SinkClause::Kind::TriggerEvery: {
        int64_t us = 0;
        if (!constant_duration(*c.value, "the trigger interval", us)) return;
        if (!same_trigger(c, us, conn + " sink of " + q(d.name.name))) return;
        result_.batch_us = us;
        break;
      }
      case ast::SinkClause::Kind::TriggerOnce:
        if (!same_trigger(c, 0, conn + " sink of " + q(d.name.name))) return;
        result_.run_mode = RunMode::Once;
        break;
      case ast::SinkClause::Kind::TriggerAvailableNow:
        if (!same_trigger(c, 0, conn + " sink of " + q(d.name.name))) return;
        result_.run_mode = RunMode::AvailableNow;
        break;
      case ast::SinkClause::Kind::Checkpoint:
        set_checkpoint(diags_, result_, *c.value);
        break;
    }
  }
  if (s.node < 0) return;  // the stream had errors, already reported
  s.stateful = stateful(s.node);
  if (s.connector == Connector::Postgres && s.mode == OutputMode::Update && s.key.empty()) {
    diags_.error(call->range, "mode update upserts rows on a key: postgres(…, table: …, key: (column, …))");
    return;
  }
  if (const int gs = group_state_upstream(s.node); gs >= 0 && !result_.nodes[gs].group_state.flat && !seen[0]) {
    diags_.error(d.range, "this sink reads map_groups_with_state, whose rows are the groups updated in each batch: "
                          "write it with mode update (as Spark's mapGroupsWithState)");
    return;
  }
  if (s.stateful && !seen[0]) {
    diags_.error(d.range, "this sink reads a running aggregation: say how its result table is written, with "
                          "mode update (changed rows each batch) or mode complete (the whole table each batch)");
    return;
  }
  // The files sink's manifest says a part is the whole result table.
  if (s.connector == Connector::Files && s.mode == OutputMode::Complete)
    s.runtime_args.push_back({"complete", ArgKind::Bool, nullptr, {}, true});
  result_.sinks.push_back(std::move(s));
}

// update_state_by_key's state type when it is not the value type: the type
// of a tuple or record literal `fallback` in `state ?? fallback`, where
// `state` is the function's second parameter; null when there is none.
TypeRef Checker::state_type_from_fallback(const Expr& fn) {
  if (fn.kind != ExprKind::Lambda || fn.params.size() != 2) return nullptr;
  const std::string& state = fn.params[1].name;
  std::function<TypeRef(const Expr&)> find = [&](const Expr& e) -> TypeRef {
    if (e.kind == ExprKind::Binary && e.op == ast::Op::Coalesce && e.children[0]->kind == ExprKind::Name &&
        e.children[0]->text == state &&
        (e.children[1]->kind == ExprKind::Tuple || e.children[1]->kind == ExprKind::Record)) {
      Scope empty;
      TypeRef t = check_expr(*e.children[1], empty);
      return t->is_error() ? nullptr : t;
    }
    for (const auto& c : e.children)
      if (TypeRef t = find(*c)) return t;
    for (const auto& a : e.args)
      if (TypeRef t = find(*a.value)) return t;
    return nullptr;
  };
  return find(*fn.children[0]);
}

// Spark's partitionBy on the files sink: `partition_by: country` or
// `partition_by: (country, day)`, columns of the sink's records whose values
// name Hive-style directories (country=KR/part-….json) and are left out of
// the files. A column must be a scalar: a string, int, bool or timestamp.
bool Checker::partition_columns(const Expr& p, SinkInfo& s) {
  std::vector<const Expr*> cols;
  if (p.kind == ExprKind::Tuple)
    for (const auto& c : p.children) cols.push_back(c.get());
  else
    cols.push_back(&p);
  TypeRef row = s.node >= 0 ? result_.nodes[s.node].type : nullptr;
  if (!row || !row->is(K::Record)) {
    diags_.error(p.range, "partition_by needs a stream of records, whose columns name the directories");
    return false;
  }
  for (const Expr* c : cols) {
    if (c->kind != ExprKind::Name) {
      diags_.error(c->range, "partition_by takes column names: partition_by: (country, day)");
      return false;
    }
    auto f = std::find(row->fields.begin(), row->fields.end(), c->text);
    if (f == row->fields.end()) {
      std::string near = closest_name(c->text, row->fields);
      diags_.error(c->range, "the stream has no column " + q(c->text) + (near.empty() ? "" : "; did you mean " + q(near) + "?"));
      return false;
    }
    TypeRef t = row->elements[static_cast<size_t>(f - row->fields.begin())];
    TypeRef base = t->is(K::Optional) ? t->elements[0] : t;
    if (!(base->is(K::String) || base->is(K::Int) || base->is(K::Bool) || base->is(K::Timestamp))) {
      diags_.error(c->range, "a partition column must be a string, int, bool or timestamp; " + q(c->text) + " is " +
                                 to_string(t));
      return false;
    }
    if (std::find(s.partition_by.begin(), s.partition_by.end(), c->text) != s.partition_by.end()) {
      diags_.error(c->range, "column " + q(c->text) + " is named twice in partition_by");
      return false;
    }
    s.partition_by.push_back(c->text);
  }
  if (s.partition_by.size() == row->fields.size()) {
    diags_.error(p.range, "partition_by names every column; leave at least one for the files");
    return false;
  }
  return true;
}

// Spark runs each sink as its own query with its own trigger; here every
// sink shares the one batch loop, so two sinks asking for different triggers
// is an error naming both, not a silent pick of one.
bool Checker::same_trigger(const ast::SinkClause& c, int64_t us, const std::string& sink) {
  if (!trigger_) {
    trigger_ = &c;
    trigger_us_ = us;
    trigger_sink_ = sink;
    return true;
  }
  if (trigger_->kind == c.kind && trigger_us_ == us) return true;
  auto text = [&](const ast::SinkClause& t) { return q(std::string(file_.slice(t.range))); };
  auto& err = diags_.error(c.range, "the " + sink + " asks for " + text(c) + " but the " + trigger_sink_ +
                                        " asks for " + text(*trigger_) +
                                        "; all sinks of a program run in one batch loop: give them the same "
                                        "trigger, or put them in two programs");
  err.notes.push_back({trigger_->range, "the other trigger is here"});
  return false;
}

TypeRef Checker::resolve_type(const ast::TypeExpr& t) {
  TypeRef base;
  switch (t.kind) {
    case ast::TypeExpr::Kind::Named:
      if (t.name == "bool") base = types::boolean();
      else if (t.name == "int") base = types::integer();
      else if (t.name == "float") base = types::floating();
      else if (t.name == "string") base = types::string();
      else if (t.name == "timestamp") base = types::timestamp();
      else if (t.name == "duration") base = types::duration();
      else {
        auto it = names_.find(t.name);
        if (it != names_.end() && it->second.kind == NameKind::Schema) {
          // A schema used inside a schema (`items: [Item]`), declared before
          // or after: checked on first use; one that contains itself is an
          // error (a record cannot hold itself).
          if (!it->second.type) check_schema(*it->second.decl);
          if (it->second.type == schema_in_progress()) {
            diags_.error(t.range, "schema " + q(t.name) + " contains itself; a record cannot hold itself");
            return types::error();
          }
          if (it->second.type->is_error()) return it->second.type;
          base = it->second.type;
          break;
        } else {
          std::string near = closest_name(t.name, {"bool", "int", "float", "string", "timestamp", "duration"});
          diags_.error(t.range, "unknown type " + q(t.name) + (near.empty() ? "" : "; did you mean " + q(near) + "?"));
        }
        return types::error();
      }
      break;
    case ast::TypeExpr::Kind::List: {
      TypeRef e = resolve_type(t.elements[0]);
      if (e->is_error()) return e;
      base = types::list(e);
      break;
    }
    case ast::TypeExpr::Kind::Tuple: {
      std::vector<TypeRef> elems;
      for (const auto& e : t.elements) {
        elems.push_back(resolve_type(e));
        if (elems.back()->is_error()) return elems.back();
      }
      base = types::tuple(std::move(elems));
      break;
    }
    case ast::TypeExpr::Kind::Record: {
      std::vector<std::string> names;
      std::vector<TypeRef> elems;
      for (size_t i = 0; i < t.elements.size(); ++i) {
        names.push_back(t.field_names[i].name);
        elems.push_back(resolve_type(t.elements[i]));
        if (elems.back()->is_error()) return elems.back();
      }
      base = types::record(std::move(names), std::move(elems));
      break;
    }
  }
  return t.optional ? types::optional(base) : base;
}

}  // namespace streamc::sema
