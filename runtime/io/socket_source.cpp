#include "io/socket_source.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <algorithm>

#include "base/framing.hpp"
#include "io/padded_buffer.hpp"
#include "base/split_lines.hpp"

namespace streamc::rt {
namespace {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SocketSource::SocketSource(std::string name, std::string host, int64_t port, SourceOptions options,
                           SocketSettings settings)
    : Source(std::move(name)), host_(std::move(host)), port_(port), options_(options), settings_(std::move(settings)) {
  if (port_ < 1 || port_ > 65535)
    throw FatalError("source '" + name_ + "': port " + std::to_string(port_) + " is out of range (1-65535)");
  if (!settings_.notice)
    settings_.notice = [](const std::string& line) {
      std::fprintf(stderr, "%s\n", line.c_str());
      std::fflush(stderr);
    };
}

SocketSource::~SocketSource() {
  stop_ = true;
  if (wake_[1] >= 0) {
    char c = 1;
    [[maybe_unused]] auto n = ::write(wake_[1], &c, 1);
  }
  if (thread_.joinable()) thread_.join();
  for (int fd : wake_)
    if (fd >= 0) ::close(fd);
}

void SocketSource::start(RunMode mode) {
  mode_ = mode;
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
    throw FatalError("source '" + name_ + "': pipe: " + std::strerror(errno));
  thread_ = std::thread([this] { receive_loop(); });
}

bool SocketSource::poll(SourceIntake intake) {
  std::string text;
  bool ended;
  if (intake.no_data) {
    std::lock_guard lock(mu_);
    return mode_ != RunMode::Continuous && ended_ && ready_.empty() && carry_.empty();
  }
  size_t before = intake.records.size();
  {
    std::lock_guard lock(mu_);
    if (!failure_.empty()) throw FatalError(failure_);
    text.swap(ready_);
    ended = ended_;
    if (intake.oversized)
      for (auto& r : oversized_) intake.oversized->push_back(std::move(r));
    oversized_.clear();
  }
  bytes_taken_.fetch_add(static_cast<int64_t>(text.size()), std::memory_order_relaxed);
  if (!text.empty() || !carry_.empty()) {
    // One copy into a padded buffer (simdjson may read past each record).
    auto buf = PaddedBuffer::copy_of(carry_, text);
    carry_.clear();
    switch (options_.format) {
      case SourceFormat::Text:
        split_lines(buf->view(), intake.records);
        break;
      case SourceFormat::Json:
        frame_json_lines(buf->view(), intake.records);
        break;
      case SourceFormat::Csv: {
        // A quoted field may span lines that have not all arrived yet.
        size_t framed = frame_csv(buf->view(), options_.csv_delimiter, intake.records, ended);
        carry_.assign(buf->view().substr(framed));
        // A quote that never closes would hold every line after it.
        if (static_cast<int64_t>(carry_.size()) > options_.max_record_bytes) {
          if (intake.oversized)
            intake.oversized->push_back(oversized_record(static_cast<int64_t>(carry_.size()), options_.max_record_bytes,
                                                         "(a quoted CSV field still open) from " + host_ + ":" +
                                                             std::to_string(port_),
                                                         carry_));
          carry_.clear();
        }
        break;
      }
    }
    intake.buffers.push_back(std::move(buf));
  }
  received_ += static_cast<int64_t>(intake.records.size() - before);
  return mode_ != RunMode::Continuous && ended && carry_.empty();
}

std::optional<SourceBacklog> SocketSource::backlog() const {
  std::lock_guard lock(mu_);
  return SourceBacklog{bytes_taken_.load(std::memory_order_relaxed), static_cast<int64_t>(ready_.size()), "bytes"};
}

bool SocketSource::complete() const {
  std::lock_guard lock(mu_);
  return ended_ || !failure_.empty();
}

bool SocketSource::has_news() const {
  std::lock_guard lock(mu_);
  return ended_ || !failure_.empty() || !ready_.empty();
}

bool SocketSource::wait(int64_t ms) {
  if (stop_) return false;
  pollfd p{wake_[0], POLLIN, 0};
  ::poll(&p, 1, static_cast<int>(ms));
  return !stop_;
}

void SocketSource::set_state(State s, const std::string& detail) {
  std::string where = host_ + ":" + std::to_string(port_);
  std::string prefix = "socket " + name_ + ": ";
  switch (s) {
    case State::Connected:
      if (state_ == State::Failing || state_ == State::Closed) settings_.notice(prefix + "connected to " + where);
      break;
    case State::Failing:
      if (state_ != State::Failing || detail != last_error_)
        settings_.notice(prefix + "connecting to " + where + " failed (" + detail + "); retrying");
      last_error_ = detail;
      break;
    case State::Closed:
      if (mode_ == RunMode::Continuous) settings_.notice(prefix + where + " closed the connection; reconnecting");
      break;
    case State::Initial:
      break;
  }
  state_ = s;
}

void SocketSource::receive_loop() {
  bool bounded = mode_ != RunMode::Continuous;
  int64_t deadline = steady_ms() + settings_.connect_deadline_ms;
  int64_t backoff = settings_.backoff_initial_ms;
  while (!stop_) {
    std::string error;
    int fd = connect_once(error);
    if (stop_) {
      if (fd >= 0) ::close(fd);
      break;
    }
    if (fd < 0) {
      if (bounded && steady_ms() >= deadline) {
        std::lock_guard lock(mu_);
        failure_ = "source '" + name_ + "': cannot connect to " + host_ + ":" + std::to_string(port_) + " (" + error + ")";
        return;
      }
      set_state(State::Failing, error);
      int64_t nap = bounded ? std::max<int64_t>(1, std::min(backoff, deadline - steady_ms())) : backoff;
      if (!wait(nap)) break;
      backoff = std::min(backoff * 2, settings_.backoff_max_ms);
      continue;
    }
    set_state(State::Connected);
    line_ = 0;
    backoff = settings_.backoff_initial_ms;
    connected_ = true;
    read_connection(fd);
    connected_ = false;
    ::close(fd);
    if (stop_) break;
    set_state(State::Closed);
    if (bounded) {
      std::lock_guard lock(mu_);
      ended_ = true;
      return;
    }
  }
}

int SocketSource::connect_once(std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(port_);
  int rc = ::getaddrinfo(host_.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    error = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
    return -1;
  }
  int result = -1;
  for (addrinfo* ai = res; ai && result < 0 && !stop_; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      error = std::strerror(errno);
      continue;
    }
    int err = 0;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      err = errno;
      if (err == EINPROGRESS) {
        // Wait for the handshake, interruptible by stop.
        pollfd p[2] = {{fd, POLLOUT, 0}, {wake_[0], POLLIN, 0}};
        int n = ::poll(p, 2, 10'000);
        if (n <= 0) {
          err = n == 0 ? ETIMEDOUT : errno;
        } else if (p[0].revents) {
          socklen_t len = sizeof err;
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        } else {
          err = ECANCELED;  // stop
        }
      }
    }
    if (err == 0) {
      result = fd;
    } else {
      error = std::strerror(err);
      ::close(fd);
    }
  }
  ::freeaddrinfo(res);
  return result;
}

void SocketSource::read_connection(int fd) {
  constexpr size_t kChunk = 64 * 1024;
  auto chunk = std::make_unique_for_overwrite<char[]>(kChunk);
  while (!stop_) {
    pollfd p[2] = {{fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (stop_) break;
    if (!p[0].revents) continue;
    ssize_t n = ::recv(fd, chunk.get(), kChunk, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;  // closed by the peer, or reset
    deliver(std::string_view(chunk.get(), static_cast<size_t>(n)));
  }
  // A partial last line at connection drop is still a line.
  if (!partial_.empty() || skipped_ > 0) deliver("\n");
}

// Lines longer than max_record_bytes are not kept: from the byte that
// passes the limit on, the rest of the line is counted and dropped as it
// arrives, and the line is reported (OversizedRecord) when it ends.
void SocketSource::deliver(std::string_view text) {
  const auto limit = static_cast<size_t>(options_.max_record_bytes);
  std::string lines;  // complete lines of this piece, each with its '\n'
  std::vector<OversizedRecord> over;
  while (!text.empty()) {
    const char* nl = static_cast<const char*>(std::memchr(text.data(), '\n', text.size()));
    const size_t len = nl ? static_cast<size_t>(nl - text.data()) : text.size();
    std::string_view piece = text.substr(0, len);
    if (skipped_ > 0) {
      skipped_ += piece.size();
    } else if (partial_.size() + piece.size() > limit) {
      skipped_ = partial_.size() + piece.size();
      skipped_head_ = partial_.substr(0, 256);
      skipped_head_.append(piece.substr(0, 256 - skipped_head_.size()));
      std::string().swap(partial_);  // give its memory back
    } else if (!nl || !partial_.empty()) {
      partial_.append(piece);
    }
    if (!nl) break;
    ++line_;
    if (skipped_ > 0) {
      over.push_back(oversized_record(static_cast<int64_t>(skipped_), options_.max_record_bytes,
                                      "(line " + std::to_string(line_) + " from " + host_ + ":" + std::to_string(port_) + ")",
                                      skipped_head_));
      skipped_ = 0;
    } else {
      lines.append(partial_.empty() ? piece : std::string_view(partial_));
      lines.push_back('\n');
      partial_.clear();
    }
    text.remove_prefix(len + 1);
  }
  if (lines.empty() && over.empty()) return;
  std::lock_guard lock(mu_);
  ready_.append(lines);
  for (auto& r : over) oversized_.push_back(std::move(r));
}

}  // namespace streamc::rt
