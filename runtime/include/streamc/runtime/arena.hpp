// A per-batch bump allocator for strings computed while a batch runs
// (`lower(w)`, `a + b`). Everything in it dies together when the batch ends,
// so the hot path never frees and strings stay plain string_views.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace streamc::rt {

class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  // A moved-from arena is empty: what it handed out belongs to the new one.
  Arena(Arena&& other) noexcept
      : blocks_(std::move(other.blocks_)), next_(std::exchange(other.next_, nullptr)), end_(std::exchange(other.end_, nullptr)) {
    other.blocks_.clear();
  }
  Arena& operator=(Arena&& other) noexcept {
    blocks_ = std::move(other.blocks_);
    other.blocks_.clear();
    next_ = std::exchange(other.next_, nullptr);
    end_ = std::exchange(other.end_, nullptr);
    return *this;
  }

  char* allocate(size_t n) {
    if (static_cast<size_t>(end_ - next_) < n) grow(n);
    char* p = next_;
    next_ += n;
    return p;
  }

  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    char* p = allocate(s.size());
    std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
  std::string_view keep(const std::string& s) { return copy(s); }
  std::string_view concat(std::string_view a, std::string_view b) {
    char* p = allocate(a.size() + b.size());
    if (!a.empty()) std::memcpy(p, a.data(), a.size());
    if (!b.empty()) std::memcpy(p + a.size(), b.data(), b.size());
    return {p, a.size() + b.size()};
  }

  // Frees everything but the first block, for reuse by the next batch.
  void reset() {
    if (blocks_.size() > 1) blocks_.resize(1);
    if (!blocks_.empty()) {
      next_ = blocks_[0].data.get();
      end_ = next_ + blocks_[0].size;
    }
  }
  size_t bytes_reserved() const {
    size_t n = 0;
    for (const auto& b : blocks_) n += b.size;
    return n;
  }

 private:
  void grow(size_t n) {
    size_t size = blocks_.empty() ? 64 * 1024 : blocks_.back().size * 2;
    while (size < n) size *= 2;
    blocks_.push_back({std::make_unique<char[]>(size), size});
    next_ = blocks_.back().data.get();
    end_ = next_ + size;
  }
  struct Block {
    std::unique_ptr<char[]> data;
    size_t size;
  };
  std::vector<Block> blocks_;
  char* next_ = nullptr;
  char* end_ = nullptr;
};

}  // namespace streamc::rt
