// Per-batch hash aggregation for reduce_by_key / count_by_value: an abseil
// flat hash index into a vector of (key, value) entries. Entries keep the
// order in which keys were first seen, so output is the same on every run
// (abseil's iteration order changes with its per-process hash seed).
//
// String parts of a key are copied into the table's own arena when the key
// is first inserted: lookups then compare against a few compact pages of
// keys instead of chasing views scattered over the whole input buffer, and
// the table stays valid after the input is gone.
#pragma once

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "streamc/runtime/arena.hpp"

namespace streamc::rt {

// A copy of `key` whose strings live in `arena`. Keys are scalars,
// string_views, optionals and tuples of them; a generated key struct that
// holds string_views provides its own `own_key(const S&, Arena&)` beside it
// (found by argument-dependent lookup).
template <class T>
T own_key(const T& key, Arena&);
inline std::string_view own_key(std::string_view key, Arena& arena);
template <class T>
std::optional<T> own_key(const std::optional<T>& key, Arena& arena);
template <class... Ts>
std::tuple<Ts...> own_key(const std::tuple<Ts...>& key, Arena& arena);
template <class T>
std::vector<T> own_key(const std::vector<T>& key, Arena& arena);

template <class T>
T own_key(const T& key, Arena&) {
  return key;
}
inline std::string_view own_key(std::string_view key, Arena& arena) { return arena.copy(key); }
template <class T>
std::optional<T> own_key(const std::optional<T>& key, Arena& arena) {
  if (!key) return std::nullopt;
  return own_key(*key, arena);
}
template <class... Ts>
std::tuple<Ts...> own_key(const std::tuple<Ts...>& key, Arena& arena) {
  return std::apply([&](const auto&... parts) { return std::tuple<Ts...>(own_key(parts, arena)...); }, key);
}

template <class K, class V>
class KeyedTable {
 public:
  using Entry = std::tuple<K, V>;

  KeyedTable() = default;
  KeyedTable(KeyedTable&&) = default;
  KeyedTable& operator=(KeyedTable&&) = default;

  void reserve(size_t n) {
    index_.reserve(n);
    entries_.reserve(n);
  }

  // Inserts (key, value), or combines value into the existing entry with
  // `combine(old, value)`.
  template <class Combine>
  void upsert(const K& key, V value, Combine&& combine) {
    auto it = index_.find(key);
    if (it == index_.end()) {
      K stored = own_key(key, keys_);
      index_.emplace(stored, static_cast<uint32_t>(entries_.size()));
      entries_.emplace_back(std::move(stored), std::move(value));
    } else {
      V& slot = std::get<1>(entries_[it->second]);
      slot = combine(std::move(slot), std::move(value));
    }
  }

  // Merges another table into this one (thread-local pre-aggregation):
  // this table's keys keep their places, the other's new keys follow in
  // their own first-seen order.
  template <class Combine>
  void merge(KeyedTable&& other, Combine&& combine) {
    for (auto& e : other.entries_) upsert(std::get<0>(e), std::move(std::get<1>(e)), combine);
  }

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  // The value of `key`, or nullptr.
  const V* find(const K& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &std::get<1>(entries_[it->second]);
  }
  void clear() {
    index_.clear();
    entries_.clear();
    keys_.reset();
  }

 private:
  absl::flat_hash_map<K, uint32_t> index_;
  std::vector<Entry> entries_;
  Arena keys_;
};

template <class T>
std::vector<T> own_key(const std::vector<T>& key, Arena& arena) {
  std::vector<T> out;
  out.reserve(key.size());
  for (const auto& x : key) out.push_back(own_key(x, arena));
  return out;
}

// The keys seen so far, across batches (drop_duplicates): insert() is true
// the first time a key is seen. Strings of keys are copied into the set's
// own arena.
template <class K>
class SeenSet {
 public:
  bool insert(const K& key) {
    if (seen_.contains(key)) return false;
    seen_.insert(own_key(key, keys_));
    return true;
  }
  size_t size() const { return seen_.size(); }

 private:
  absl::flat_hash_set<K> seen_;
  Arena keys_;
};

}  // namespace streamc::rt
