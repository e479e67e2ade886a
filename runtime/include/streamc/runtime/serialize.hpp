// Binary encoding of state for checkpoints (state/<op>/<partition>/<v>.*):
// StateWriter appends integers as LEB128 varints (signed ones zigzagged:
// counts and small keys take a byte or two, which keeps deltas small),
// floats as 8 little-endian bytes and length-prefixed bytes to a string; StateReader reads them back and throws StateFormatError
// when the data ends early or a length is impossible, so a damaged file is an
// error, never a crash. The checkpoint file around the bytes carries the
// checksum (core/checkpoint_file.hpp).
//
// save_value / load_value cover every value that state holds: scalars,
// strings (string_views load into an Arena the caller keeps alive),
// Timestamp, Duration, optionals, vectors, tuples, generated records
// (for_each_field / for_each_field_mut), accumulators (save / load members)
// and the accumulator structs of aggregations (for_each_member).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "streamc/runtime/arena.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {

class StateFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StateWriter {
 public:
  // Appends to `out`. The writer works in chunks past the end of what it
  // wrote: `out` holds exactly the written bytes once the writer is
  // destroyed (or after finish()), not before.
  explicit StateWriter(std::string& out) : out_(out), end_(out.size()) {}
  ~StateWriter() { finish(); }
  StateWriter(const StateWriter&) = delete;
  StateWriter& operator=(const StateWriter&) = delete;

  void u8(uint8_t v) {
    *room(1) = static_cast<char>(v);
    end_ += 1;
  }
  void u64(uint64_t v) {
    char* p = room(10);
    size_t n = 0;
    while (v >= 0x80) {
      p[n++] = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    p[n++] = static_cast<char>(v);
    end_ += n;
  }
  void i64(int64_t v) { u64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void f64(double v) {
    std::memcpy(room(8), &v, 8);
    end_ += 8;
  }
  void bytes(std::string_view s) {
    u64(s.size());
    raw(s);
  }
  // Bytes as they are (already encoded elsewhere).
  void raw(std::string_view s) {
    if (s.empty()) return;
    std::memcpy(room(s.size()), s.data(), s.size());
    end_ += s.size();
  }
  // Trims `out` to the bytes written and returns it.
  std::string& finish() {
    out_.resize(end_);
    return out_;
  }

 private:
  // Writing through a pointer into a chunk the string already holds costs
  // a store per byte; an append per value would cost a library call.
  char* room(size_t n) {
    if (out_.size() - end_ < n) out_.resize(end_ + std::max<size_t>(n, kChunk));
    return out_.data() + end_;
  }
  static constexpr size_t kChunk = 1024;
  std::string& out_;
  size_t end_;
};

class StateReader {
 public:
  explicit StateReader(std::string_view in) : in_(in) {}
  uint8_t u8() {
    need(1);
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint64_t u64() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1);
      auto byte = static_cast<uint8_t>(in_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    throw StateFormatError("bad varint");
  }
  int64_t i64() {
    uint64_t z = u64();
    return static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
  }
  double f64() {
    need(8);
    double v;
    std::memcpy(&v, in_.data() + pos_, 8);
    pos_ += 8;
    return v;
  }
  // A view into the input (valid while the input lives).
  std::string_view bytes() {
    uint64_t n = u64();
    need(n);
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  // A count of items that each take at least `min_size` bytes: checked
  // against what is left, so a damaged count cannot ask for terabytes.
  uint64_t count(size_t min_size = 1) {
    uint64_t n = u64();
    if (min_size > 0 && n > remaining() / min_size) throw StateFormatError("impossible item count");
    return n;
  }
  size_t remaining() const { return in_.size() - pos_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  void need(uint64_t n) const {
    if (n > in_.size() - pos_) throw StateFormatError("data ends early");
  }
  std::string_view in_;
  size_t pos_ = 0;
};

namespace serialize_detail {
template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};
template <class T>
struct IsTuple : std::false_type {};
template <class... Ts>
struct IsTuple<std::tuple<Ts...>> : std::true_type {};
template <class T>
inline constexpr bool kNoEncoding = false;
struct AnyFieldVisitor {
  template <class V>
  void operator()(std::string_view, const V&) const {}
};
struct AnyMemberVisitor {
  template <class V>
  void operator()(V&) const {}
};
}  // namespace serialize_detail

template <class T>
void save_value(StateWriter& w, const T& v);
template <class T>
void load_value(StateReader& r, T& v, Arena& arena);

template <class T>
void save_value(StateWriter& w, const T& v) {
  using namespace serialize_detail;
  if constexpr (std::is_same_v<T, bool>) {
    w.u8(v ? 1 : 0);
  } else if constexpr (std::is_integral_v<T>) {
    w.i64(static_cast<int64_t>(v));
  } else if constexpr (std::is_floating_point_v<T>) {
    w.f64(static_cast<double>(v));
  } else if constexpr (std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>) {
    w.bytes(v);
  } else if constexpr (std::is_same_v<T, Timestamp> || std::is_same_v<T, Duration>) {
    w.i64(v.micros);
  } else if constexpr (IsOptional<T>::value) {
    w.u8(v ? 1 : 0);
    if (v) save_value(w, *v);
  } else if constexpr (IsVector<T>::value) {
    w.u64(v.size());
    for (const auto& x : v) save_value(w, x);
  } else if constexpr (IsTuple<T>::value) {
    std::apply([&](const auto&... xs) { (save_value(w, xs), ...); }, v);
  } else if constexpr (requires { v.save(w); }) {
    v.save(w);
  } else if constexpr (requires { v.for_each_member(serialize_detail::AnyMemberVisitor{}); }) {
    v.for_each_member([&](const auto& m) { save_value(w, m); });
  } else if constexpr (requires { v.for_each_field(serialize_detail::AnyFieldVisitor{}); }) {
    v.for_each_field([&](std::string_view, const auto& f) { save_value(w, f); });
  } else {
    static_assert(kNoEncoding<T>, "streamc: no state encoding for this type");
  }
}

template <class T>
void load_value(StateReader& r, T& v, Arena& arena) {
  using namespace serialize_detail;
  if constexpr (std::is_same_v<T, bool>) {
    v = r.u8() != 0;
  } else if constexpr (std::is_integral_v<T>) {
    v = static_cast<T>(r.i64());
  } else if constexpr (std::is_floating_point_v<T>) {
    v = static_cast<T>(r.f64());
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    v = arena.copy(r.bytes());
  } else if constexpr (std::is_same_v<T, std::string>) {
    v = std::string(r.bytes());
  } else if constexpr (std::is_same_v<T, Timestamp> || std::is_same_v<T, Duration>) {
    v.micros = r.i64();
  } else if constexpr (IsOptional<T>::value) {
    if (r.u8()) {
      typename T::value_type x{};
      load_value(r, x, arena);
      v = std::move(x);
    } else {
      v.reset();
    }
  } else if constexpr (IsVector<T>::value) {
    uint64_t n = r.count();
    v.clear();
    v.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      typename T::value_type x{};
      load_value(r, x, arena);
      v.push_back(std::move(x));
    }
  } else if constexpr (IsTuple<T>::value) {
    std::apply([&](auto&... xs) { (load_value(r, xs, arena), ...); }, v);
  } else if constexpr (requires { v.load(r); }) {
    v.load(r);
  } else if constexpr (requires { v.for_each_member(serialize_detail::AnyMemberVisitor{}); }) {
    v.for_each_member([&](auto& m) { load_value(r, m, arena); });
  } else if constexpr (requires { v.for_each_field_mut(serialize_detail::AnyFieldVisitor{}); }) {
    v.for_each_field_mut([&](std::string_view, auto& f) { load_value(r, f, arena); });
  } else {
    static_assert(kNoEncoding<T>, "streamc: no state encoding for this type");
  }
}

}  // namespace streamc::rt
