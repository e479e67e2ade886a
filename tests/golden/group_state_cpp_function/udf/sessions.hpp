// Spark's StructuredSessionization function written in C++, as it is in
// Scala: it reads and changes Spark's GroupState (streamc/udf.hpp).
#pragma once

#include <streamc/udf.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sessions {

struct Event {
  std::string user;
  streamc::rt::Timestamp ts;
};

struct SessionInfo {
  int64_t events;
  streamc::rt::Timestamp first;
  streamc::rt::Timestamp last;
};

struct SessionUpdate {
  std::string user;
  int64_t events;
  streamc::rt::Duration duration;
  bool expired;
};

/// session_step(user, events, state): the session of `user` after this batch's
/// events, or its last update (expired) when it timed out.
STREAMC_UDF inline SessionUpdate session_step(std::string_view user, const std::vector<Event>& events,
                                              streamc::GroupState<SessionInfo>& state) {
  if (state.has_timed_out()) {
    const SessionInfo& s = state.get();
    SessionUpdate done{std::string(user), s.events, {s.last.micros - s.first.micros}, true};
    state.remove();
    return done;
  }
  SessionInfo s = state.get_option().value_or(SessionInfo{0, events.front().ts, events.front().ts});
  for (const Event& e : events) {
    s.first = std::min(s.first, e.ts);
    s.last = std::max(s.last, e.ts);
  }
  s.events += static_cast<int64_t>(events.size());
  state.update(s);
  state.set_timeout_duration(streamc::rt::Duration{250'000});
  return {std::string(user), s.events, {s.last.micros - s.first.micros}, false};
}

}  // namespace sessions
