// Per-batch hash aggregation for reduce_by_key / count_by_value: an abseil
// flat hash index into a vector of (key, value) entries. Entries keep the
// order in which keys were first seen, so output is the same on every run
// (abseil's iteration order changes with its per-process hash seed).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

namespace streamc::rt {

template <class K, class V>
class KeyedTable {
 public:
  using Entry = std::tuple<K, V>;

  void reserve(size_t n) {
    index_.reserve(n);
    entries_.reserve(n);
  }

  // Inserts (key, value), or combines value into the existing entry with
  // `combine(old, value)`.
  template <class Combine>
  void upsert(const K& key, V value, Combine&& combine) {
    auto [it, inserted] = index_.try_emplace(key, static_cast<uint32_t>(entries_.size()));
    if (inserted) {
      entries_.emplace_back(key, std::move(value));
    } else {
      V& slot = std::get<1>(entries_[it->second]);
      slot = combine(std::move(slot), std::move(value));
    }
  }

  // Merges another table into this one (thread-local pre-aggregation).
  template <class Combine>
  void merge(KeyedTable&& other, Combine&& combine) {
    for (auto& e : other.entries_) upsert(std::get<0>(e), std::move(std::get<1>(e)), combine);
  }

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  void clear() {
    index_.clear();
    entries_.clear();
  }

 private:
  absl::flat_hash_map<K, uint32_t> index_;
  std::vector<Entry> entries_;
};

}  // namespace streamc::rt
