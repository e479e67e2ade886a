// One side of a stream-stream join: the rows seen so far, indexed by join
// key, each with its event time and whether it has matched a row of the other
// side (Spark's StreamingSymmetricHashJoinExec keeps the same per side).
//
//   JoinBuffer<std::string_view, Imp> left;                   // kept across batches
//   left.for_each_match(key, [&](uint32_t i, const Imp& r, int64_t t) { … });
//   uint32_t i = left.add(key, row, time);                    // strings copied in
//   left.mark_matched(i);
//   left.evict(limit, [&](const Imp& r, bool matched) { … });  // rows with time <= limit
//
// Rows of one key are visited in arrival order, and evicted rows are handed
// to `evict`'s callback in arrival order, so output is the same on every run.
// Evicted rows' strings stay in the buffer's arena until more than half the
// rows are dead; then the buffer compacts into a fresh arena.
//
// Checkpoints (serialize.hpp): every row has a sequence number that never
// changes. A snapshot is every live row; after track_changes(), a delta is
// the sequence numbers removed since the last save, then every row added or
// newly matched since then. Loading a snapshot and its deltas in turn
// rebuilds the same rows in the same order.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "streamc/runtime/arena.hpp"
#include "streamc/runtime/serialize.hpp"

namespace streamc::rt {

// Copies every string `v` refers to into `arena`, in place: scalars,
// string_views, optionals, vectors, tuples and generated records.
template <class T>
void own_in_place(T& v, Arena& arena) {
  using namespace serialize_detail;
  if constexpr (std::is_same_v<T, std::string_view>) {
    v = arena.copy(v);
  } else if constexpr (IsOptional<T>::value) {
    if (v) own_in_place(*v, arena);
  } else if constexpr (IsVector<T>::value) {
    for (auto& x : v) own_in_place(x, arena);
  } else if constexpr (IsTuple<T>::value) {
    std::apply([&](auto&... xs) { (own_in_place(xs, arena), ...); }, v);
  } else if constexpr (requires { v.for_each_field_mut(serialize_detail::AnyFieldVisitor{}); }) {
    v.for_each_field_mut([&](std::string_view, auto& f) { own_in_place(f, arena); });
  }
}

template <class K, class Row>
class JoinBuffer {
 public:
  using key_type = K;
  using row_type = Row;

  // Buffers `row` under `key` with its event time; returns its index, valid
  // until the next evict.
  uint32_t add(const K& key, const Row& row, int64_t time, bool matched = false) {
    Entry e{key, row, time, next_seq_++, matched, true};
    own_in_place(e.key, arena_);
    own_in_place(e.row, arena_);
    auto i = static_cast<uint32_t>(entries_.size());
    by_key_[e.key].push_back(i);
    entries_.push_back(std::move(e));
    ++live_;
    ++batch_added_;
    if (tracking_) dirty_.push_back(entries_.back().seq);
    return i;
  }

  // f(index, row, time) for every buffered row of `key`, in arrival order.
  template <class F>
  void for_each_match(const K& key, F&& f) const {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return;
    for (uint32_t i : it->second) f(i, entries_[i].row, entries_[i].time);
  }

  void mark_matched(uint32_t index) {
    Entry& e = entries_[index];
    if (e.matched) return;
    e.matched = true;
    if (tracking_) dirty_.push_back(e.seq);
  }
  bool matched(uint32_t index) const { return entries_[index].matched; }

  // Removes every row whose event time is at or below `limit` (it can match
  // nothing that is still to come), handing each to f(row, matched) first.
  template <class F>
  void evict(int64_t limit, F&& f) {
    bool any = false;
    for (uint32_t i = 0; i < entries_.size(); ++i) {
      Entry& e = entries_[i];
      if (!e.live || e.time > limit) continue;
      f(static_cast<const Row&>(e.row), e.matched);
      remove(i);
      any = true;
    }
    if (any && dead_ > 1024 && dead_ * 2 > entries_.size()) compact();
  }

  size_t size() const { return live_; }

  // ---- progress and checkpoints
  size_t last_batch_updated() const { return batch_added_; }
  void reset_batch_stats() { batch_added_ = 0; }
  size_t bytes_estimate() const {
    return entries_.capacity() * sizeof(Entry) + by_key_.capacity() * (sizeof(K) + sizeof(std::vector<uint32_t>) + 1) +
           live_ * sizeof(uint32_t) + arena_.bytes_reserved();
  }
  void track_changes() { tracking_ = true; }

  void save_snapshot(StateWriter& w) {
    w.u64(next_seq_);
    w.u64(live_);
    for (const Entry& e : entries_)
      if (e.live) save_entry(w, e);
    clear_changes();
  }

  void save_delta(StateWriter& w) {
    w.u64(next_seq_);
    w.u64(removed_.size());
    for (uint64_t s : removed_) w.u64(s);
    std::sort(dirty_.begin(), dirty_.end());
    dirty_.erase(std::unique(dirty_.begin(), dirty_.end()), dirty_.end());
    std::vector<const Entry*> changed;
    for (uint64_t s : dirty_)
      if (const Entry* e = find_seq(s); e && e->live) changed.push_back(e);
    w.u64(changed.size());
    for (const Entry* e : changed) save_entry(w, *e);
    clear_changes();
  }

  void load_snapshot(StateReader& r) {
    entries_.clear();
    by_key_.clear();
    arena_.reset();
    live_ = dead_ = 0;
    apply_delta_entries(r, r.u64(), false);
  }

  void apply_delta(StateReader& r) {
    uint64_t next = r.u64();
    uint64_t removed = r.count();
    for (uint64_t k = 0; k < removed; ++k) {
      uint64_t s = r.u64();
      if (Entry* e = find_seq(s); e && e->live) remove(static_cast<uint32_t>(e - entries_.data()));
    }
    apply_delta_entries(r, next, true);
  }

 private:
  struct Entry {
    K key;
    Row row;
    int64_t time;
    uint64_t seq;
    bool matched;
    bool live;
  };

  static void save_entry(StateWriter& w, const Entry& e) {
    w.u64(e.seq);
    w.i64(e.time);
    w.u8(e.matched ? 1 : 0);
    save_value(w, e.key);
    save_value(w, e.row);
  }

  // Reads `count` entries: new ones are appended (their sequence numbers are
  // above every buffered row's), known ones take the saved matched flag.
  void apply_delta_entries(StateReader& r, uint64_t next_seq, bool updates) {
    uint64_t n = r.count();
    for (uint64_t k = 0; k < n; ++k) {
      uint64_t seq = r.u64();
      int64_t time = r.i64();
      bool matched = r.u8() != 0;
      if (updates) {
        if (Entry* e = find_seq(seq)) {
          Arena scratch;
          K key{};
          Row row{};
          load_value(r, key, scratch);
          load_value(r, row, scratch);
          if (e->live) e->matched = matched;
          continue;
        }
      }
      if (!entries_.empty() && seq <= entries_.back().seq) throw StateFormatError("join rows out of order");
      Entry e{K{}, Row{}, time, seq, matched, true};
      load_value(r, e.key, arena_);
      load_value(r, e.row, arena_);
      by_key_[e.key].push_back(static_cast<uint32_t>(entries_.size()));
      entries_.push_back(std::move(e));
      ++live_;
    }
    if (next_seq < (entries_.empty() ? 0 : entries_.back().seq + 1)) throw StateFormatError("join sequence goes back");
    next_seq_ = next_seq;
    clear_changes();
    batch_added_ = 0;
  }

  Entry* find_seq(uint64_t seq) {
    auto it = std::lower_bound(entries_.begin(), entries_.end(), seq,
                               [](const Entry& e, uint64_t s) { return e.seq < s; });
    return it != entries_.end() && it->seq == seq ? &*it : nullptr;
  }

  void remove(uint32_t i) {
    Entry& e = entries_[i];
    auto it = by_key_.find(e.key);
    if (it != by_key_.end()) {
      std::erase(it->second, i);
      if (it->second.empty()) by_key_.erase(it);
    }
    e.live = false;
    --live_;
    ++dead_;
    if (tracking_) removed_.push_back(e.seq);
  }

  void compact() {
    std::vector<Entry> kept;
    kept.reserve(live_);
    Arena arena;
    by_key_.clear();
    for (Entry& e : entries_) {
      if (!e.live) continue;
      own_in_place(e.key, arena);
      own_in_place(e.row, arena);
      by_key_[e.key].push_back(static_cast<uint32_t>(kept.size()));
      kept.push_back(std::move(e));
    }
    entries_ = std::move(kept);
    arena_ = std::move(arena);
    dead_ = 0;
  }

  void clear_changes() {
    dirty_.clear();
    removed_.clear();
  }

  std::vector<Entry> entries_;  // in arrival (sequence) order, dead ones until compaction
  absl::flat_hash_map<K, std::vector<uint32_t>> by_key_;
  Arena arena_;
  uint64_t next_seq_ = 0;
  size_t live_ = 0;
  size_t dead_ = 0;
  size_t batch_added_ = 0;
  bool tracking_ = false;
  std::vector<uint64_t> dirty_;    // sequence numbers added or matched since the last save
  std::vector<uint64_t> removed_;  // sequence numbers removed since the last save
};

}  // namespace streamc::rt
