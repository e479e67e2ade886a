// DStream windows over batches: `window(size, slide)` keeps the elements of
// the last size/batch batches, each batch's copy in its own slot with its
// own arena (so strings outlive the batch that read them), and every
// slide/batch batches yields their concatenation. Between slides a windowed
// stream produces nothing, as in Spark (its output operations skip those
// batches). Checkpoints save the whole window (it is bounded) every batch.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "streamc/runtime/format.hpp"
#include "streamc/runtime/values.hpp"

#include "streamc/runtime/arena.hpp"
#include "streamc/runtime/keyed_table.hpp"
#include "streamc/runtime/serialize.hpp"

namespace streamc::rt {

// DStream windows are durations, as in Spark: at start, how many batches of
// this run's interval `duration_us` covers. `what` names the window for the
// error ("the size of count_by_window(3s, 1s) at app.sdl:4:20"): an interval
// that does not divide it stops the binary, as Spark's "windowDuration must
// be a multiple of the slide duration of parent DStream" does.
inline int64_t window_batches(int64_t duration_us, int64_t batch_us, std::string_view what) {
  if (batch_us > 0 && duration_us % batch_us == 0 && duration_us >= batch_us) return duration_us / batch_us;
  std::string d, b;
  append_duration(d, Duration{duration_us});
  append_duration(b, Duration{batch_us});
  throw FatalError(std::string(what) + " (" + d + ") is not a multiple of the batch interval (" + b +
                   "); run with a --batch that divides it");
}

template <class T>
class BatchWindow {
 public:
  BatchWindow(int64_t size_batches, int64_t slide_batches)
      : slots_(static_cast<size_t>(size_batches)), arenas_(static_cast<size_t>(size_batches)), slide_(slide_batches) {}

  // Adds this batch's elements (copied, strings included) and returns
  // whether the window slides at this batch.
  template <class Elements>
  bool add(const Elements& elements) {
    size_t slot = static_cast<size_t>(batches_ % static_cast<int64_t>(slots_.size()));
    slots_[slot].clear();
    arenas_[slot].reset();
    for (const auto& e : elements) slots_[slot].push_back(own_key(e, arenas_[slot]));
    ++batches_;
    return batches_ % slide_ == 0;
  }

  // The window's elements, oldest batch first.
  template <class F>
  void for_each(F&& f) const {
    size_t n = slots_.size();
    size_t filled = batches_ < static_cast<int64_t>(n) ? static_cast<size_t>(batches_) : n;
    size_t first = static_cast<size_t>(batches_ % static_cast<int64_t>(n));
    if (filled < n) first = 0;
    for (size_t k = 0; k < filled; ++k)
      for (const auto& e : slots_[(first + k) % n]) f(e);
  }

 // ---- checkpoints and progress
  void track_changes() {}
  size_t size() const {
    size_t n = 0;
    for (const auto& s : slots_) n += s.size();
    return n;
  }
  size_t last_batch_updated() const {
    if (batches_ == 0) return 0;
    return slots_[static_cast<size_t>((batches_ - 1) % static_cast<int64_t>(slots_.size()))].size();
  }
  size_t bytes_estimate() const {
    size_t n = 0;
    for (const auto& s : slots_) n += s.capacity() * sizeof(T);
    for (const auto& a : arenas_) n += a.bytes_reserved();
    return n;
  }
  void save_snapshot(StateWriter& w) const {
    w.i64(batches_);
    w.u64(slots_.size());
    for (const auto& s : slots_) save_value(w, s);
  }
  void save_delta(StateWriter& w) const { save_snapshot(w); }
  void load_snapshot(StateReader& r) {
    batches_ = r.i64();
    if (r.u64() != slots_.size()) throw StateFormatError("the window has another number of batches");
    for (size_t i = 0; i < slots_.size(); ++i) {
      arenas_[i].reset();
      load_value(r, slots_[i], arenas_[i]);
    }
  }
  void apply_delta(StateReader& r) { load_snapshot(r); }

 private:
  std::vector<std::vector<T>> slots_;
  std::vector<Arena> arenas_;
  int64_t slide_;
  int64_t batches_ = 0;
};

}  // namespace streamc::rt
