// Input bytes that records point into, followed by kRecordPadding readable
// bytes (zeros) so simdjson On-Demand may read past the end of any record.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {

struct PaddedBuffer {
  std::unique_ptr<char[]> data;
  size_t size = 0;      // bytes of input
  size_t capacity = 0;  // allocated; always >= size + kRecordPadding

  std::string_view view() const { return {data.get(), size}; }

  // Room for `n` bytes of input plus the padding, not zero-filled.
  static std::shared_ptr<PaddedBuffer> with_capacity(size_t n) {
    auto b = std::make_shared<PaddedBuffer>();
    b->capacity = n + kRecordPadding;
    b->data = std::make_unique_for_overwrite<char[]>(b->capacity);
    return b;
  }
  // Grows the room for input to at least `n` bytes, keeping the content.
  void reserve(size_t n) {
    if (n + kRecordPadding <= capacity) return;
    size_t cap = n + kRecordPadding;
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    if (size) std::memcpy(bigger.get(), data.get(), size);
    data = std::move(bigger);
    capacity = cap;
  }
  // Zeroes the padding after the input; call once the input is complete.
  void seal() { std::memset(data.get() + size, 0, capacity - size); }

  static std::shared_ptr<PaddedBuffer> copy_of(std::string_view a, std::string_view b = {}) {
    auto buf = with_capacity(a.size() + b.size());
    if (!a.empty()) std::memcpy(buf->data.get(), a.data(), a.size());
    if (!b.empty()) std::memcpy(buf->data.get() + a.size(), b.data(), b.size());
    buf->size = a.size() + b.size();
    buf->seal();
    return buf;
  }
};

}  // namespace streamc::rt
