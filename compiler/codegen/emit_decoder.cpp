// Decoders generated per (format, schema): JSON through simdjson On-Demand,
// CSV through the runtime's splitter. A source's record enters a stage as a
// virtual row whose leaves are decoder outputs; after the stage's chain has
// been generated, only the leaves it read are declared and decoded. A JSON
// object is walked once, field by field: used fields are read, the rest are
// only checked to be JSON (rt::json::valid), so a record that is not valid
// JSON anywhere is malformed whichever fields the pipeline reads. A record
// that is an array of objects is one row per element, as in Spark's JSON
// source (rt::json::for_each_row).
#include <fmt/format.h>

#include <functional>
#include <map>

#include "codegen/program_emitter.hpp"

namespace streamc::codegen {

using sema::TypeRef;
using K = sema::Type::Kind;

namespace {

struct Leaf {
  std::vector<std::string> path;
  TypeRef type;
  std::string var;
};

// The used fields as a tree: each level an object whose children are
// fields; leaves read a value.
struct PathTree {
  std::map<std::string, PathTree> children;  // ordered for stable output
  const Leaf* leaf = nullptr;
};

std::string join(const std::vector<std::string>& path, const char* sep) {
  std::string s;
  for (size_t i = 0; i < path.size(); ++i) s += (i ? sep : "") + path[i];
  return s;
}

void collect_leaves(const TypeRef& t, std::vector<std::string>& path, int source, std::vector<Leaf>& out) {
  for (size_t i = 0; i < t->fields.size(); ++i) {
    path.push_back(t->fields[i]);
    const TypeRef& ft = t->elements[i];
    if (ft->is(K::Record)) {
      collect_leaves(ft, path, source, out);
    } else {
      out.push_back({path, ft, fmt::format("d{}_{}", source, join(path, "__"))});
    }
    path.pop_back();
  }
}

Value build_row(const TypeRef& t, std::vector<std::string>& path, int source) {
  Fields fields;
  for (size_t i = 0; i < t->fields.size(); ++i) {
    path.push_back(t->fields[i]);
    const TypeRef& ft = t->elements[i];
    if (ft->is(K::Record)) {
      fields.emplace_back(t->fields[i], build_row(ft, path, source));
    } else {
      std::string var = fmt::format("d{}_{}", source, join(path, "__"));
      fields.emplace_back(t->fields[i], Value::concrete(ft, var, var));
    }
    path.pop_back();
  }
  return Value::virtual_record(t, std::move(fields));
}

}  // namespace

Value ProgramEmitter::source_row(int source) {
  std::vector<std::string> path;
  return build_row(prog_.sources[source].element, path, source);
}

std::string ProgramEmitter::emit_decoder(int source, const std::string& records, const std::string& record,
                                         const std::string& index, const std::string& batch, const std::string& indent,
                                         std::string& prologue, std::string& rows) {
  const sema::SourceInfo& src = prog_.sources[source];
  std::vector<Leaf> all;
  std::vector<std::string> path;
  collect_leaves(src.element, path, source, all);
  std::vector<const Leaf*> used;
  for (const auto& l : all)
    if (expr_.used().count(l.var)) used.push_back(&l);

  bool permissive = src.on_error == sema::OnError::Permissive;
  std::string out;
  // A JSON decoder resets its leaves per record (below), so they are
  // declared once before the loop: a list keeps its capacity from record to
  // record. A CSV decoder leaves a column it does not find untouched, so
  // its leaves start afresh for every record.
  for (const Leaf* l : used) {
    if (src.format == sema::DataFormat::Json)
      prologue += fmt::format("          {} {}{{}};\n", types_.of(l->type), l->var);
    else
      out += fmt::format("{}{} {}{{}};\n", indent, types_.of(l->type), l->var);
  }
  // Records inside decoded values (a list of records) are decoded whole.
  std::function<void(const TypeRef&)> note_records = [&](const TypeRef& t) {
    if (t->is(K::Record)) {
      bool seen = false;
      for (const auto& r : decoded_records_) seen |= sema::same_type(r, t);
      if (!seen) {
        for (const auto& e : t->elements) note_records(e);
        decoded_records_.push_back(t);
      }
      return;
    }
    for (const auto& e : t->elements) note_records(e);
  };
  for (const Leaf* l : used) note_records(l->type);

  // What a bad leaf does: an optional field under permissive becomes null
  // (unless it is not JSON at all); anything else rejects the record (the
  // source's on_error decides).
  auto on_bad = [&](const Leaf& l, const std::string& status, const std::string& ind) {
    std::string name = join(l.path, ".");
    if (l.type->is(K::Optional) && permissive)
      return fmt::format("{0}if ({1} == rt::json::Status::Malformed) throw rt::RecordError(\"field {2} is malformed JSON\");\n"
                         "{0}if ({1} != rt::json::Status::Ok) {3}.reset();\n",
                         ind, status, name, l.var);
    return fmt::format("{0}if ({1} != rt::json::Status::Ok) throw rt::RecordError(std::string(\"field {2} \") + rt::json::describe({1}));\n",
                       ind, status, name);
  };

  if (src.format == sema::DataFormat::Json) {
    includes_.use(Includes::JsonDecode);
    PathTree tree;
    for (const Leaf* l : used) {
      PathTree* node = &tree;
      for (const auto& p : l->path) node = &node->children[p];
      node->leaf = l;
    }
    // The document comes from rt::json::Documents, which may call the
    // decoding lambda twice for one record (see there): it starts afresh.
    // rt::json::for_each_row calls the row lambda once for an object and
    // once per element for an array of objects; an array's rows are kept in
    // rows<source> (the leaves of each, as a tuple) and set one after
    // another by the loop in `rows`.
    std::string docs = fmt::format("docs{}", source);
    std::string elems = fmt::format("rows{}", source);
    std::string is_array = fmt::format("array{}", source);
    std::string tuple, leaves, moved;
    for (const Leaf* l : used) {
      tuple += (tuple.empty() ? "" : ", ") + types_.of(l->type);
      leaves += (leaves.empty() ? "" : ", ") + l->var;
      moved += (moved.empty() ? "" : ", ") + fmt::format("std::move({})", l->var);
    }
    prologue += fmt::format("          rt::json::Documents {}({}, {});\n", docs, batch, records);
    prologue += fmt::format("          std::vector<std::tuple<{}>> {};\n", tuple, elems);
    prologue += fmt::format("          bool {} = false;\n", is_array);
    out += fmt::format("{}{}.decode({}, [&](simdjson::ondemand::document_reference doc) {{\n", indent, docs, index);
    out += fmt::format("{}  {}.clear();\n", indent, elems);
    out += fmt::format("{}  {} = rt::json::for_each_row(doc, [&](simdjson::ondemand::value root, bool in_array) {{\n", indent,
                       is_array);
    std::string body = indent + "    ";
    for (const Leaf* l : used) {
      out += fmt::format("{}rt::json::reset({});\n", body, l->var);
      if (!l->type->is(K::Optional)) out += fmt::format("{}bool s_{} = false;\n", body, l->var);
    }
    int counter = 0;
    std::function<void(const PathTree&, const std::string&, const std::string&, const std::string&)> walk =
        [&](const PathTree& node, const std::string& value, const std::string& where, const std::string& ind) {
          std::string obj = fmt::format("o{}", counter++);
          out += fmt::format("{}simdjson::ondemand::object {};\n", ind, obj);
          out += fmt::format("{}if ({}.get_object().get({})) throw rt::RecordError(\"{} is not a JSON object\");\n", ind,
                             value, obj, where);
          out += fmt::format("{}for (auto fr : {}) {{\n", ind, obj);
          std::string fld = fmt::format("f{}", counter++);
          out += fmt::format("{}  simdjson::ondemand::field {};\n", ind, fld);
          out += fmt::format("{}  if (auto err = std::move(fr).get({}))\n{}    throw rt::RecordError(std::string(\"malformed JSON: \") + simdjson::error_message(err));\n", ind, fld, ind);
          bool first = true;
          for (const auto& [name, child] : node.children) {
            out += fmt::format("{}  {}if ({}.key() == \"{}\") {{\n", ind, first ? "" : "} else ", fld, name);
            first = false;
            std::string inner = ind + "    ";
            if (child.leaf) {
              const Leaf& l = *child.leaf;
              std::string st = fmt::format("st{}", counter++);
              out += fmt::format("{}auto {} = rt::json::read({}.value(), {}, arena);\n", inner, st, fld, l.var);
              out += on_bad(l, st, inner);
              if (!l.type->is(K::Optional)) out += fmt::format("{}s_{} = true;\n", inner, l.var);
            } else {
              walk(child, fld + ".value()", where == "the record" ? name : where + "." + name, inner);
            }
          }
          // Fields the pipeline does not read are checked, not skipped.
          std::string check = fmt::format("if (!rt::json::valid_key({0}) || !rt::json::valid({0}.value())) throw rt::RecordError(\"malformed JSON in {1}\");\n",
                                          fld, where);
          if (first)
            out += fmt::format("{}  {}", ind, check);
          else
            out += fmt::format("{0}  }} else {{\n{0}    {1}{0}  }}\n", ind, check);
          out += fmt::format("{}}}\n", ind);
        };
    // The whole record is walked even when no field is read: it must be a
    // JSON object (or an array of them), valid throughout.
    walk(tree, "root", "the record", body);
    for (const Leaf* l : used)
      if (!l->type->is(K::Optional))
        out += fmt::format("{}if (!s_{}) throw rt::RecordError(\"missing field {}\");\n", body, l->var, join(l->path, "."));
    out += fmt::format("{}if (in_array) {}.emplace_back({});\n", body, elems, moved);
    out += fmt::format("{}  }});\n", indent);
    // An object is one row, its leaves already set; an array one per element.
    std::string r = fmt::format("row{}", source), n = fmt::format("row_count{}", source);
    // (At the level of the `try` around the decoder.)
    rows = fmt::format("{0}for (size_t {1} = 0, {2} = {3} ? {4}.size() : 1; {1} < {2}; ++{1}) {{\n",
                       indent.substr(0, indent.size() >= 2 ? indent.size() - 2 : 0), r, n, is_array, elems);
    if (!used.empty())
      rows += fmt::format("{}  if ({}) std::tie({}) = std::move({}[{}]);\n", indent, is_array, leaves, elems, r);
    out += fmt::format("{}}});\n", indent);
    return out;
  }

  // CSV: flat records; columns found by header name once per file.
  includes_.use(Includes::Csv);
  std::string cells = fmt::format("cells{}", source);
  prologue += fmt::format("          std::vector<std::string_view> {};\n", cells);
  prologue += fmt::format("          const rt::CsvHeader* header{} = nullptr;\n", source);
  for (const Leaf* l : used) prologue += fmt::format("          int col_{} = {};\n", l->var, [&] {
    for (size_t k = 0; k < src.element->fields.size(); ++k)
      if (src.element->fields[k] == l->path[0]) return static_cast<int>(k);
    return -1;
  }());
  out += fmt::format("{}if (!rt::split_csv({}, '{}', {}, arena)) throw rt::RecordError(\"malformed CSV record\");\n", indent,
                     record, src.csv_delimiter == '\'' ? std::string("\\'") : std::string(1, src.csv_delimiter), cells);
  std::string header_of = src.is_table ? fmt::format("table_input.csv_header({})", index)
                                       : fmt::format("batch.csv_header({}, {})", source_var(source), index);
  out += fmt::format("{}if (const rt::CsvHeader* h = {}; h && h != header{}) {{\n", indent, header_of, source);
  out += fmt::format("{}  header{} = h;\n", indent, source);
  for (const Leaf* l : used) out += fmt::format("{}  col_{} = h->column(\"{}\");\n", indent, l->var, l->path[0]);
  out += fmt::format("{}}}\n", indent);
  // A record with more or fewer columns than the header (or the schema,
  // without a header) is malformed, as in Spark's CSV reader: drop and fail
  // reject it; permissive keeps it, missing columns as nulls, extra ones
  // ignored.
  if (!permissive)
    out += fmt::format(
        "{0}if (size_t want = header{1} ? header{1}->names.size() : {2}; {3}.size() != want)\n"
        "{0}  throw rt::RecordError(\"wrong number of columns: \" + std::to_string({3}.size()) + \" (expected \" + std::to_string(want) + \")\");\n",
        indent, source, src.element->fields.size(), cells);
  for (const Leaf* l : used) {
    std::string name = join(l->path, ".");
    TypeRef base = l->type->is(K::Optional) ? l->type->elements[0] : l->type;
    std::string cell = fmt::format("cell_{}", l->var);
    out += fmt::format("{0}std::string_view {1} = col_{2} >= 0 && static_cast<size_t>(col_{2}) < {3}.size() ? {3}[col_{2}] : std::string_view();\n",
                       indent, cell, l->var, cells);
    std::string parse;
    if (!base->is(K::String)) includes_.use(Includes::Parse);
    switch (base->kind) {
      case K::String: parse = fmt::format("std::optional<std::string_view>({})", cell); break;
      case K::Int: parse = fmt::format("rt::parse_int({})", cell); break;
      case K::Float: parse = fmt::format("rt::parse_float({})", cell); break;
      case K::Bool: parse = fmt::format("rt::parse_bool({})", cell); break;
      case K::Timestamp: parse = fmt::format("rt::parse_timestamp({})", cell); break;
      default: parse = "std::nullopt"; break;
    }
    bool optional = l->type->is(K::Optional);
    if (base->is(K::String) && !optional) {
      out += fmt::format("{}{} = {};\n", indent, l->var, cell);
      continue;
    }
    std::string parsed = fmt::format("p_{}", l->var);
    out += fmt::format("{}if (!{}.empty()) {{\n", indent, cell);
    out += fmt::format("{}  auto {} = {};\n", indent, parsed, parse);
    if (optional) {
      out += fmt::format("{}  if ({}) {} = *{};\n", indent, parsed, l->var, parsed);
      if (!permissive)
        out += fmt::format("{}  else throw rt::RecordError(\"field {} has the wrong type\");\n", indent, name);
    } else {
      out += fmt::format("{}  if (!{}) throw rt::RecordError(\"field {} has the wrong type\");\n", indent, parsed, name);
      out += fmt::format("{}  {} = *{};\n", indent, l->var, parsed);
    }
    out += fmt::format("{}}}", indent);
    if (!optional) out += fmt::format(" else {{\n{}  throw rt::RecordError(\"field {} is empty\");\n{}}}", indent, name, indent);
    out += "\n";
  }
  return out;
}

// Whole-record decoders for records nested in decoded values, e.g. the
// vehicles of `itemList: [Item]`.
void ProgramEmitter::emit_record_decoders() {
  if (decoded_records_.empty()) return;
  includes_.use(Includes::JsonDecode);
  for (const auto& t : decoded_records_) out_ += fmt::format("rt::json::Status decode_record(simdjson::ondemand::object o, {}& r, rt::Arena& arena);\n", types_.of(t));
  for (const auto& t : decoded_records_) {
    std::string name = types_.of(t);
    out_ += fmt::format("rt::json::Status decode_record(simdjson::ondemand::object o, {}& r, rt::Arena& arena) {{\n", name);
    for (size_t i = 0; i < t->fields.size(); ++i)
      if (!t->elements[i]->is(K::Optional)) out_ += fmt::format("  bool s{} = false;\n", i);
    // Keys are matched in the order the object's previous key suggests (the
    // schema's order, or the data's when it is the same from record to
    // record), then against all of them.
    const size_t n = t->fields.size();
    // After a field that fails, the rest of the object is only checked to
    // be JSON (a caller under permissive may keep the record).
    out_ += "  size_t expect = 0;\n  rt::json::Status bad = rt::json::Status::Ok;\n";
    out_ += "  for (auto fr : o) {\n    simdjson::ondemand::field f;\n";
    out_ += "    if (std::move(fr).get(f)) return rt::json::Status::Malformed;\n";
    out_ += "    if (bad != rt::json::Status::Ok) {\n";
    out_ += "      if (!rt::json::valid_key(f) || !rt::json::valid(f.value())) return rt::json::Status::Malformed;\n";
    out_ += "      continue;\n    }\n";
    if (n > 0) {
      out_ += "    const simdjson::ondemand::raw_json_string key = f.key();\n    size_t k = " + std::to_string(n) + ";\n";
      out_ += "    switch (expect) {\n";
      for (size_t i = 0; i < n; ++i)
        out_ += fmt::format("      case {0}: if (key == {1}) k = {0}; break;\n", i, string_literal(t->fields[i]));
      out_ += "    }\n";
      out_ += fmt::format("    if (k == {}) {{\n", n);
      for (size_t i = 0; i < n; ++i)
        out_ += fmt::format("      {}if (key == {}) k = {};\n", i ? "else " : "", string_literal(t->fields[i]), i);
      out_ += "    }\n    switch (k) {\n";
      for (size_t i = 0; i < n; ++i) {
        out_ += fmt::format("      case {}: {{\n", i);
        out_ += fmt::format("        auto s = rt::json::read(f.value(), r.{}, arena);\n", member(t->fields[i]));
        out_ += "        if (s == rt::json::Status::Malformed) return s;\n";
        out_ += "        if (s != rt::json::Status::Ok) {\n          bad = s;\n          continue;\n        }\n";
        if (!t->elements[i]->is(K::Optional)) out_ += fmt::format("        s{} = true;\n", i);
        out_ += "        break;\n      }\n";
      }
      out_ += "      default:\n";
      out_ += "        if (!rt::json::valid_key(f) || !rt::json::valid(f.value())) return rt::json::Status::Malformed;\n";
      out_ += "        continue;\n    }\n    expect = k + 1;\n";
    } else {
      out_ += "    if (!rt::json::valid_key(f) || !rt::json::valid(f.value())) return rt::json::Status::Malformed;\n";
    }
    out_ += "  }\n  if (bad != rt::json::Status::Ok) return bad;\n";
    for (size_t i = 0; i < t->fields.size(); ++i)
      if (!t->elements[i]->is(K::Optional)) out_ += fmt::format("  if (!s{}) return rt::json::Status::Null;\n", i);
    out_ += "  return rt::json::Status::Ok;\n}\n\n";
  }
}

}  // namespace streamc::codegen
