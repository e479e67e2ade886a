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

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "streamc/runtime/arena.hpp"
#include "streamc/runtime/serialize.hpp"

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
  // their own first-seen order. Into an empty table the other is moved
  // whole (the same entries in the same order, its keys' arena with them).
  template <class Combine>
  void merge(KeyedTable&& other, Combine&& combine) {
    if (entries_.empty()) {
      *this = std::move(other);
      return;
    }
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
// own arena. Checkpoints: a snapshot is every key; after track_changes(), a
// delta is the keys added since the last save.
template <class K>
class SeenSet {
 public:
  bool insert(const K& key) {
    if (seen_.contains(key)) return false;
    K stored = own_key(key, keys_);
    seen_.insert(stored);
    ++batch_added_;
    if (tracking_) added_.push_back(std::move(stored));
    return true;
  }
  size_t size() const { return seen_.size(); }
  bool contains(const K& key) const { return seen_.contains(key); }

  // ---- checkpoints and progress
  // Keys added since reset_batch_stats (the engine resets after each batch).
  size_t last_batch_updated() const { return batch_added_; }
  void reset_batch_stats() { batch_added_ = 0; }
  size_t bytes_estimate() const { return seen_.capacity() * (sizeof(K) + 1) + keys_.bytes_reserved(); }
  void track_changes() { tracking_ = true; }
  void save_snapshot(StateWriter& w) {
    w.u64(seen_.size());
    for (const K& k : seen_) save_value(w, k);
    added_.clear();
  }
  void save_delta(StateWriter& w) {
    w.u64(added_.size());
    for (const K& k : added_) save_value(w, k);
    added_.clear();
  }
  void load_snapshot(StateReader& r) {
    seen_.clear();
    keys_.reset();
    apply_delta(r);
  }
  void apply_delta(StateReader& r) {
    uint64_t n = r.count();
    for (uint64_t i = 0; i < n; ++i) {
      K key{};
      load_value(r, key, keys_);
      seen_.insert(std::move(key));
    }
    added_.clear();
    batch_added_ = 0;
  }

 private:
  absl::flat_hash_set<K> seen_;
  Arena keys_;
  bool tracking_ = false;
  std::vector<K> added_;  // since the last save
  size_t batch_added_ = 0;
};

// The keys seen so far with the event time (microseconds) at which each may
// be forgotten: Spark's dropDuplicates with the event-time column among the
// keys (expires at that time) and dropDuplicatesWithinWatermark (at the first
// row's time plus the watermark delay). evict(watermark) forgets keys at or
// below it, so the state is bounded by the watermark. Checkpoints: a delta
// is the whole set (it is bounded), as BatchWindow does.
template <class K>
class ExpiringSeenSet {
 public:
  bool insert(const K& key, int64_t expires_us) {
    if (seen_.contains(key)) return false;
    seen_.emplace(own_key(key, keys_), expires_us);
    ++batch_added_;
    high_water_ = std::max(high_water_, seen_.size());
    return true;
  }
  void evict(int64_t watermark_us) {
    if (watermark_us == std::numeric_limits<int64_t>::min()) return;
    absl::erase_if(seen_, [&](const auto& kv) { return kv.second <= watermark_us; });
    // Keys' strings live in the arena: rebuild it once most of it is garbage.
    if (high_water_ >= 64 && seen_.size() * 4 < high_water_) compact();
  }
  size_t size() const { return seen_.size(); }

  // ---- checkpoints and progress
  size_t last_batch_updated() const { return batch_added_; }
  void reset_batch_stats() { batch_added_ = 0; }
  size_t bytes_estimate() const { return seen_.capacity() * (sizeof(K) + 9) + keys_.bytes_reserved(); }
  void track_changes() {}
  void save_snapshot(StateWriter& w) const {
    w.u64(seen_.size());
    for (const auto& [k, t] : seen_) {
      save_value(w, k);
      w.i64(t);
    }
  }
  void save_delta(StateWriter& w) const { save_snapshot(w); }
  void load_snapshot(StateReader& r) {
    seen_.clear();
    keys_.reset();
    uint64_t n = r.count();
    for (uint64_t i = 0; i < n; ++i) {
      K key{};
      load_value(r, key, keys_);
      int64_t t = r.i64();
      seen_.emplace(std::move(key), t);
    }
    high_water_ = seen_.size();
    batch_added_ = 0;
  }
  void apply_delta(StateReader& r) { load_snapshot(r); }

 private:
  void compact() {
    Arena fresh;
    absl::flat_hash_map<K, int64_t> kept;
    kept.reserve(seen_.size());
    for (const auto& [k, t] : seen_) kept.emplace(own_key(k, fresh), t);
    seen_ = std::move(kept);
    keys_ = std::move(fresh);
    high_water_ = seen_.size();
  }

  absl::flat_hash_map<K, int64_t> seen_;
  Arena keys_;
  size_t high_water_ = 0;  // the largest size since the arena was last rebuilt
  size_t batch_added_ = 0;
};

}  // namespace streamc::rt
