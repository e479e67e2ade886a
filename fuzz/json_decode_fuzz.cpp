// JSON decoding as a generated program does it, against simdjson's DOM.
//
// The input is one record, decoded the way
// emit_decoder.cpp generates it for `schema S { a: int?, s: string?, l: [float]?,
// b: bool? }` under permissive (rt::json::Documents on its own,
// rt::json::for_each_row for its rows, read() for the schema's fields,
// rt::json::valid for the others). Differential with simdjson's DOM parser:
// the record is accepted exactly when the DOM parses its text to an object
// or to an array of objects (one row each, as Spark reads them); where it
// is, the rows are the DOM's objects in order, and in each a field present
// once holds what the DOM holds (or null when the DOM's value has another
// type). Two
// documented differences are not findings: numbers that are valid JSON
// but out of simdjson's range (1e400, 2^64) are accepted, as Jackson
// (Spark) accepts them; nesting deeper than 1,024 is rejected by both.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "streamc/runtime/api.hpp"
#include "streamc/runtime/json_decode.hpp"

namespace {

using namespace streamc::rt;

[[noreturn]] void finding(const char* what, std::string_view text) {
  std::fprintf(stderr, "%s: %.*s\n", what, static_cast<int>(text.size()), text.data());
  std::abort();
}

struct Row {
  std::optional<int64_t> a;
  std::optional<std::string_view> s;
  std::optional<std::vector<double>> l;
  std::optional<bool> b;
};

// The generated decoder's walk (permissive: a wrong type is null; a value
// that is not JSON rejects the record). False: rejected.
bool decode(std::string_view record, std::vector<Row>& rows, Arena& arena) {
  std::vector<std::string_view> records{record};
  json::Documents docs(nullptr, records);
  try {
    docs.decode(0, [&](simdjson::ondemand::document_reference doc) {
      rows.clear();
      json::for_each_row(doc, [&](simdjson::ondemand::value root, bool) {
        Row& row = rows.emplace_back();
        simdjson::ondemand::object o;
        if (root.get_object().get(o)) throw RecordError("not an object");
        for (auto fr : o) {
          simdjson::ondemand::field f;
          if (std::move(fr).get(f)) throw RecordError("malformed JSON");
          json::Status st = json::Status::Ok;
          if (f.key() == "a") {
            st = json::read(f.value(), row.a, arena);
            if (st != json::Status::Ok) row.a.reset();
          } else if (f.key() == "s") {
            st = json::read(f.value(), row.s, arena);
            if (st != json::Status::Ok) row.s.reset();
          } else if (f.key() == "l") {
            st = json::read(f.value(), row.l, arena);
            if (st != json::Status::Ok) row.l.reset();
          } else if (f.key() == "b") {
            st = json::read(f.value(), row.b, arena);
            if (st != json::Status::Ok) row.b.reset();
          } else if (!json::valid_key(f) || !json::valid(f.value())) {
            throw RecordError("malformed JSON");
          }
          if (st == json::Status::Malformed) throw RecordError("malformed JSON");
        }
      });
    });
  } catch (const RecordError&) {
    return false;
  }
  return true;
}

void check_row(const Row& row, simdjson::dom::object obj, std::string_view text);

void check_json(std::string_view text) {
  std::string padded(text);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  Arena arena;
  std::vector<Row> rows;
  const bool ours = decode(std::string_view(padded.data(), text.size()), rows, arena);

  static simdjson::dom::parser dom;  // reused, as a program reuses its parsers
  simdjson::dom::element root;
  auto err = dom.parse(reinterpret_cast<const uint8_t*>(padded.data()), text.size(), false).get(root);
  if (err == simdjson::NUMBER_ERROR || err == simdjson::DEPTH_ERROR ||
      err == simdjson::NUMBER_OUT_OF_RANGE)
    return;  // the documented differences (or a number simdjson cannot hold): either answer
  // An object is a row; an array is a row per element, when all are objects.
  std::vector<simdjson::dom::object> objects;
  bool theirs = !err && (root.is_object() || root.is_array());
  if (theirs && root.is_object()) objects.push_back(root.get_object().value_unsafe());
  if (theirs && root.is_array()) {
    simdjson::dom::array array = root.get_array().value_unsafe();
    for (simdjson::dom::element e : array) {
      if (!e.is_object()) {
        theirs = false;
        break;
      }
      objects.push_back(e.get_object().value_unsafe());
    }
  }
  if (ours != theirs) finding(ours ? "accepted, but the DOM rejects it" : "rejected, but the DOM accepts it", text);
  if (!ours) return;
  if (rows.size() != objects.size()) finding("a different number of rows than the DOM's objects", text);
  for (size_t i = 0; i < rows.size(); ++i) check_row(rows[i], objects[i], text);
}

// One row against the DOM's object for it.
void check_row(const Row& row, simdjson::dom::object obj, std::string_view text) {
  auto once = [&](std::string_view key, simdjson::dom::element& v) {
    int n = 0;
    for (auto [k, e] : obj)
      if (k == key && ++n == 1) v = e;
    return n == 1;
  };
  simdjson::dom::element v;
  if (once("a", v)) {
    int64_t i;
    double d;
    std::optional<int64_t> want;
    if (!v.get_int64().get(i)) want = i;
    else if (!v.get_double().get(d) && d >= -0x1p63 && d < 0x1p63 && d == std::trunc(d)) want = static_cast<int64_t>(d);
    if (row.a != want) finding("field a differs from the DOM's", text);
  }
  if (once("s", v)) {
    std::string_view s;
    std::optional<std::string_view> want;
    if (!v.get_string().get(s)) want = s;
    if (row.s != want) finding("field s differs from the DOM's", text);
  }
  if (once("b", v)) {
    bool b;
    std::optional<bool> want;
    if (!v.get_bool().get(b)) want = b;
    if (row.b != want) finding("field b differs from the DOM's", text);
  }
  if (once("l", v)) {
    simdjson::dom::array arr;
    std::optional<std::vector<double>> want;
    if (!v.get_array().get(arr)) {
      want.emplace();
      for (auto e : arr) {
        double d;
        if (e.get_double().get(d)) {
          want.reset();
          break;
        }
        want->push_back(d);
      }
    }
    if (row.l != want) finding("field l differs from the DOM's", text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;
  check_json(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
