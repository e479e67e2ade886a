// Running state across batches (Structured Streaming's result table): one
// state slot per key, kept in first-seen order so output is the same on
// every run. Complete mode prints every entry (for_each), update mode only
// the keys touched in this batch (for_each_updated), both in first-seen
// order; end_batch() then clears the marks.
//
//   StateTable<std::string_view, Counts> t;              // kept by the batch function's owner
//   for (...) t.upsert(word).n.add();                     // per record
//   t.for_each_updated([&](auto& k, auto& s) { ... });   // emit
//   t.end_batch();
//
// String parts of keys are copied into the table's own arena when a key is
// first seen (own_key, keyed_table.hpp), so keys outlive the batch. States
// own their values (aggregates.hpp). References returned by upsert/find are
// valid until the next upsert, erase or end_batch.
//
// Checkpoints (serialize.hpp): save_snapshot writes every live entry in
// first-seen order; after track_changes(), save_delta writes what changed
// since the last save (erased keys, then upserted entries in first-seen
// order), so loading a snapshot and applying its deltas in turn rebuilds the
// same entries in the same order.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "streamc/runtime/arena.hpp"
#include "streamc/runtime/keyed_table.hpp"
#include "streamc/runtime/serialize.hpp"

namespace streamc::rt {

template <class K, class S>
class StateTable {
 public:
  using key_type = K;
  using state_type = S;
  StateTable() = default;
  StateTable(StateTable&&) = default;
  StateTable& operator=(StateTable&&) = default;

  // The state of `key`, created with S{} on first sight; marks the key
  // updated in this batch.
  S& upsert(const K& key) {
    auto it = index_.find(key);
    uint32_t i;
    if (it == index_.end()) {
      i = static_cast<uint32_t>(entries_.size());
      K stored = own_key(key, keys_);
      index_.emplace(stored, i);
      entries_.push_back(Entry{std::move(stored), S{}, true, false, false});
    } else {
      i = it->second;
    }
    Entry& e = entries_[i];
    if (!e.updated) {
      e.updated = true;
      if (!updated_.empty() && updated_.back() > i) updated_sorted_ = false;
      updated_.push_back(i);
      if (tracking_ && !e.dirty) {
        e.dirty = true;
        dirty_.push_back(i);
      }
    }
    return e.state;
  }

  // The state of `key`, or nullptr; does not mark it updated.
  S* find(const K& key) {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second].state;
  }
  const S* find(const K& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &entries_[it->second].state;
  }

  // Removes `key` (watermark eviction); returns whether it was there. A key
  // seen again later counts as new (it goes to the end of the order).
  bool erase(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return false;
    Entry& e = entries_[it->second];
    if (tracking_) {
      StateWriter w(erased_);
      save_value(w, e.key);
      ++erased_count_;
      dirty_erased_ += e.dirty;
    }
    index_.erase(it);
    e.live = false;
    e.state = S{};
    ++dead_;
    return true;
  }

  // f(const K&, const S&) for every entry, in first-seen order.
  template <class F>
  void for_each(F&& f) const {
    for (const Entry& e : entries_)
      if (e.live) f(e.key, e.state);
  }

  // f(const K&, const S&) for the entries upserted since the last
  // end_batch, in first-seen order.
  template <class F>
  void for_each_updated(F&& f) const {
    if (!updated_sorted_) {
      std::sort(updated_.begin(), updated_.end());
      updated_sorted_ = true;
    }
    for (uint32_t i : updated_) {
      const Entry& e = entries_[i];
      if (e.live) f(e.key, e.state);
    }
  }

  // Clears the updated marks; compacts away erased entries once they are
  // half the table.
  void end_batch() {
    last_updated_ = updated_.size();
    for (uint32_t i : updated_) entries_[i].updated = false;
    updated_.clear();
    updated_sorted_ = true;
    if (dead_ > 1024 && dead_ * 2 > entries_.size()) compact();
  }

  size_t size() const { return entries_.size() - dead_; }
  size_t updated_size() const { return updated_.size(); }
  // The keys the last batch upserted (read after end_batch).
  size_t last_batch_updated() const { return last_updated_; }

  // ---- checkpoints
  void track_changes() { tracking_ = true; }

  void save_snapshot(StateWriter& w) {
    w.u64(size());
    for (const Entry& e : entries_) {
      if (!e.live) continue;
      save_value(w, e.key);
      save_value(w, e.state);
    }
    clear_changes();
  }

  void save_delta(StateWriter& w) {
    w.u64(erased_count_);
    w.raw(erased_);
    w.u64(dirty_.size() - dirty_erased_);
    // The changed entries in first-seen order: when they are many, one
    // pass over the flags (sequential, no sort); else the sorted list.
    auto put = [&](Entry& e) {
      if (e.live) {
        save_value(w, e.key);
        save_value(w, e.state);
      }
      e.dirty = false;
    };
    if (dirty_.size() * 8 >= entries_.size()) {
      for (Entry& e : entries_)
        if (e.dirty) put(e);
    } else {
      if (!std::is_sorted(dirty_.begin(), dirty_.end())) std::sort(dirty_.begin(), dirty_.end());
      for (uint32_t i : dirty_) put(entries_[i]);
    }
    forget_changes();
  }

  void load_snapshot(StateReader& r) {
    index_.clear();
    entries_.clear();
    updated_.clear();
    keys_.reset();
    dead_ = 0;
    uint64_t n = r.count();
    entries_.reserve(n);
    index_.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      K key{};
      load_value(r, key, keys_);
      S state{};
      load_value(r, state, keys_);
      if (!index_.emplace(key, static_cast<uint32_t>(entries_.size())).second)
        throw StateFormatError("a key appears twice");
      entries_.push_back(Entry{std::move(key), std::move(state), true, false, false});
    }
    clear_changes();
  }

  void apply_delta(StateReader& r) {
    Arena scratch;
    uint64_t erased = r.count();
    for (uint64_t i = 0; i < erased; ++i) {
      K key{};
      load_value(r, key, scratch);
      erase(key);
    }
    uint64_t n = r.count();
    for (uint64_t i = 0; i < n; ++i) {
      K key{};
      load_value(r, key, scratch);
      S state{};
      load_value(r, state, keys_);
      auto it = index_.find(key);
      if (it == index_.end()) {
        K stored = own_key(key, keys_);
        index_.emplace(stored, static_cast<uint32_t>(entries_.size()));
        entries_.push_back(Entry{std::move(stored), std::move(state), true, false, false});
      } else {
        entries_[it->second].state = std::move(state);
      }
    }
    clear_changes();
  }

  // Approximate memory held: entries, index and key bytes (not what states
  // allocate on their own, e.g. a CountDistinct's set).
  size_t bytes_estimate() const {
    return entries_.capacity() * sizeof(Entry) + index_.capacity() * (sizeof(K) + sizeof(uint32_t) + 1) +
           keys_.bytes_reserved() + updated_.capacity() * sizeof(uint32_t);
  }

 private:
  struct Entry {
    K key;
    S state;
    bool live;
    bool updated;
    bool dirty;  // upserted since the last checkpoint save (tracking only)
  };

  void clear_changes() {
    for (uint32_t i : dirty_) entries_[i].dirty = false;
    forget_changes();
  }
  // The lists only (the dirty flags are already clear).
  void forget_changes() {
    dirty_.clear();
    dirty_erased_ = 0;
    erased_.clear();
    erased_count_ = 0;
  }

  void compact() {
    std::vector<Entry> kept;
    kept.reserve(entries_.size() - dead_);
    Arena keys;
    index_.clear();
    for (Entry& e : entries_) {
      if (!e.live) continue;
      K stored = own_key(e.key, keys);
      index_.emplace(stored, static_cast<uint32_t>(kept.size()));
      kept.push_back(Entry{std::move(stored), std::move(e.state), true, false, e.dirty});
    }
    entries_ = std::move(kept);
    if (tracking_) {
      dirty_.clear();
      dirty_erased_ = 0;  // erased entries are gone from the table now
      for (uint32_t i = 0; i < entries_.size(); ++i)
        if (entries_[i].dirty) dirty_.push_back(i);
    }
    keys_ = std::move(keys);
    dead_ = 0;
  }

  absl::flat_hash_map<K, uint32_t> index_;
  std::vector<Entry> entries_;
  mutable std::vector<uint32_t> updated_;
  mutable bool updated_sorted_ = true;
  Arena keys_;
  size_t dead_ = 0;
  size_t last_updated_ = 0;
  bool tracking_ = false;
  std::vector<uint32_t> dirty_;  // entries upserted since the last save
  size_t dirty_erased_ = 0;      // of those, erased since (still listed, not live)
  std::string erased_;           // keys erased since the last save, encoded
  uint64_t erased_count_ = 0;
};

}  // namespace streamc::rt
