#include "io/socket_source.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include "test_server.hpp"

namespace streamc::rt {
namespace {

using Lines = std::vector<std::string>;
using std::chrono::milliseconds;
using testing::TestServer;

// Polls the source like the batch loop does, collecting lines as strings.
struct Collector {
  Lines lines;
  bool finished = false;
  void poll_once(SocketSource& s) {
    std::vector<std::shared_ptr<const void>> buffers;
    std::vector<std::string_view> records;
    finished = s.poll(SourceIntake{records, buffers});
    for (auto r : records) lines.emplace_back(r);
  }
  // Polls until `done()` or two seconds pass.
  template <class Done>
  bool poll_until(SocketSource& s, Done done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (;;) {
      poll_once(s);
      if (done()) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(milliseconds(2));
    }
  }
};

struct Notices {
  std::mutex mu;
  std::vector<std::string> lines;
  SocketSettings settings() {
    SocketSettings s;
    s.backoff_initial_ms = 10;
    s.backoff_max_ms = 50;
    s.connect_deadline_ms = 300;
    s.notice = [this](const std::string& line) {
      std::lock_guard lock(mu);
      lines.push_back(line);
    };
    return s;
  }
  std::vector<std::string> get() {
    std::lock_guard lock(mu);
    return lines;
  }
};

TEST(SocketSource, LinesAcrossPacketBoundaries) {
  TestServer server;
  Notices notices;
  SocketSource src("lines", "127.0.0.1", server.port(), {}, notices.settings());
  src.start(RunMode::Continuous);
  ASSERT_TRUE(server.accept_client());
  Collector c;
  server.send("hel");
  server.send("lo wor");
  // Nothing until a line is complete.
  for (int i = 0; i < 5; ++i) {
    c.poll_once(src);
    std::this_thread::sleep_for(milliseconds(2));
  }
  EXPECT_TRUE(c.lines.empty());
  server.send("ld\r\nsecond\n\nthi");
  server.send("rd\n");
  ASSERT_TRUE(c.poll_until(src, [&] { return c.lines.size() >= 4; }));
  EXPECT_EQ(c.lines, (Lines{"hello world", "second", "", "third"}));
  EXPECT_FALSE(c.finished);
  EXPECT_TRUE(notices.get().empty());
}

TEST(SocketSource, ServerCloseEndsTheSourceUnderOnce) {
  TestServer server;
  Notices notices;
  SocketSource src("lines", "localhost", server.port(), {}, notices.settings());
  src.start(RunMode::Once);
  ASSERT_TRUE(server.accept_client());
  EXPECT_FALSE(src.complete());
  server.send("a\nb\npartial");
  server.close_client();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!src.complete() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(milliseconds(2));
  ASSERT_TRUE(src.complete());
  Collector c;
  c.poll_once(src);
  EXPECT_EQ(c.lines, (Lines{"a", "b", "partial"}));  // the partial last line is delivered
  EXPECT_TRUE(c.finished);
}

TEST(SocketSource, RefusedUnderOnceIsFatalAfterTheDeadline) {
  int port;
  {
    TestServer gone;  // a port that nobody listens on any more
    port = gone.port();
  }
  Notices notices;
  SocketSource src("lines", "127.0.0.1", port, {}, notices.settings());
  src.start(RunMode::Once);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!src.complete() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(milliseconds(5));
  ASSERT_TRUE(src.complete());
  Collector c;
  try {
    c.poll_once(src);
    FAIL() << "no error";
  } catch (const FatalError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos) << msg;
    EXPECT_NE(msg.find("Connection refused"), std::string::npos) << msg;
  }
}

TEST(SocketSource, ReconnectsWhenTheServerComesBack) {
  auto server = std::make_unique<TestServer>();
  int port = server->port();
  Notices notices;
  SocketSource src("lines", "127.0.0.1", port, {}, notices.settings());
  src.start(RunMode::Continuous);
  ASSERT_TRUE(server->accept_client());
  server->send("before\n");
  Collector c;
  ASSERT_TRUE(c.poll_until(src, [&] { return c.lines.size() == 1; }));

  // The server goes away: the source notices, retries and is refused.
  server.reset();
  auto has_notice = [&](std::string_view what) {
    for (const auto& n : notices.get())
      if (n.find(what) != std::string::npos) return true;
    return false;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!has_notice("failed (Connection refused); retrying") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(5));
  ASSERT_TRUE(has_notice("closed the connection; reconnecting"));
  ASSERT_TRUE(has_notice("socket lines: connecting to 127.0.0.1:" + std::to_string(port) +
                         " failed (Connection refused); retrying"));

  // It comes back on the same port.
  TestServer again(port);
  ASSERT_TRUE(again.accept_client());
  again.send("after\n");
  ASSERT_TRUE(c.poll_until(src, [&] { return c.lines.size() == 2; }));
  EXPECT_EQ(c.lines, (Lines{"before", "after"}));
  EXPECT_FALSE(c.finished);
  EXPECT_TRUE(has_notice("connected to 127.0.0.1"));
  // One notice per state change, not one per retry.
  int refused = 0;
  for (const auto& n : notices.get()) refused += n.find("refused") != std::string::npos;
  EXPECT_EQ(refused, 1);
}

TEST(SocketSource, StopsPromptlyWhileConnected) {
  TestServer server;
  Notices notices;
  auto src = std::make_unique<SocketSource>("lines", "127.0.0.1", server.port(), SourceOptions{}, notices.settings());
  src->start(RunMode::Continuous);
  ASSERT_TRUE(server.accept_client());
  // Destroying the source joins its receiver thread, which is blocked in
  // recv on an idle connection: it must return and close the connection.
  auto destroyed = std::async(std::launch::async, [&] { src.reset(); });
  ASSERT_EQ(destroyed.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "destroying a connected source hung";
  EXPECT_TRUE(server.peer_closed());
}

TEST(SocketSource, PortOutOfRange) {
  EXPECT_THROW(SocketSource("lines", "localhost", 70000, {}), FatalError);
}

}  // namespace
}  // namespace streamc::rt
