// Session windows (Spark's session_window(ts, gap)) for one group: the
// group's sessions, disjoint and ordered by start. An event at t opens
// [t, t + gap); every session it overlaps is merged into one (their
// accumulators merged), so a session ends `gap` after its last event.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace streamc::rt {

template <class A>
struct Session {
  int64_t start = 0;
  int64_t end = 0;
  A acc{};
  bool touched = false;  // changed in this batch (update mode)

  template <class F>
  void for_each_member(F&& f) {
    f(start);
    f(end);
    f(acc);
    f(touched);
  }
  template <class F>
  void for_each_member(F&& f) const {
    f(start);
    f(end);
    f(acc);
    f(touched);
  }
};

template <class A>
struct Sessions {
  std::vector<Session<A>> list;

  // The accumulator of the session an event at `t` belongs to, after merging.
  A& add(int64_t t, int64_t gap) {
    int64_t start = t, end = t + gap;
    size_t first = list.size();
    size_t last = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      if (list[i].start < end && list[i].end > start) {
        first = std::min(first, i);
        last = i;
      }
    }
    if (first == list.size()) {
      auto at = std::find_if(list.begin(), list.end(), [&](const Session<A>& s) { return s.start > start; });
      at = list.insert(at, Session<A>{start, end, A{}, true});
      return at->acc;
    }
    Session<A>& into = list[first];
    into.start = std::min(into.start, start);
    into.end = std::max(into.end, end);
    for (size_t i = first + 1; i <= last; ++i) {
      into.end = std::max(into.end, list[i].end);
      into.acc.merge(list[i].acc);
    }
    list.erase(list.begin() + static_cast<std::ptrdiff_t>(first) + 1, list.begin() + static_cast<std::ptrdiff_t>(last) + 1);
    into.touched = true;
    return into.acc;
  }

  template <class F>
  void for_each_member(F&& f) {
    f(list);
  }
  template <class F>
  void for_each_member(F&& f) const {
    f(list);
  }
};

}  // namespace streamc::rt
