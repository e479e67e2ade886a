// `reduce_by_key_and_window(f, size, slide, inverse)`: Spark's incremental
// DStream window. Each batch's per-key partial results are kept for the
// window's batches, and a running total per key is updated as batches enter
// (combined in with f) and leave (taken out with the inverse), so a slide
// costs the keys of two batches instead of the whole window.
//
// A key whose last batch has left the window is removed, so the result
// equals the one without an inverse (Spark keeps such keys with their
// "zero" value unless a filter function drops them).
#pragma once

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

#include "streamc/runtime/arena.hpp"
#include "streamc/runtime/keyed_table.hpp"
#include "streamc/runtime/serialize.hpp"

namespace streamc::rt {

template <class K, class V>
class IncrementalWindow {
 public:
  IncrementalWindow(int64_t size_batches, int64_t slide_batches)
      : slots_(static_cast<size_t>(size_batches)), arenas_(static_cast<size_t>(size_batches)), slide_(slide_batches) {}

  // Adds this batch's (key, value) partials (one per key) and returns
  // whether the window slides at this batch. The batch that falls out of the
  // window is taken out of the totals first.
  template <class Pairs, class Combine, class Inverse>
  bool add(const Pairs& pairs, Combine&& combine, Inverse&& inverse) {
    size_t slot = static_cast<size_t>(batches_ % static_cast<int64_t>(slots_.size()));
    for (const auto& [key, value] : slots_[slot]) {
      auto it = totals_.find(key);
      if (it == totals_.end()) continue;  // cannot happen: every slot entry was added to the totals
      if (--it->second.batches == 0) {
        totals_.erase(it);
      } else {
        it->second.value = own_key(inverse(it->second.value, value), totals_arena_);
      }
    }
    slots_[slot].clear();
    arenas_[slot].reset();
    for (const auto& p : pairs) {
      const K& key = std::get<0>(p);
      const V& value = std::get<1>(p);
      slots_[slot].emplace_back(own_key(key, arenas_[slot]), own_key(value, arenas_[slot]));
      auto it = totals_.find(key);
      if (it == totals_.end()) {
        totals_.emplace(own_key(key, totals_arena_), Total{own_key(value, totals_arena_), 1, next_order_++});
      } else {
        it->second.value = own_key(combine(it->second.value, value), totals_arena_);
        ++it->second.batches;
      }
    }
    updated_ = slots_[slot].size();
    ++batches_;
    // Replaced totals leave dead bytes behind: once per window length, the
    // live keys and values move to a fresh arena.
    if (batches_ % static_cast<int64_t>(slots_.size()) == 0) compact();
    return batches_ % slide_ == 0;
  }

  // The window's (key, total) pairs, keys in the order they entered the
  // window (the same in every run over the same input, restarts included).
  template <class F>
  void for_each(F&& f) const {
    std::vector<const typename Map::value_type*> in_order;
    in_order.reserve(totals_.size());
    for (const auto& e : totals_) in_order.push_back(&e);
    std::sort(in_order.begin(), in_order.end(), [](auto* a, auto* b) { return a->second.order < b->second.order; });
    for (const auto* e : in_order) f(std::tuple<K, V>(e->first, e->second.value));
  }

  // ---- checkpoints and progress
  void track_changes() {}
  size_t size() const { return totals_.size(); }
  size_t last_batch_updated() const { return updated_; }
  size_t bytes_estimate() const {
    size_t n = totals_.capacity() * (sizeof(K) + sizeof(Total)) + totals_arena_.bytes_reserved();
    for (const auto& s : slots_) n += s.capacity() * sizeof(std::pair<K, V>);
    for (const auto& a : arenas_) n += a.bytes_reserved();
    return n;
  }
  void save_snapshot(StateWriter& w) const {
    w.i64(batches_);
    w.u64(slots_.size());
    for (const auto& s : slots_) {
      w.u64(s.size());
      for (const auto& [k, v] : s) {
        save_value(w, k);
        save_value(w, v);
      }
    }
    w.u64(next_order_);
    w.u64(totals_.size());
    for (const auto& [k, t] : totals_) {
      save_value(w, k);
      save_value(w, t.value);
      w.i64(t.batches);
      w.u64(t.order);
    }
  }
  // The window is bounded: every batch saves all of it, as BatchWindow does.
  void save_delta(StateWriter& w) const { save_snapshot(w); }
  void load_snapshot(StateReader& r) {
    batches_ = r.i64();
    if (r.u64() != slots_.size()) throw StateFormatError("the window has another number of batches");
    for (size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].clear();
      arenas_[i].reset();
      for (uint64_t n = r.u64(); n > 0; --n) {
        K k{};
        V v{};
        load_value(r, k, arenas_[i]);
        load_value(r, v, arenas_[i]);
        slots_[i].emplace_back(std::move(k), std::move(v));
      }
    }
    totals_.clear();
    totals_arena_.reset();
    next_order_ = r.u64();
    for (uint64_t n = r.u64(); n > 0; --n) {
      K k{};
      Total t{};
      load_value(r, k, totals_arena_);
      load_value(r, t.value, totals_arena_);
      t.batches = r.i64();
      t.order = r.u64();
      totals_.emplace(std::move(k), std::move(t));
    }
  }
  void apply_delta(StateReader& r) { load_snapshot(r); }

 private:
  struct Total {
    V value{};
    int64_t batches = 0;  // how many of the window's batches have this key
    uint64_t order = 0;   // when the key entered the window
  };
  using Map = absl::flat_hash_map<K, Total>;

  void compact() {
    Arena fresh;
    Map moved;
    moved.reserve(totals_.size());
    for (const auto& [k, t] : totals_) moved.emplace(own_key(k, fresh), Total{own_key(t.value, fresh), t.batches, t.order});
    totals_ = std::move(moved);
    totals_arena_ = std::move(fresh);
  }

  std::vector<std::vector<std::pair<K, V>>> slots_;
  std::vector<Arena> arenas_;
  Map totals_;
  Arena totals_arena_;
  uint64_t next_order_ = 0;
  int64_t slide_;
  int64_t batches_ = 0;
  size_t updated_ = 0;
};

}  // namespace streamc::rt
