// What every CheckpointStore does (checkpoint/checkpoint_store.hpp), as a
// check run against each store with a function that opens it anew.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint/checkpoint_store.hpp"

namespace streamc::rt::testing {

inline void check_store_contract(const std::function<std::unique_ptr<CheckpointStore>()>& open_store) {
  using V = std::vector<int64_t>;
  const std::string meta = encode_checkpoint_file("metadata", "version 1\n");
  const std::string big = encode_checkpoint_file("snapshot", std::string(200'000, '\x01') + std::string("\0\n", 2));
  {
    auto s = open_store();
    s->open();
    EXPECT_FALSE(s->read("metadata"));
    EXPECT_EQ(s->list("offsets"), V{});
    EXPECT_EQ(s->list("state/a#0/0", ".delta"), V{});
    s->write("metadata", meta);
    for (int b = 0; b < 12; ++b) s->write("offsets/" + std::to_string(b), encode_checkpoint_file("offsets", std::to_string(b)));
    s->write("commits/0", encode_checkpoint_file("commit", "batch 0\n"));
    s->write("state/a#0/0/1.delta", encode_checkpoint_file("delta", "one"));
    s->write("state/a#0/0/2.delta", encode_checkpoint_file("delta", "two"));
    s->write("state/a#0/0/2.snapshot", big);
    s->write("sources/in/9.compact", encode_checkpoint_file("source-log", "a\n"));
    s->write("sources/in/10", encode_checkpoint_file("source-log", "b\n"));
    s->remove("offsets/3");
    s->remove("offsets/99");  // nothing there: nothing happens
    s->write("state/a#0/0/1.delta", encode_checkpoint_file("delta", "one again"));  // replaces
    EXPECT_EQ(s->read("metadata"), meta);
    EXPECT_EQ(s->list("offsets"), (V{0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11}));
    EXPECT_EQ(s->list("state/a#0/0", ".delta"), (V{1, 2}));
    EXPECT_EQ(s->list("state/a#0/0", ".snapshot"), V{2});
    EXPECT_EQ(s->list("sources/in"), V{10});
    EXPECT_EQ(s->list("sources/in", ".compact"), V{9});
  }
  // Reopened: the same files.
  auto s = open_store();
  s->open();
  EXPECT_EQ(s->read("metadata"), meta);
  EXPECT_EQ(s->read("state/a#0/0/2.snapshot"), big);
  EXPECT_EQ(decode_checkpoint_file(*s->read("state/a#0/0/1.delta"), "delta", "d"), "one again");
  EXPECT_EQ(s->list("offsets"), (V{0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_FALSE(s->read("offsets/3"));
  EXPECT_EQ(s->list("commits"), V{0});
  s->remove("state/a#0/0/2.delta");
  s->write("offsets/3", encode_checkpoint_file("offsets", "3 again"));
  auto again = open_store();
  again->open();
  EXPECT_EQ(again->list("state/a#0/0", ".delta"), V{1});
  EXPECT_EQ(decode_checkpoint_file(*again->read("offsets/3"), "offsets", "o"), "3 again");
}

}  // namespace streamc::rt::testing
