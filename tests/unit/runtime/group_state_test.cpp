#include "streamc/runtime/group_state.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>

namespace streamc::rt {
namespace {

// A state as the code generator declares records: (events, first seen).
struct Session {
  int64_t events{};
  Timestamp first{};
  template <class F>
  void for_each_field(F&& f) const {
    f(std::string_view("events"), events);
    f(std::string_view("first"), first);
  }
  template <class F>
  void for_each_field_mut(F&& f) {
    f(std::string_view("events"), events);
    f(std::string_view("first"), first);
  }
};

using Table = GroupStateTable<std::string_view, Session>;
using Rows = std::vector<std::tuple<std::string, int64_t, int64_t>>;  // key, events, timeout (-1: none)

Rows all(Table& t, std::vector<std::string> keys) {
  Rows r;
  for (const auto& k : keys)
    if (const auto* s = t.find(k)) r.emplace_back(k, s->value->events, s->timeout ? s->timeout->micros : -1);
  return r;
}

auto none = [](std::string_view) { return false; };

TEST(GroupStateTable, PutKeepsValueAndTimeoutAndNoValueRemoves) {
  Table t;
  t.put("ann", Session{1, Timestamp{10}}, Timestamp{100});
  t.put("bob", Session{2, Timestamp{20}}, std::nullopt);
  EXPECT_EQ(all(t, {"ann", "bob"}), (Rows{{"ann", 1, 100}, {"bob", 2, -1}}));
  t.put("ann", std::nullopt, Timestamp{500});  // removed: the timeout goes with it
  EXPECT_EQ(t.find("ann"), nullptr);
  EXPECT_EQ(t.size(), 1u);
  t.end_batch();
  EXPECT_EQ(t.last_batch_updated(), 2u);  // the keys set in the batch
}

TEST(GroupStateTable, TimedOutIsStrictlyBeforeTheThresholdAndSkipsKeysCalledWithRows) {
  Table t;
  t.put("a", Session{1, {}}, Timestamp{100});
  t.put("b", Session{1, {}}, Timestamp{99});
  t.put("c", Session{1, {}}, std::nullopt);
  t.put("d", Session{1, {}}, Timestamp{50});
  EXPECT_EQ(t.timed_out(100, none), (std::vector<std::string_view>{"b", "d"}));
  EXPECT_EQ(t.timed_out(101, none), (std::vector<std::string_view>{"a", "b", "d"}));
  auto called_b = [](std::string_view k) { return k == "b"; };
  EXPECT_EQ(t.timed_out(101, called_b), (std::vector<std::string_view>{"a", "d"}));
  EXPECT_TRUE(t.timed_out(50, none).empty());
}

TEST(GroupStateTable, SnapshotAndDeltasRestoreValuesTimeoutsAndRemovals) {
  Table t;
  t.track_changes();
  t.put("ann", Session{1, Timestamp{10}}, Timestamp{100});
  t.put("bob", Session{2, Timestamp{20}}, std::nullopt);
  t.end_batch();
  std::string snapshot;
  {
    StateWriter w(snapshot);
    t.save_snapshot(w);
  }
  t.put("ann", Session{3, Timestamp{10}}, Timestamp{300});
  t.put("bob", std::nullopt, std::nullopt);
  t.put("cat", Session{1, Timestamp{30}}, Timestamp{130});
  t.end_batch();
  std::string delta;
  {
    StateWriter w(delta);
    t.save_delta(w);
  }

  Table back;
  StateReader rs(snapshot);
  back.load_snapshot(rs);
  EXPECT_EQ(all(back, {"ann", "bob", "cat"}), (Rows{{"ann", 1, 100}, {"bob", 2, -1}}));
  StateReader rd(delta);
  back.apply_delta(rd);
  EXPECT_EQ(all(back, {"ann", "bob", "cat"}), (Rows{{"ann", 3, 300}, {"cat", 1, 130}}));
  EXPECT_EQ(back.size(), 2u);
  EXPECT_EQ(back.timed_out(200, none), (std::vector<std::string_view>{"cat"}));
}

TEST(GroupStateTable, DamagedCheckpointIsAnError) {
  Table t;
  t.put("ann", Session{1, Timestamp{10}}, Timestamp{100});
  std::string snapshot;
  {
    StateWriter w(snapshot);
    t.save_snapshot(w);
  }
  snapshot.resize(snapshot.size() - 2);
  Table back;
  StateReader r(snapshot);
  EXPECT_THROW(back.load_snapshot(r), StateFormatError);
}

}  // namespace
}  // namespace streamc::rt
