#include "io/socket_source.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <thread>

namespace streamc::rt {
namespace {

using Lines = std::vector<std::string>;
using std::chrono::milliseconds;

// A TCP server on 127.0.0.1 for the source to connect to.
class TestServer {
 public:
  explicit TestServer(int port = 0) { listen_on(port); }
  ~TestServer() {
    close_client();
    close_listener();
  }
  int port() const { return port_; }

  void listen_on(int port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind failed");
    ::listen(listen_fd_, 4);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  // Waits (up to 2 s) for the source to connect.
  bool accept_client() {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 2000) != 1) return false;
    client_fd_ = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    return client_fd_ >= 0;
  }
  void send(std::string_view s) {
    while (!s.empty()) {
      ssize_t n = ::send(client_fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      s.remove_prefix(static_cast<size_t>(n));
    }
  }
  void close_client() {
    if (client_fd_ >= 0) ::close(client_fd_);
    client_fd_ = -1;
  }
  void close_listener() {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
  }

 private:
  int listen_fd_ = -1;
  int client_fd_ = -1;
  int port_ = 0;
};

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
  src.reset();  // joins the receiver thread; must not hang on recv
  SUCCEED();
}

TEST(SocketSource, PortOutOfRange) {
  EXPECT_THROW(SocketSource("lines", "localhost", 70000, {}), FatalError);
}

}  // namespace
}  // namespace streamc::rt
