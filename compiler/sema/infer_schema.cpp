// Compile-time schema inference from JSON and CSV samples (see infer_schema.hpp).
#include "sema/infer_schema.hpp"

#include <simdjson.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "base/framing.hpp"
#include "streamc/runtime/arena.hpp"
#include "streamc/runtime/csv.hpp"
#include "streamc/runtime/parse.hpp"

namespace streamc::sema {

namespace {

// ------------------------------------------------------------------ helpers

bool is_sdl_name(std::string_view s) {
  if (s.empty()) return false;
  auto start = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!start(s[0])) return false;
  for (char c : s)
    if (!start(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

std::string bad_name_message(std::string_view name, const std::string& where) {
  std::string m = "field '" + std::string(name) + "'";
  if (!where.empty()) m += " (at " + where + ")";
  return m + " is not a valid SDL name (letters, digits and '_', not starting with a digit); "
             "write the schema by hand or rename the field in the data";
}

// 1-based line of byte `offset` in `text`.
size_t line_of(std::string_view text, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

// Reads the whole file; on failure returns nullopt and sets `error`.
std::optional<std::string> read_file(const std::string& path, std::string& error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "is a directory";
    return std::nullopt;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = errno ? std::strerror(errno) : "cannot open";
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    error = "read error";
    return std::nullopt;
  }
  std::string s = std::move(ss).str();
  if (s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0) s.erase(0, 3);  // UTF-8 BOM
  return s;
}

}  // namespace

bool looks_like_timestamp(std::string_view s) { return rt::parse_timestamp(s).has_value(); }

namespace {

// ------------------------------------------------------------------ JSON

// What has been seen at one place of the samples (one JSON path).
struct Shape {
  enum class Kind { None, Bool, Int, Float, String, Object, Array };
  struct Field {
    std::string name;
    std::unique_ptr<Shape> shape;
    size_t present = 0;   // objects that had this field
    uint64_t stamp = 0;   // the last object that counted it (duplicate keys count once)
  };

  Kind kind = Kind::None;
  bool nullable = false;        // a null was seen here
  bool all_timestamps = true;   // String: every string so far looks like a timestamp
  size_t first_sample = 0;      // where `kind` was first seen
  std::string first_at;         // … and the concrete path there ($.a[3].b)
  // Object
  std::vector<Field> fields;
  std::unordered_map<std::string, size_t> index;
  size_t objects = 0;
  // Array
  std::unique_ptr<Shape> element;
};

const char* kind_name(Shape::Kind k, bool timestamp = false) {
  switch (k) {
    case Shape::Kind::None: return "null";
    case Shape::Kind::Bool: return "bool";
    case Shape::Kind::Int: return "int";
    case Shape::Kind::Float: return "float";
    case Shape::Kind::String: return timestamp ? "timestamp" : "string";
    case Shape::Kind::Object: return "record";
    case Shape::Kind::Array: return "list";
  }
  return "?";
}

class JsonInferrer {
 public:
  JsonInferrer(std::string file, bool many_samples) : file_(std::move(file)), many_(many_samples) {}

  // Merges one top-level sample (1-based number). False with error() set on failure.
  // A sample among many (a line) may be an array of objects, as Spark's JSON
  // source reads one: each element is merged (an empty array adds nothing).
  bool add_sample(simdjson::dom::element doc, size_t number) {
    sample_ = number;
    if (many_ && doc.is_array()) {
      size_t k = 0;
      simdjson::dom::array array = doc.get_array().value_unsafe();  // a copy: the result is a temporary
      for (simdjson::dom::element e : array) {
        if (!e.is_object()) {
          error_ = "sample " + std::to_string(number) + " in '" + file_ + "' is an array whose element " +
                   std::to_string(k) + " is a JSON " + json_type_name(e) + ", not an object";
          return false;
        }
        element_ = k++;
        bool ok = merge(root_, e);
        element_.reset();
        if (!ok) return false;
      }
      return true;
    }
    if (!doc.is_object()) {
      error_ = many_ ? "sample " + std::to_string(number) + " in '" + file_ + "' is a JSON " + json_type_name(doc) +
                           ", not an object"
                     : "sample file '" + file_ + "' holds a JSON " + json_type_name(doc) +
                           ", not an object or an array of objects";
      return false;
    }
    return merge(root_, doc);
  }

  const std::string& error() const { return error_; }
  // No object seen (only empty arrays): nothing to infer from.
  bool empty() const { return root_.kind == Shape::Kind::None; }

  TypeRef result(const std::string& name) const {
    TypeRef t = finalize(root_);
    return types::record(t->fields, t->elements, name);
  }

 private:
  struct Seg {
    std::string_view key;  // empty: an array index
    size_t index = 0;
  };

  static std::string json_type_name(simdjson::dom::element e) {
    switch (e.type()) {
      case simdjson::dom::element_type::ARRAY: return "array";
      case simdjson::dom::element_type::OBJECT: return "object";
      case simdjson::dom::element_type::STRING: return "string";
      case simdjson::dom::element_type::BOOL: return "boolean";
      case simdjson::dom::element_type::NULL_VALUE: return "null";
      default: return "number";
    }
  }

  // $.a.b[].c, or with indices $.a.b[2].c.
  std::string path(bool concrete) const {
    std::string p = "$";
    if (concrete && element_) p += "[" + std::to_string(*element_) + "]";
    for (const Seg& s : path_) {
      if (!s.key.empty()) {
        p += '.';
        p += s.key;
      } else {
        p += concrete ? "[" + std::to_string(s.index) + "]" : "[]";
      }
    }
    return p;
  }

  bool set_kind(Shape& s, Shape::Kind k) {
    using K = Shape::Kind;
    if (s.kind == k) return true;
    if (s.kind == K::None) {
      s.kind = k;
      s.first_sample = sample_;
      s.first_at = path(true);
      return true;
    }
    if ((s.kind == K::Int && k == K::Float) || (s.kind == K::Float && k == K::Int)) {
      s.kind = K::Float;
      return true;
    }
    std::string where;
    if (many_ && s.first_sample != sample_) {
      where = "samples " + std::to_string(s.first_sample) + " and " + std::to_string(sample_);
    } else {
      where = (many_ ? "sample " + std::to_string(sample_) + ": " : std::string()) + s.first_at + " and " +
              path(true);
    }
    error_ = "conflicting types for " + path(false) + ": " +
             kind_name(s.kind, s.kind == K::String && s.all_timestamps) + " and " +
             kind_name(k, k == K::String && current_is_timestamp_) + " (" + where + ")";
    return false;
  }

  bool merge(Shape& s, simdjson::dom::element v) {
    using T = simdjson::dom::element_type;
    switch (v.type()) {
      case T::NULL_VALUE: s.nullable = true; return true;
      case T::BOOL: return set_kind(s, Shape::Kind::Bool);
      case T::INT64: return set_kind(s, Shape::Kind::Int);
      case T::UINT64:  // beyond int64: only a float can hold it
      case T::DOUBLE: return set_kind(s, Shape::Kind::Float);
      case T::STRING: {
        std::string_view str = v.get_string().value_unsafe();
        current_is_timestamp_ = looks_like_timestamp(str);
        if (!set_kind(s, Shape::Kind::String)) return false;
        if (!current_is_timestamp_) s.all_timestamps = false;
        return true;
      }
      case T::OBJECT: {
        if (!set_kind(s, Shape::Kind::Object)) return false;
        ++s.objects;
        uint64_t stamp = ++stamp_;
        simdjson::dom::object object = v.get_object().value_unsafe();  // a copy: the result is a temporary
        for (auto [key, value] : object) {
          auto it = s.index.find(std::string(key));
          if (it == s.index.end()) {
            if (!is_sdl_name(key)) {
              error_ = bad_name_message(key, path(false));
              return false;
            }
            it = s.index.emplace(std::string(key), s.fields.size()).first;
            s.fields.push_back({std::string(key), std::make_unique<Shape>(), 0, 0});
          }
          Shape::Field& f = s.fields[it->second];
          if (f.stamp != stamp) {
            f.stamp = stamp;
            ++f.present;
          }
          path_.push_back({f.name, 0});
          bool ok = merge(*f.shape, value);
          path_.pop_back();
          if (!ok) return false;
        }
        return true;
      }
      case T::ARRAY: {
        if (!set_kind(s, Shape::Kind::Array)) return false;
        if (!s.element) s.element = std::make_unique<Shape>();
        size_t i = 0;
        simdjson::dom::array array = v.get_array().value_unsafe();
        for (simdjson::dom::element e : array) {
          path_.push_back({{}, i++});
          bool ok = merge(*s.element, e);
          path_.pop_back();
          if (!ok) return false;
        }
        return true;
      }
    }
    return true;
  }

  // The type of what was seen (not counting `nullable`, which the caller applies).
  static TypeRef finalize(const Shape& s) {
    switch (s.kind) {
      case Shape::Kind::None: return types::string();  // only null, or only in empty arrays
      case Shape::Kind::Bool: return types::boolean();
      case Shape::Kind::Int: return types::integer();
      case Shape::Kind::Float: return types::floating();
      case Shape::Kind::String: return s.all_timestamps ? types::timestamp() : types::string();
      case Shape::Kind::Array: {
        TypeRef e = finalize(*s.element);
        if (s.element->nullable) e = types::optional(e);
        return types::list(e);
      }
      case Shape::Kind::Object: {
        std::vector<std::string> names;
        std::vector<TypeRef> field_types;
        for (const Shape::Field& f : s.fields) {
          TypeRef t = finalize(*f.shape);
          if (f.shape->nullable || f.present < s.objects) t = types::optional(t);
          names.push_back(f.name);
          field_types.push_back(t);
        }
        return types::record(std::move(names), std::move(field_types));
      }
    }
    return types::error();
  }

  std::string file_;
  bool many_;
  size_t sample_ = 0;
  std::optional<size_t> element_;  // the element of an array sample being merged
  uint64_t stamp_ = 0;
  bool current_is_timestamp_ = false;
  std::vector<Seg> path_;
  Shape root_;
  std::string error_;
};

// Walks a document with On-Demand to find where it stops being valid JSON
// (the DOM parser says what is wrong but not where). Returns a byte offset.
std::optional<size_t> locate_json_error(const simdjson::padded_string& buf) {
  using namespace simdjson;
  ondemand::parser parser;
  ondemand::document doc;
  if (parser.iterate(buf).get(doc)) return std::nullopt;
  struct Walk {
    static error_code value(ondemand::value v) {
      ondemand::json_type t;
      if (auto e = v.type().get(t)) return e;
      switch (t) {
        case ondemand::json_type::object: {
          ondemand::object o;
          if (auto e = v.get_object().get(o)) return e;
          for (auto field : o) {
            std::string_view key;
            if (auto e = field.unescaped_key().get(key)) return e;
            ondemand::value fv;
            if (auto e = field.value().get(fv)) return e;
            if (auto e = value(fv)) return e;
          }
          return SUCCESS;
        }
        case ondemand::json_type::array: {
          ondemand::array a;
          if (auto e = v.get_array().get(a)) return e;
          for (auto el : a) {
            ondemand::value ev;
            if (auto e = el.get(ev)) return e;
            if (auto e = value(ev)) return e;
          }
          return SUCCESS;
        }
        case ondemand::json_type::number: return v.get_number().error();
        case ondemand::json_type::string: return v.get_string().error();
        case ondemand::json_type::boolean: return v.get_bool().error();
        case ondemand::json_type::null: return v.is_null().error();
      }
      return SUCCESS;
    }
  };
  ondemand::json_type t;
  error_code err = doc.type().get(t);
  if (!err) {
    if (t == ondemand::json_type::object || t == ondemand::json_type::array) {
      ondemand::value v;
      err = doc.get_value().get(v);
      if (!err) err = Walk::value(v);
    }
  }
  if (!err) return std::nullopt;
  const char* loc = nullptr;
  if (doc.current_location().get(loc)) return buf.size();  // out of bounds: ran off the end
  return static_cast<size_t>(loc - buf.data());
}

TypeRef infer_json(const std::string& path, const std::string& text, const std::string& name, Diagnostics& diags,
                   SourceRange where) {
  using namespace simdjson;
  padded_string buf(text);
  auto fail = [&](const std::string& msg) {
    diags.error(where, msg);
    return types::error();
  };
  auto invalid = [&](std::optional<size_t> line, error_code e) {
    std::string m = "invalid JSON in sample file '" + path + "'";
    if (line) m += " at line " + std::to_string(*line);
    return fail(m + ": " + error_message(e));
  };

  dom::parser parser;
  dom::element root;
  error_code whole = parser.parse(buf).get(root);
  if (!whole) {
    if (root.is_array()) {
      dom::array arr = root.get_array().value_unsafe();
      if (arr.size() == 0) return fail("sample file '" + path + "' is an empty array: nothing to infer from");
      JsonInferrer inf(path, true);
      size_t n = 0;
      for (dom::element e : arr) {
        if (!e.is_object()) return fail("element " + std::to_string(n) + " of the top-level array in sample file '" +
                                        path + "' is not a JSON object");
        if (!inf.add_sample(e, ++n)) return fail(inf.error());
      }
      return inf.result(name);
    }
    JsonInferrer inf(path, false);
    if (!inf.add_sample(root, 1)) return fail(inf.error());
    return inf.result(name);
  }
  if (whole == EMPTY) return fail("sample file '" + path + "' is empty: nothing to infer from");

  // Not one document: JSON Lines, or several concatenated documents?
  dom::parser many_parser;
  dom::document_stream stream;
  size_t batch = std::max<size_t>(buf.size() + 64, dom::MINIMAL_BATCH_SIZE);
  if (many_parser.parse_many(buf, batch).get(stream)) return invalid(std::nullopt, whole);
  JsonInferrer inf(path, true);
  size_t n = 0;
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    dom::element doc;
    error_code e = (*it).get(doc);
    if (e) {
      // The first document already fails: report the whole-file error, located.
      if (n == 0) break;
      return invalid(line_of(text, it.current_index()), e);
    }
    if (!inf.add_sample(doc, ++n)) return fail(inf.error());
  }
  if (n == 0) {
    std::optional<size_t> off = locate_json_error(buf);
    if (off && *off >= text.size()) {  // ran off the end: point at the last line with content
      size_t last = text.find_last_not_of(" \t\r\n");
      return fail("invalid JSON in sample file '" + path + "' at line " +
                  std::to_string(line_of(text, last == std::string::npos ? 0 : last)) +
                  ": the document ends before it is complete");
    }
    return invalid(off ? std::optional<size_t>(line_of(text, *off)) : std::nullopt, whole);
  }
  if (stream.truncated_bytes() > 0)
    return fail("invalid JSON in sample file '" + path + "' at line " +
                std::to_string(line_of(text, text.size() - stream.truncated_bytes())) +
                ": the document ends before it is complete");
  if (inf.empty()) return fail("sample file '" + path + "' holds only empty arrays: nothing to infer from");
  return inf.result(name);
}

// ------------------------------------------------------------------ CSV

// One record of a CSV sample and the line it starts on.
struct CsvRow {
  size_t line = 0;
  std::vector<std::string_view> cells;
};

// The records of `text` and their fields as a running program reads them:
// framed by rt::frame_csv (a newline ends a record outside quotes, '\r'
// before it dropped, empty records skipped) and split by rt::split_csv
// (fields are views into `text` or copies in `arena`). Returns false with
// `error` set, naming the line, on the first malformed record: an
// unterminated quote or text after a closing quote, which the runtime
// rejects.
bool read_csv(std::string_view text, char delim, rt::Arena& arena, std::vector<CsvRow>& rows, std::string& error) {
  std::vector<std::string_view> records;
  rt::frame_csv(text, delim, records);
  size_t line = 1;
  const char* counted = text.data();
  auto line_at = [&](const char* p) {
    for (; counted < p; ++counted) line += *counted == '\n';
    return line;
  };
  for (std::string_view record : records) {
    CsvRow row;
    row.line = line_at(record.data());
    rt::CsvProblem problem;
    if (!rt::split_csv(record, delim, row.cells, arena, problem)) {
      error = "line " + std::to_string(line_at(record.data() + problem.at)) + ": " +
              (problem.kind == rt::CsvProblem::UnterminatedQuote ? "unterminated quoted field"
                                                                 : "unexpected character after a closing quote");
      return false;
    }
    rows.push_back(std::move(row));
  }
  return true;
}

char csv_delimiter(std::string_view text) {
  size_t comma = 0, semi = 0, tab = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    if (c == ',') ++comma;
    if (c == ';') ++semi;
    if (c == '\t') ++tab;
  }
  if (tab > comma && tab >= semi) return '\t';
  if (semi > comma) return ';';
  return ',';
}

bool csv_int(std::string_view s) { return rt::parse_int(s).has_value(); }

// Decimal floats only (digits, '.', exponent): no hex, inf or nan, which
// the runtime parses as floats too but a column of which is text more
// likely than numbers.
bool csv_float(std::string_view s) {
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  size_t mant = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mant;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++mant;
  }
  if (mant == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp;
    if (exp == 0) return false;
  }
  return i == s.size();
}

bool csv_bool(std::string_view s) { return rt::parse_bool(s).has_value(); }

TypeRef infer_csv(const std::string& path, std::string_view text, const std::string& name, Diagnostics& diags,
                  SourceRange where) {
  auto fail = [&](const std::string& msg) {
    diags.error(where, msg);
    return types::error();
  };
  text = rt::strip_bom(text);  // as the files source reads a file
  rt::Arena arena;
  std::vector<CsvRow> rows;
  std::string error;
  if (!read_csv(text, csv_delimiter(text), arena, rows, error))
    return fail("invalid CSV in sample file '" + path + "': " + error);
  if (rows.empty()) return fail("sample file '" + path + "' is empty: a CSV sample needs a header line");
  const std::vector<std::string> header(rows[0].cells.begin(), rows[0].cells.end());
  std::unordered_map<std::string, size_t> seen;
  for (size_t c = 0; c < header.size(); ++c) {
    if (header[c].empty())
      return fail("column " + std::to_string(c + 1) + " of the header of '" + path + "' has no name");
    if (!is_sdl_name(header[c])) return fail(bad_name_message(header[c], "column " + std::to_string(c + 1)));
    if (!seen.emplace(header[c], c).second)
      return fail("column '" + header[c] + "' appears twice in the header of '" + path + "'");
  }
  struct Column {
    bool is_int = true, is_float = true, is_bool = true, is_ts = true;
    bool empty_seen = false;
    size_t values = 0;
  };
  std::vector<Column> cols(header.size());
  for (size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    if (row.cells.size() != header.size())
      return fail("line " + std::to_string(row.line) + " of '" + path + "' has " + std::to_string(row.cells.size()) +
                  " fields, the header has " + std::to_string(header.size()));
    for (size_t c = 0; c < header.size(); ++c) {
      std::string_view v = row.cells[c];
      Column& col = cols[c];
      if (v.empty()) {
        col.empty_seen = true;
        continue;
      }
      ++col.values;
      if (col.is_int && !csv_int(v)) col.is_int = false;
      if (col.is_float && !csv_float(v)) col.is_float = false;
      if (col.is_bool && !csv_bool(v)) col.is_bool = false;
      if (col.is_ts && !looks_like_timestamp(v)) col.is_ts = false;
    }
  }
  if (rows.size() == 1) return fail("sample file '" + path + "' has a header but no rows: nothing to infer from");
  std::vector<TypeRef> col_types;
  for (const Column& col : cols) {
    TypeRef t = col.values == 0 ? types::string()
                : col.is_int    ? types::integer()
                : col.is_float  ? types::floating()
                : col.is_bool   ? types::boolean()
                : col.is_ts     ? types::timestamp()
                                : types::string();
    if (col.empty_seen) t = types::optional(t);
    col_types.push_back(t);
  }
  return types::record(header, col_types, name);
}

bool ends_with(const std::string& s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

SampleFormat detect_format(const std::string& path, const std::string& text) {
  for (const char* ext : {".json", ".jsonl", ".ndjson"})
    if (ends_with(path, ext)) return SampleFormat::Json;
  for (const char* ext : {".csv", ".tsv"})
    if (ends_with(path, ext)) return SampleFormat::Csv;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    return c == '{' || c == '[' ? SampleFormat::Json : SampleFormat::Csv;
  }
  return SampleFormat::Json;
}

// ------------------------------------------------------------------ printing

void print_type(std::string& out, const TypeRef& t, size_t indent) {
  switch (t->kind) {
    case Type::Kind::Record: {
      if (t->elements.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      for (size_t i = 0; i < t->elements.size(); ++i) {
        out.append(indent + 2, ' ');
        out += t->fields[i];
        out += ": ";
        print_type(out, t->elements[i], indent + 2);
        if (i + 1 < t->elements.size()) out += ',';
        out += '\n';
      }
      out.append(indent, ' ');
      out += '}';
      return;
    }
    case Type::Kind::List:
      out += '[';
      print_type(out, t->elements[0], indent);
      out += ']';
      return;
    case Type::Kind::Optional:
      print_type(out, t->elements[0], indent);
      out += '?';
      return;
    case Type::Kind::Tuple:
      out += '(';
      for (size_t i = 0; i < t->elements.size(); ++i) {
        if (i) out += ", ";
        print_type(out, t->elements[i], indent);
      }
      out += ')';
      return;
    case Type::Kind::Null:  // only as an optional's payload would make sense; `string?` is the closest
      out += "string?";
      return;
    default: out += to_string(t); return;
  }
}

}  // namespace

TypeRef infer_schema(const std::string& sample_path, SampleFormat format, const std::string& schema_name,
                     Diagnostics& diags, SourceRange where) {
  std::string error;
  std::optional<std::string> text = read_file(sample_path, error);
  if (!text) {
    diags.error(where, "cannot read sample file '" + sample_path + "': " + error);
    return types::error();
  }
  if (format == SampleFormat::Auto) format = detect_format(sample_path, *text);
  if (format == SampleFormat::Csv) return infer_csv(sample_path, *text, schema_name, diags, where);
  return infer_json(sample_path, *text, schema_name, diags, where);
}

std::string print_schema(const std::string& name, const TypeRef& type) {
  std::string out = "schema " + name + " ";
  if (type->is(Type::Kind::Record)) {
    print_type(out, type, 0);
  } else {  // not a record: still valid SDL, a one-field wrapper would change the type
    out += "{}  // not a record: " + to_string(type);
  }
  out += '\n';
  return out;
}

}  // namespace streamc::sema
