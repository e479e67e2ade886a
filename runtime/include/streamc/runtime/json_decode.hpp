// Reading simdjson On-Demand values into the C++ types of SDL values, for
// the decoders streamc generates per (format, schema). The generated code
// walks each object once, field by field, and calls `read` for the fields
// the pipeline uses; everything else is checked to be JSON (json_validate.hpp)
// in the same walk, so a record is kept only when all of it is valid.
//
// Strings are views into the record when they hold no escapes, else copied
// into the batch arena: simdjson reuses its string buffer for every document. A generated record type R provides
//   rt::json::Status decode_record(simdjson::ondemand::object, R&, rt::Arena&)
// in its own namespace, found by argument-dependent lookup.
#pragma once

#include "streamc/runtime/simdjson.hpp"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streamc/runtime/api.hpp"
#include "streamc/runtime/arena.hpp"
#include "streamc/runtime/json_validate.hpp"
#include "streamc/runtime/parse.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt::json {

// Malformed: the value is not JSON (`01`, `[1 true]`, `"\x"`), so the
// whole record is, whatever the source's on_error does with a wrong type.
enum class Status { Ok, Null, WrongType, Malformed };

inline const char* describe(Status s) {
  switch (s) {
    case Status::Null: return "is null";
    case Status::Malformed: return "is malformed JSON";
    default: return "has the wrong type";
  }
}

// One parser per thread: a parser owns buffers sized to the largest document.
inline simdjson::ondemand::parser& thread_parser() {
  thread_local simdjson::ondemand::parser parser;
  return parser;
}

// The JSON records of one source in a batch, each parsed into a document
// for a generated decoder, in order (record i after record i - 1).
//
// Records that lie side by side in one input buffer (the lines of a JSON
// Lines file) are parsed as one stream of documents (simdjson's
// iterate_many), which finds the structure of a megabyte at a time instead
// of starting over for every line. The framing stays the records': a
// document is used for record i only when it starts where record i's value
// starts and the next document starts where record i + 1's does (or, for the last
// record of the buffer, nothing follows it), so that it cannot reach past
// its line. Anything else (a line that is not one complete value, a
// document that runs into the next line, bad UTF-8 in the window, a
// document larger than the window) sends the records of the next window
// one by one through their own parse, as a record that is not in a file
// always is, with the same results and messages.
class Documents {
 public:
  static constexpr size_t kWindow = simdjson::ondemand::DEFAULT_BATCH_SIZE;

  // `batch` null: every record is parsed on its own.
  Documents(const Batch* batch, const std::vector<std::string_view>& records) : batch_(batch), records_(records) {}
  Documents(const Documents&) = delete;
  Documents& operator=(const Documents&) = delete;
  ~Documents() {
    if (streaming_) in_use() = false;
  }

  // Calls `decode(simdjson::ondemand::document_reference)` with record i's
  // document; `decode` reports a bad record by throwing RecordError, and
  // may be called a second time for the same record (it must start from
  // scratch). Throws RecordError when record i is not JSON.
  template <class F>
  void decode(size_t i, F&& decode) {
    if (from_stream(i)) {
      bool bad = false;
      try {
        decode(doc_);
      } catch (const RecordError&) {
        if (confirm(i)) {
          ++streamed_;
          throw;
        }
        bad = true;
      }
      if (!bad && confirm(i)) {
        ++streamed_;
        return;
      }
    }
    std::string_view r = records_[i];
    simdjson::ondemand::document doc;
    if (auto err = thread_parser().iterate(r.data(), r.size(), r.size() + simdjson::SIMDJSON_PADDING).get(doc))
      throw RecordError(std::string("malformed JSON: ") + simdjson::error_message(err));
    decode(simdjson::ondemand::document_reference(doc));
    // The decoder walked the whole value; anything after it is not JSON.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
      throw RecordError("malformed JSON: more after the value");
  }

  // How many records were decoded from the stream.
  size_t streamed() const { return streamed_; }

 private:
  // One stream parser per thread; a second Documents alive on the same
  // thread parses its records one by one.
  static simdjson::ondemand::parser& stream_parser() {
    thread_local simdjson::ondemand::parser parser = [] {
      simdjson::ondemand::parser p;
#ifdef SIMDJSON_THREADS_ENABLED
      p.threaded = false;  // one thread per core: no stage-1 worker
#endif
      return p;
    }();
    return parser;
  }
  static bool& in_use() {
    thread_local bool used = false;
    return used;
  }

  // Record i's document from the stream, starting one at record i when
  // needed; false when record i is to be parsed on its own.
  bool from_stream(size_t i) {
    if (active_ && i == next_) return true;
    active_ = false;
    if (!batch_) return false;
    const char* at = records_[i].data();
    std::string_view input = batch_->input_of(at, hint_);
    if (input.empty()) return false;
    if (input.data() == alone_in_ && at < alone_until_) return false;
    if (!streaming_) {
      if (in_use()) return false;
      in_use() = streaming_ = true;
    }
    input_end_ = input.data() + input.size();
    auto& parser = stream_parser();
    if (parser.iterate_many(at, static_cast<size_t>(input_end_ - at), kWindow).get(stream_)) return alone_from(i);
    it_ = stream_.begin();
    base_ = at;
    if (!(it_ != stream_.end()) || base_ + it_.current_index() != value_start(records_[i]) || (*it_).get(doc_))
      return alone_from(i);
    active_ = true;
    next_ = i;
    return true;
  }

  // After record i's document: true when it was exactly record i (the next
  // document starts at record i + 1, or nothing follows), with the stream
  // then at record i + 1's document.
  bool confirm(size_t i) {
    // simdjson gives up on a malformed document where the error was, and
    // the stream would go on from there: nothing after it can be trusted.
    if (!static_cast<simdjson::ondemand::document&>(doc_).is_alive()) return alone_from(i);
    ++it_;
    const char* end = records_[i].data() + records_[i].size();
    const bool more = i + 1 < records_.size() && records_[i + 1].data() >= end && records_[i + 1].data() < input_end_;
    bool ok;
    if (more)
      ok = it_ != stream_.end() && !it_.error() && base_ + it_.current_index() == value_start(records_[i + 1]) &&
           !(*it_).get(doc_);
    else
      ok = !(it_ != stream_.end());
    if (!ok) return alone_from(i);
    next_ = i + 1;
    active_ = more;
    return true;
  }

  // Where a record's value starts: after any whitespace it begins with.
  static const char* value_start(std::string_view r) {
    size_t k = 0;
    while (k < r.size() && (r[k] == ' ' || r[k] == '\t' || r[k] == '\r' || r[k] == '\n')) ++k;
    return r.data() + k;
  }

  // Records from i up to a window past its end are parsed on their own.
  bool alone_from(size_t i) {
    active_ = false;
    alone_in_ = batch_->input_of(records_[i].data(), hint_).data();
    alone_until_ = records_[i].data() + records_[i].size() + kWindow;
    return false;
  }

  const Batch* batch_;
  const std::vector<std::string_view>& records_;
  size_t hint_ = 0;
  size_t streamed_ = 0;
  bool streaming_ = false;  // holds the thread's stream parser
  bool active_ = false;     // it_ is at record next_'s document
  size_t next_ = 0;
  simdjson::ondemand::document_stream stream_;
  simdjson::ondemand::document_stream::iterator it_;
  simdjson::ondemand::document_reference doc_;
  const char* base_ = nullptr;       // where the stream starts
  const char* input_end_ = nullptr;  // the end of the stream's input buffer
  const char* alone_in_ = nullptr;   // records in this buffer before alone_until_ are parsed alone
  const char* alone_until_ = nullptr;
};

// The rows of one JSON record, as Spark's JSON source makes them: an object
// is one row; an array (SPARK-3308) is one row per element, none when it is
// empty. Calls `row(simdjson::ondemand::value object, bool in_array)` for
// each (the value is the object, not yet opened) and returns whether the
// record was an array. A record that is neither is passed on as it is, for
// `row` to reject ("the record is not a JSON object").
//
// The record is the unit of on_error, as Spark's FailureSafeParser has it:
// an element that is not an object (a number, null, a nested array) makes
// the whole record malformed, elements before it included (Spark marks
// such a record corrupt, SPARK-36379); so does any error `row` throws for
// one element. `row` must therefore only decode: rows are used once
// for_each_row has returned.
template <class F>
bool for_each_row(simdjson::ondemand::document_reference doc, F&& row) {
  simdjson::ondemand::value root;
  if (auto err = doc.get_value().get(root))
    throw RecordError(std::string("malformed JSON: ") + simdjson::error_message(err));
  simdjson::ondemand::json_type type;
  if (root.type().get(type) || type != simdjson::ondemand::json_type::array) {
    row(root, false);
    return false;
  }
  simdjson::ondemand::array array;
  if (auto err = root.get_array().get(array))
    throw RecordError(std::string("malformed JSON: ") + simdjson::error_message(err));
  for (auto element : array) {
    simdjson::ondemand::value v;
    if (auto err = std::move(element).get(v))
      throw RecordError(std::string("malformed JSON: ") + simdjson::error_message(err));
    if (v.type().get(type)) throw RecordError("malformed JSON in the record's array");
    if (type != simdjson::ondemand::json_type::object)
      throw RecordError("an element of the record's array is not a JSON object");
    row(v, true);
  }
  return true;
}

// A decoded value back to its default before the next record: a list is
// emptied but keeps its capacity.
template <class T>
void reset(T& v) {
  v = T{};
}
template <class T>
void reset(std::vector<T>& v) {
  v.clear();
}

inline bool is_null(simdjson::ondemand::value& v) {
  bool null = false;
  return !v.is_null().get(null) && null;
}

// A value that is not what the schema asks for: of another type, or not
// JSON at all (left unconsumed by the failed reads, so checked now).
inline Status mismatch(simdjson::ondemand::value& v) { return valid(v) ? Status::WrongType : Status::Malformed; }

// More than 19 significant digits before the exponent.
inline bool long_mantissa(std::string_view token) {
  int digits = 0;
  bool leading = true;
  for (char c : token) {
    if (c == 'e' || c == 'E') break;
    if (c < '0' || c > '9') continue;
    if (c == '0' && leading) continue;
    leading = false;
    ++digits;
  }
  return digits > 19;
}

// A JSON number as a double. On-Demand refuses some numbers simdjson's DOM
// reads (an exponent of more digits than it takes, as in 0e+2899…9, which
// is 0), and simdjson 3.0's On-Demand reads a number below 1 with more than
// 19 significant digits wrongly (0.75333333333333333333 gives 0.0154…,
// where its DOM and strtod give 0.7533…): both kinds are read by strtod.
// Tokens of up to 20 bytes (nearly all) take On-Demand's path unchecked.
inline bool get_double(simdjson::ondemand::value& v, double& out) {
  std::string_view raw = v.raw_json_token();
  if ((raw.size() <= 20 || !long_mantissa(raw)) && !v.get_double().get(out)) return true;
  if (!valid_number_token(raw)) return false;
  std::string text(raw);
  char* end = nullptr;
  const double d = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(d)) return false;
  out = d;
  return true;
}

// Each reader tries the expected type first and looks for null only when
// that fails (a failed get leaves the value unconsumed).
inline Status read(simdjson::ondemand::value v, int64_t& out, Arena&) {
  if (!v.get_int64().get(out)) return Status::Ok;
  if (is_null(v)) return Status::Null;
  double d;
  // 1.0 is the int 1; a double outside int64's range is not an int (and
  // converting it would be undefined).
  if (get_double(v, d) && d >= -0x1p63 && d < 0x1p63 && d == static_cast<double>(static_cast<int64_t>(d))) {
    out = static_cast<int64_t>(d);
    return Status::Ok;
  }
  return mismatch(v);
}

inline Status read(simdjson::ondemand::value v, double& out, Arena&) {
  if (get_double(v, out)) return Status::Ok;
  return is_null(v) ? Status::Null : mismatch(v);
}

inline Status read(simdjson::ondemand::value v, bool& out, Arena&) {
  if (!v.get_bool().get(out)) return Status::Ok;
  return is_null(v) ? Status::Null : mismatch(v);
}

// A string without escapes is the same bytes in the record: the view points
// there (the record lives as long as the batch arena) and simdjson need not
// unescape it. One with escapes is unescaped by simdjson into its own
// buffer, which the next document reuses, so it is copied into the arena.
inline Status read(simdjson::ondemand::value v, std::string_view& out, Arena& arena) {
  // The token runs from the opening quote to the next structural character:
  // the closing quote is its last character but whitespace.
  std::string_view raw = v.raw_json_token();
  size_t n = raw.size();
  while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == '\n' || raw[n - 1] == '\r' || raw[n - 1] == '\t')) --n;
  if (n >= 2 && raw[0] == '"' && raw[n - 1] == '"') {
    const char* body = raw.data() + 1;
    const size_t len = n - 2;
    const bool escaped = has_backslash(body, len);
    simdjson::ondemand::raw_json_string unused;
    if (!escaped && !v.get_raw_json_string().get(unused)) {
      out = std::string_view(body, len);
      return Status::Ok;
    }
  }
  std::string_view s;
  if (v.get_string().get(s)) return is_null(v) ? Status::Null : mismatch(v);
  out = arena.copy(s);
  return Status::Ok;
}

// Timestamps: ISO-8601 strings, or epoch seconds / milliseconds as numbers.
inline Status read(simdjson::ondemand::value v, Timestamp& out, Arena&) {
  int64_t i;
  if (!v.get_int64().get(i)) {
    out = timestamp_from_epoch_int(i);
    return Status::Ok;
  }
  if (is_null(v)) return Status::Null;
  std::string_view s;
  if (!v.get_string().get(s)) {
    auto t = parse_timestamp(s);
    if (!t) return Status::WrongType;
    out = *t;
    return Status::Ok;
  }
  double d;
  if (get_double(v, d)) {
    out = timestamp_from_epoch_number(d);
    return Status::Ok;
  }
  return mismatch(v);
}

// Declared before the definitions below so that they find one another.
template <class T>
Status read(simdjson::ondemand::value v, std::optional<T>& out, Arena& arena);
template <class T>
Status read(simdjson::ondemand::value v, std::vector<T>& out, Arena& arena);
template <class R>
auto read(simdjson::ondemand::value v, R& out, Arena& arena)
    -> decltype(decode_record(std::declval<simdjson::ondemand::object>(), out, arena));

template <class T>
Status read(simdjson::ondemand::value v, std::optional<T>& out, Arena& arena) {
  if (is_null(v)) {
    out.reset();
    return Status::Ok;
  }
  T inner{};
  Status s = read(v, inner, arena);
  if (s == Status::Ok) out = std::move(inner);
  return s;
}

template <class T>
Status read(simdjson::ondemand::value v, std::vector<T>& out, Arena& arena) {
  if (is_null(v)) return Status::Null;
  simdjson::ondemand::array array;
  if (v.get_array().get(array)) return mismatch(v);
  out.clear();
  // After a bad element the rest is only checked to be JSON: a caller that
  // keeps the record (an optional list under permissive) keeps valid JSON.
  Status result = Status::Ok;
  for (auto element : array) {
    simdjson::ondemand::value ev;
    if (std::move(element).get(ev)) return Status::Malformed;
    if (result != Status::Ok) {
      if (!valid(ev)) return Status::Malformed;
      continue;
    }
    T item{};
    Status s = read(ev, item, arena);
    if (s == Status::Malformed) return s;
    if (s == Status::Ok)
      out.push_back(std::move(item));
    else
      result = s;
  }
  return result;
}

// Records: the generated decode_record, found by ADL.
template <class R>
auto read(simdjson::ondemand::value v, R& out, Arena& arena)
    -> decltype(decode_record(std::declval<simdjson::ondemand::object>(), out, arena)) {
  if (is_null(v)) return Status::Null;
  simdjson::ondemand::object object;
  if (v.get_object().get(object)) return mismatch(v);
  return decode_record(object, out, arena);
}

}  // namespace streamc::rt::json
