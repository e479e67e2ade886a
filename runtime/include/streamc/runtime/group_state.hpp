// The state of map_groups_with_state (Spark's [flat]MapGroupsWithState):
// per key, the user's state value and, optionally, when the key times out.
//
//   GroupStateTable<std::string_view, Session> t;       // kept by the batch function's owner
//   const GroupStateSlot<Session>* s = t.find(user);    // before calling f for a key with rows
//   t.put(user, next_value, next_timeout);              // after the call (no value: removed)
//   for (auto& k : t.timed_out(threshold, called)) …    // then the keys to call with no rows
//   t.end_batch();
//
// Spark's rules, which the generated code and this table follow together:
// the function is called once per key with rows in the batch, then once per
// key whose timeout is strictly before the threshold (the batch's processing
// time, or the watermark for event-time timeouts) and that had no rows in
// this batch. A timeout lasts for one call: a call that sets none leaves the
// key without one. A timeout needs a state (Spark 2.2's limitation, kept):
// removing the state, or never setting one, drops the timeout too.
//
// Checkpoints: a StateTable of slots, so snapshots and deltas are its own.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "streamc/runtime/state.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {

template <class S>
struct GroupStateSlot {
  std::optional<S> value;
  std::optional<Timestamp> timeout;  // the key times out once the threshold passes this

  template <class F>
  void for_each_member(F&& f) {
    f(value);
    f(timeout);
  }
  template <class F>
  void for_each_member(F&& f) const {
    f(value);
    f(timeout);
  }
};

template <class K, class S>
class GroupStateTable {
 public:
  using key_type = K;
  using Slot = GroupStateSlot<S>;

  // The key's state and timeout, or nullptr when it has none.
  const Slot* find(const K& key) const { return table_.find(key); }

  // After a call for `key`: keeps `value` with `timeout`, or forgets the key
  // (and so its timeout) when there is no value.
  void put(const K& key, std::optional<S> value, std::optional<Timestamp> timeout) {
    if (!value) {
      table_.erase(key);
      return;
    }
    Slot& slot = table_.upsert(key);
    slot.value = std::move(value);
    slot.timeout = timeout;
  }

  // The keys whose timeout is before `threshold_us` and for which
  // `called(key)` is false (no rows in this batch), in first-seen order.
  // The keys are views into the table: copy them before calling put.
  template <class Called>
  std::vector<K> timed_out(int64_t threshold_us, Called&& called) const {
    std::vector<K> out;
    table_.for_each([&](const K& key, const Slot& slot) {
      if (slot.timeout && slot.timeout->micros < threshold_us && !called(key)) out.push_back(key);
    });
    return out;
  }

  void end_batch() { table_.end_batch(); }

  size_t size() const { return table_.size(); }
  // Keys whose state the last batch set.
  size_t last_batch_updated() const { return table_.last_batch_updated(); }
  size_t bytes_estimate() const { return table_.bytes_estimate(); }

  // ---- checkpoints (see StateTable)
  void track_changes() { table_.track_changes(); }
  void save_snapshot(StateWriter& w) { table_.save_snapshot(w); }
  void save_delta(StateWriter& w) { table_.save_delta(w); }
  void load_snapshot(StateReader& r) { table_.load_snapshot(r); }
  void apply_delta(StateReader& r) { table_.apply_delta(r); }

 private:
  StateTable<K, Slot> table_;
};

}  // namespace streamc::rt
