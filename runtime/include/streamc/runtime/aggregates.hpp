// Accumulators for `group_by(…) |> aggregate(…)`: the state of one key,
// kept across batches, so they OWN their values (a string is a std::string,
// never a view into a batch). Each has `add(x)` for one input value,
// `merge(other)` for thread-local pre-aggregation, and `result()` giving the
// SDL value. Like Spark's SQL aggregates:
//
//   accumulator              input T            result
//   Count                    add() / add(x)     int64_t (add(optional) counts non-nulls)
//   Sum<int64_t|double>      T                  T; Sum<optional<X>> gives optional<X>, null until a
//                                               non-null value (Spark SQL); int overflow → RecordError
//   Avg                      int64_t or double  optional<double>
//   Min<T>, Max<T>           scalar             optional<T>   NaN is the largest float, as in Spark
//   First<T>, Last<T>        any                optional<T>   (nulls are values: first(x) can be null)
//   CountDistinct<T>         any hashable       int64_t
//   ApproxCountDistinct<T>   any hashable       int64_t       HyperLogLog, 2^12 registers:
//                                                             relative standard error 1.04/√4096 ≈ 1.6%
//   CollectList<T>           any                std::vector<T>
//
// Nulls: every accumulator but First/Last skips a null input (add of an
// empty optional), as Spark does; Min<std::optional<X>> is Min<X>.
// Results that hold strings are views into the accumulator: valid until its
// next add/merge. Scalars: int64_t, double, bool, std::string_view,
// Timestamp, Duration; values may also be optionals, tuples and lists of
// those. An add that throws (Sum overflow) leaves the accumulator unchanged.
// Each has save(StateWriter&) / load(StateReader&) for checkpoints
// (serialize.hpp); owned values need no arena, so load uses a scratch one.
#pragma once

#include <absl/container/flat_hash_set.h>
#include <absl/strings/string_view.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "streamc/runtime/format.hpp"
#include "streamc/runtime/serialize.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {

// ------------------------------------------------------------ owned values
// Owned<T>: T with every string_view replaced by std::string.
template <class T>
struct Owned {
  using type = T;
};
template <>
struct Owned<std::string_view> {
  using type = std::string;
};
template <class T>
struct Owned<std::optional<T>> {
  using type = std::optional<typename Owned<T>::type>;
};
template <class T>
struct Owned<std::vector<T>> {
  using type = std::vector<typename Owned<T>::type>;
};
template <class... Ts>
struct Owned<std::tuple<Ts...>> {
  using type = std::tuple<typename Owned<Ts>::type...>;
};
template <class T>
using owned_t = typename Owned<T>::type;

// A copy of v that owns its strings.
template <class T>
owned_t<T> to_owned(const T& v) {
  using namespace format_detail;
  if constexpr (std::is_same_v<T, std::string_view>) {
    return std::string(v);
  } else if constexpr (IsOptional<T>::value) {
    if (!v) return std::nullopt;
    return to_owned(*v);
  } else if constexpr (IsVector<T>::value) {
    owned_t<T> out;
    out.reserve(v.size());
    for (const auto& x : v) out.push_back(to_owned(x));
    return out;
  } else if constexpr (IsTuple<T>::value) {
    return std::apply([](const auto&... xs) { return owned_t<T>(to_owned(xs)...); }, v);
  } else {
    return v;
  }
}

// The T that views an owned value (valid while `v` lives, unchanged).
template <class T>
T view_of(const owned_t<T>& v) {
  using namespace format_detail;
  if constexpr (std::is_same_v<T, std::string_view>) {
    return std::string_view(v);
  } else if constexpr (IsOptional<T>::value) {
    if (!v) return std::nullopt;
    return view_of<typename T::value_type>(*v);
  } else if constexpr (IsVector<T>::value) {
    T out;
    out.reserve(v.size());
    for (const auto& x : v) out.push_back(view_of<typename T::value_type>(x));
    return out;
  } else if constexpr (IsTuple<T>::value) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return T(view_of<std::tuple_element_t<I, T>>(std::get<I>(v))...);
    }(std::make_index_sequence<std::tuple_size_v<T>>());
  } else {
    return v;
  }
}

namespace agg_detail {

template <class T>
struct Unwrap {
  using type = T;
};
template <class T>
struct Unwrap<std::optional<T>> {
  using type = T;
};
// Min<std::optional<X>> is Min<X>, and so on.
template <class T>
using base_t = typename Unwrap<T>::type;

// Spark's ordering for min/max: NaN above every other float.
template <class T>
bool less(const T& a, const T& b) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    if (std::isnan(b)) return true;
  }
  return a < b;
}

inline uint64_t mix64(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// MurmurHash64A (Austin Appleby, public domain).
inline uint64_t hash_bytes(const char* data, size_t len) {
  const uint64_t m = 0xc6a4a7935bd1e995ULL;
  const int r = 47;
  uint64_t h = 0x5bd1e9955bd1e995ULL ^ (len * m);
  const char* p = data;
  const char* end = data + (len & ~size_t{7});
  for (; p != end; p += 8) {
    uint64_t k;
    std::memcpy(&k, p, 8);
    k *= m;
    k ^= k >> r;
    k *= m;
    h ^= k;
    h *= m;
  }
  uint64_t tail = 0;
  size_t left = len & 7;
  if (left) {
    for (size_t i = 0; i < left; ++i) tail |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    h ^= tail;
    h *= m;
  }
  h ^= h >> r;
  h *= m;
  h ^= h >> r;
  return h;
}

// A hash that is the same in every run (absl::Hash is seeded per process,
// which would make approx_count_distinct differ from run to run).
template <class T>
uint64_t stable_hash(const T& v) {
  using namespace format_detail;
  if constexpr (std::is_convertible_v<const T&, std::string_view> && !std::is_arithmetic_v<T>) {
    std::string_view s(v);
    return mix64(hash_bytes(s.data(), s.size()));
  } else if constexpr (std::is_floating_point_v<T>) {
    double d = static_cast<double>(v);
    if (d == 0) d = 0;                                             // -0.0 is 0.0
    if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();  // one NaN
    uint64_t bits;
    std::memcpy(&bits, &d, 8);
    return mix64(bits);
  } else if constexpr (std::is_integral_v<T>) {
    return mix64(static_cast<uint64_t>(v));
  } else if constexpr (std::is_same_v<T, Timestamp> || std::is_same_v<T, Duration>) {
    return mix64(static_cast<uint64_t>(v.micros));
  } else if constexpr (IsOptional<T>::value) {
    return v ? mix64(stable_hash(*v)) : 0x7f4a7c159e3779b9ULL;
  } else if constexpr (IsTuple<T>::value || IsVector<T>::value) {
    uint64_t h = 0x2545f4914f6cdd1dULL;
    auto part = [&h](const auto& x) { h = mix64(h ^ stable_hash(x)); };
    if constexpr (IsTuple<T>::value)
      std::apply([&](const auto&... xs) { (part(xs), ...); }, v);
    else
      for (const auto& x : v) part(x);
    return h;
  } else {
    static_assert(kUnsupported<T>, "streamc: no stable hash for this type");
  }
}

}  // namespace agg_detail

// ------------------------------------------------------------ accumulators
class Count {
 public:
  void add() { ++n_; }
  template <class T>
  void add(const T&) {
    ++n_;
  }
  template <class T>
  void add(const std::optional<T>& v) {
    if (v) ++n_;
  }
  void merge(const Count& o) { n_ += o.n_; }
  // A count of another batch of rows (a partial aggregate's result).
  void add_partial(int64_t n) { n_ += n; }
  void save(StateWriter& w) const { w.i64(n_); }
  void load(StateReader& r) { n_ = r.i64(); }
  int64_t result() const { return n_; }

 private:
  int64_t n_ = 0;
};

template <class T>
class Sum {
  using V = agg_detail::base_t<T>;
  static_assert(std::is_same_v<V, int64_t> || std::is_same_v<V, double>, "streamc: sum of int or float");
  // Spark SQL: the sum of a nullable column is null until a non-null value
  // arrives; a column that cannot be null always has one.
  static constexpr bool kNullable = format_detail::IsOptional<T>::value;

 public:
  void add(const V& x) {
    sum_ = rt::add(sum_, x);
    seen_ = true;
  }
  template <class U>  // a template, so a std::string argument only converts to V
  void add(const std::optional<U>& x) {
    if (x) add(*x);
  }
  void merge(const Sum& o) {
    sum_ = rt::add(sum_, o.sum_);
    seen_ = seen_ || o.seen_;
  }
  void save(StateWriter& w) const {
    save_value(w, sum_);
    if constexpr (kNullable) w.u8(seen_ ? 1 : 0);
  }
  void load(StateReader& r) {
    Arena none;
    load_value(r, sum_, none);
    if constexpr (kNullable) seen_ = r.u8() != 0;
  }
  auto result() const {
    if constexpr (kNullable)
      return seen_ ? std::optional<V>(sum_) : std::nullopt;
    else
      return sum_;
  }

 private:
  V sum_ = 0;
  bool seen_ = false;
};

class Avg {
 public:
  template <class T>
  void add(const T& x) {
    if constexpr (format_detail::IsOptional<T>::value) {
      if (x) add(*x);
    } else {
      sum_ += static_cast<double>(x);
      ++n_;
    }
  }
  void merge(const Avg& o) {
    sum_ += o.sum_;
    n_ += o.n_;
  }
  // The sum and count of another batch's values (a partial aggregate's).
  void add_partial(double sum, int64_t n) {
    sum_ += sum;
    n_ += n;
  }
  void save(StateWriter& w) const {
    w.f64(sum_);
    w.i64(n_);
  }
  void load(StateReader& r) {
    sum_ = r.f64();
    n_ = r.i64();
  }
  std::optional<double> result() const {
    if (n_ == 0) return std::nullopt;
    return sum_ / static_cast<double>(n_);
  }

 private:
  double sum_ = 0;
  int64_t n_ = 0;
};

namespace agg_detail {

// Min and Max: keep the value that `better` prefers.
template <class T, bool kMax>
class Extreme {
  using V = base_t<T>;

 public:
  void add(const V& x) {
    if (!best_ || (kMax ? less(view_of<V>(*best_), x) : less(x, view_of<V>(*best_)))) best_ = to_owned(x);
  }
  template <class U>  // a template, so a std::string argument only converts to V
  void add(const std::optional<U>& x) {
    if (x) add(*x);
  }
  void merge(const Extreme& o) {
    if (o.best_) add(view_of<V>(*o.best_));
  }
  void save(StateWriter& w) const { save_value(w, best_); }
  void load(StateReader& r) {
    Arena none;
    load_value(r, best_, none);
  }
  std::optional<V> result() const {
    if (!best_) return std::nullopt;
    return view_of<V>(*best_);
  }

 private:
  std::optional<owned_t<V>> best_;
};

}  // namespace agg_detail

template <class T>
class Min : public agg_detail::Extreme<T, false> {};
template <class T>
class Max : public agg_detail::Extreme<T, true> {};

// first(x) / last(x): the value of the first / latest input, null included.
template <class T>
class First {
  using V = agg_detail::base_t<T>;

 public:
  void add(const V& x) {
    if (!seen_) set(x);
  }
  template <class U>  // a template, so a std::string argument only converts to V
  void add(const std::optional<U>& x) {
    if (!seen_) set(x);
  }
  void merge(const First& o) {
    if (!seen_ && o.seen_) *this = o;
  }
  void save(StateWriter& w) const {
    save_value(w, value_);
    w.u8(seen_ ? 1 : 0);
  }
  void load(StateReader& r) {
    Arena none;
    load_value(r, value_, none);
    seen_ = r.u8() != 0;
  }
  std::optional<V> result() const {
    if (!value_) return std::nullopt;
    return view_of<V>(*value_);
  }

 private:
  void set(const V& x) {
    value_ = to_owned(x);
    seen_ = true;
  }
  template <class U>
  void set(const std::optional<U>& x) {
    if (x) value_ = to_owned(V(*x));
    else value_.reset();
    seen_ = true;
  }
  std::optional<owned_t<V>> value_;
  bool seen_ = false;
};

template <class T>
class Last {
  using V = agg_detail::base_t<T>;

 public:
  void add(const V& x) {
    value_ = to_owned(x);
    seen_ = true;
  }
  template <class U>  // a template, so a std::string argument only converts to V
  void add(const std::optional<U>& x) {
    if (x) value_ = to_owned(V(*x));
    else value_.reset();
    seen_ = true;
  }
  // `o` holds later input than this.
  void merge(const Last& o) {
    if (o.seen_) *this = o;
  }
  void save(StateWriter& w) const {
    save_value(w, value_);
    w.u8(seen_ ? 1 : 0);
  }
  void load(StateReader& r) {
    Arena none;
    load_value(r, value_, none);
    seen_ = r.u8() != 0;
  }
  std::optional<V> result() const {
    if (!value_) return std::nullopt;
    return view_of<V>(*value_);
  }

 private:
  std::optional<owned_t<V>> value_;
  bool seen_ = false;
};

template <class T>
class CountDistinct {
  using V = agg_detail::base_t<T>;

 public:
  void add(const V& x) {
    if constexpr (std::is_same_v<V, std::string_view>) {
      absl::string_view key(x.data(), x.size());  // abseil's own view type for heterogeneous lookup
      if (!seen_.contains(key)) seen_.emplace(x);   // no allocation for a repeat
    } else {
      seen_.insert(to_owned(x));
    }
  }
  template <class U>  // a template, so a std::string argument only converts to V
  void add(const std::optional<U>& x) {
    if (x) add(*x);
  }
  void merge(const CountDistinct& o) { seen_.insert(o.seen_.begin(), o.seen_.end()); }
  void save(StateWriter& w) const {
    w.u64(seen_.size());
    for (const auto& v : seen_) save_value(w, v);
  }
  void load(StateReader& r) {
    Arena none;
    seen_.clear();
    uint64_t n = r.count();
    for (uint64_t i = 0; i < n; ++i) {
      owned_t<V> v{};
      load_value(r, v, none);
      seen_.insert(std::move(v));
    }
  }
  int64_t result() const { return static_cast<int64_t>(seen_.size()); }

 private:
  absl::flat_hash_set<owned_t<V>> seen_;
};

// HyperLogLog (Flajolet et al. 2007) with 2^12 one-byte registers (4 KiB
// per key) over a 64-bit hash that is stable across runs: relative standard
// error 1.04/sqrt(4096) ≈ 1.6%; small counts use linear counting and are
// nearly exact. Spark's approx_count_distinct (HLL++, rsd 5%) is coarser.
template <class T>
class ApproxCountDistinct {
  using V = agg_detail::base_t<T>;
  static constexpr int kBits = 12;
  static constexpr size_t kRegisters = size_t{1} << kBits;

 public:
  void add(const V& x) { add_hash(agg_detail::stable_hash(x)); }
  template <class U>  // a template, so a std::string argument only converts to V
  void add(const std::optional<U>& x) {
    if (x) add(*x);
  }
  void merge(const ApproxCountDistinct& o) {
    if (o.registers_.empty()) return;
    if (registers_.empty()) registers_.assign(kRegisters, 0);
    for (size_t i = 0; i < kRegisters; ++i) registers_[i] = std::max(registers_[i], o.registers_[i]);
  }
  void save(StateWriter& w) const {
    w.bytes(std::string_view(reinterpret_cast<const char*>(registers_.data()), registers_.size()));
  }
  void load(StateReader& r) {
    std::string_view b = r.bytes();
    if (!b.empty() && b.size() != kRegisters) throw StateFormatError("bad HyperLogLog size");
    registers_.assign(b.begin(), b.end());
  }
  int64_t result() const {
    if (registers_.empty()) return 0;
    const double m = static_cast<double>(kRegisters);
    double sum = 0;
    size_t zeros = 0;
    for (uint8_t r : registers_) {
      sum += std::ldexp(1.0, -r);
      zeros += r == 0;
    }
    double estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum;
    if (estimate <= 2.5 * m && zeros > 0) estimate = m * std::log(m / static_cast<double>(zeros));
    return std::llround(estimate);
  }

 private:
  void add_hash(uint64_t h) {
    if (registers_.empty()) registers_.assign(kRegisters, 0);  // allocated on first use
    size_t index = h >> (64 - kBits);
    uint64_t rest = (h << kBits) | (uint64_t{1} << (kBits - 1));  // a guard bit bounds the rank
    auto rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }
  std::vector<uint8_t> registers_;
};

template <class T>
class CollectList {
  using V = agg_detail::base_t<T>;

 public:
  void add(const V& x) { values_.push_back(to_owned(x)); }
  template <class U>  // a template, so a std::string argument only converts to V
  void add(const std::optional<U>& x) {
    if (x) add(*x);
  }
  void merge(const CollectList& o) { values_.insert(values_.end(), o.values_.begin(), o.values_.end()); }
  void save(StateWriter& w) const { save_value(w, values_); }
  void load(StateReader& r) {
    Arena none;
    load_value(r, values_, none);
  }
  std::vector<V> result() const {
    std::vector<V> out;
    out.reserve(values_.size());
    for (const auto& v : values_) out.push_back(view_of<V>(v));
    return out;
  }

 private:
  std::vector<owned_t<V>> values_;
};

}  // namespace streamc::rt
