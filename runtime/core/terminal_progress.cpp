#include "core/terminal_progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>

#include "base/clock.hpp"

namespace streamc::rt {
namespace {

std::string count(double v) {
  char buf[32];
  if (v >= 1e9) std::snprintf(buf, sizeof buf, "%.1fG", v / 1e9);
  else if (v >= 1e6) std::snprintf(buf, sizeof buf, "%.1fM", v / 1e6);
  else if (v >= 1e4) std::snprintf(buf, sizeof buf, "%.0fk", v / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string clock_text(double seconds) {
  const auto s = static_cast<long long>(seconds);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

// The first `columns - 1` characters (UTF-8 code points) of `text`, so the
// line never wraps and \r always returns to its start.
std::string fit(const std::string& text) {
  struct winsize ws {};
  size_t columns = ::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
  size_t shown = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // continuation byte
    if (++shown == columns) return text.substr(0, i);
  }
  return text;
}

}  // namespace

bool TerminalProgress::wanted(RunMode mode) { return mode != RunMode::Continuous && ::isatty(STDERR_FILENO) == 1; }

TerminalProgress::TerminalProgress(const std::vector<std::unique_ptr<Source>>& sources)
    : sources_(sources), start_us_(Clock::now_us()), thread_([this] { run(); }) {}

TerminalProgress::~TerminalProgress() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void TerminalProgress::batch_done(const BatchProgress& p) {
  int64_t rows = 0;
  for (const auto& s : p.sources) rows += s.input_rows;
  rows_.fetch_add(rows, std::memory_order_relaxed);
}

std::string TerminalProgress::line(const std::vector<std::pair<std::string, SourceBacklog>>& backlogs, int64_t rows,
                                   double elapsed_s) {
  std::string out;
  double done = 0, total = 0;
  for (const auto& [name, b] : backlogs) {
    out += name + " " + std::to_string(b.done) + "/" + std::to_string(b.done + b.pending) + " " + b.unit + " · ";
    if (b.done + b.pending > 0) {
      done += static_cast<double>(b.done) / static_cast<double>(b.done + b.pending);
      total += 1;
    }
  }
  if (rows > 0) {
    out += count(static_cast<double>(rows)) + " rows · ";
    out += count(elapsed_s > 0 ? static_cast<double>(rows) / elapsed_s : 0) + " rows/s · ";
  } else {
    out += "first batch running · ";
  }
  out += clock_text(elapsed_s) + " elapsed";
  // What is left, from the share of the sources' work done so far.
  const double share = total > 0 ? done / total : 0;
  if (share > 0 && share < 1) out += " · ~" + clock_text(std::ceil(elapsed_s * (1 - share) / share)) + " left";
  return out;
}

void TerminalProgress::run() {
  std::unique_lock lock(mu_);
  // Drawn at once, every 250 ms, and once more with the final figures
  // before it is erased.
  for (bool last = false; !last;) {
    last = wake_.wait_for(lock, std::chrono::milliseconds(0), [this] { return stop_; });
    std::vector<std::pair<std::string, SourceBacklog>> backlogs;
    for (const auto& s : sources_)
      if (auto b = s->backlog()) backlogs.emplace_back(s->name(), *b);
    const double elapsed = static_cast<double>(Clock::now_us() - start_us_) / 1e6;
    std::string text = "\r\033[K" + fit(line(backlogs, rows_.load(std::memory_order_relaxed), elapsed));
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
    if (!last) wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; });
  }
  std::fputs("\r\033[K", stderr);  // erased: the terminal is as it was
  std::fflush(stderr);
}

}  // namespace streamc::rt
