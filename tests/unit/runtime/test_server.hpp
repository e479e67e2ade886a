// A TCP server on 127.0.0.1 (port 0 = any free port) for socket tests.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string_view>

namespace streamc::rt::testing {

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
  // Waits (up to 2 s) for the source to close its end: true once a read
  // finds the end of the stream.
  bool peer_closed() {
    pollfd p{client_fd_, POLLIN, 0};
    char byte;
    while (::poll(&p, 1, 2000) == 1) {
      ssize_t n = ::recv(client_fd_, &byte, 1, 0);
      if (n == 0) return true;
      if (n < 0) return false;
    }
    return false;
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

}  // namespace streamc::rt::testing
