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
  const NodeCodegen& kind = node_codegen(target.op);
  bool serial = kind.serial_target;
  for (int c : stage.chain) serial |= node_codegen(prog_.nodes[c].op).serial;
  if (kind.whole) {
    out_ += fmt::format("        {}(0, {}, {}, arena);\n      }}\n", fn, size, tv);
    (this->*kind.finish)(stage);
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
    if (kind.finish) (this->*kind.finish)(stage);
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
  if (kind.merge)
    (this->*kind.merge)(stage.target, tv);
  else if (direct)
    out_ += fmt::format("          for (auto& local : locals)\n            for (const auto& row : local) {}.push_back(row);\n", tv);
  else
    out_ += fmt::format("          for (auto& local : locals) {0}.insert({0}.end(), local.begin(), local.end());\n", tv);
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
  if (kind.finish) (this->*kind.finish)(stage);
}

int ProgramEmitter::emit_chain(const plan::Stage& stage, Value cur, std::string& out, std::string& indent) {
  Loop loop{out, indent};
  for (int id : stage.chain) {
    const Node& n = prog_.nodes[id];
    out += line_directive(id);
    auto step = node_codegen(n.op).step;
    if (!step) throw std::logic_error(std::string("no step for a narrow node: ") + sema::op_name(n.op));
    cur = (this->*step)(loop, id, cur);
  }
  out += line_directive(stage.target);
  emit_target_action(stage.target, cur, out, indent);
  if (options_.line_directives_for) out += "#line cpp\n";
  return loop.closers;
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

}  // namespace streamc::codegen
