// Input bytes that records point into, followed by kRecordPadding readable
// bytes (zeros) so simdjson On-Demand may read past the end of any record.
// The bytes are either allocated and filled by the source, or a file mapped
// read-only (map_file), which costs neither a copy nor fresh memory.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <string_view>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {

// Frees a PaddedBuffer's bytes: delete[] when allocated, munmap when mapped,
// nothing when they belong to a MappingRegion (PaddedBuffer::owner).
struct PaddedRelease {
  size_t mapped = 0;  // bytes mapped; 0 when allocated
  bool borrowed = false;
  void operator()(char* p) const {
    if (borrowed) return;
    if (mapped)
      ::munmap(p, mapped);
    else
      delete[] p;
  }
};

// A reserved range of addresses (zero pages, nothing allocated) that files
// are mapped into one after another, so that the many small files of a
// batch are unmapped by one munmap when the batch ends: every munmap
// flushes the TLB, which costs more than the mapping.
class MappingRegion {
 public:
  static constexpr size_t kReserve = size_t{1} << 30;

  MappingRegion() {
    void* base = ::mmap(nullptr, kReserve, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    base_ = base == MAP_FAILED ? nullptr : static_cast<char*>(base);
  }
  MappingRegion(const MappingRegion&) = delete;
  MappingRegion& operator=(const MappingRegion&) = delete;
  ~MappingRegion() {
    if (base_) ::munmap(base_, kReserve);
  }

  // Maps the `file_span` bytes of `fd` at the next free place, leaving
  // `span` bytes to it (the zero pages after the file are the padding).
  // nullptr when it does not fit or cannot be mapped.
  char* map(int fd, size_t file_span, size_t span) {
    if (!base_ || span > kReserve - used_) return nullptr;
    void* at = ::mmap(base_ + used_, file_span, PROT_READ, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE, fd, 0);
    if (at == MAP_FAILED) return nullptr;
    used_ += span;
    return static_cast<char*>(at);
  }

 private:
  char* base_ = nullptr;
  size_t used_ = 0;
};

struct PaddedBuffer {
  using Release = PaddedRelease;

  std::unique_ptr<char[], Release> data;
  size_t size = 0;      // bytes of input
  size_t capacity = 0;  // readable; always >= size + kRecordPadding
  std::shared_ptr<MappingRegion> owner;  // holds `data` when it is borrowed

  std::string_view view() const { return {data.get(), size}; }

  // Room for `n` bytes of input plus the padding, not zero-filled.
  static std::shared_ptr<PaddedBuffer> with_capacity(size_t n) {
    auto b = std::make_shared<PaddedBuffer>();
    b->capacity = n + kRecordPadding;
    b->data = std::unique_ptr<char[], Release>(new char[b->capacity], Release{});
    return b;
  }
  // The first `size` bytes of the open file `fd`, mapped read-only; the rest
  // of the last page is zeros (mmap's rule) and a zero page follows when
  // that is shorter than the padding. A file of up to 1/16 of a region goes
  // into `region` when there is room (a new region is made when it is null
  // or full), a larger one is mapped on its own. nullptr when the file
  // cannot be mapped (a pipe, /proc): read it instead. The file must not
  // shrink while the buffer lives (reading a page past its end would be
  // SIGBUS), the rule for files sources anyway: a file is complete when it
  // appears.
  static std::shared_ptr<PaddedBuffer> map_file(int fd, size_t size, std::shared_ptr<MappingRegion>& region) {
    if (size == 0) return nullptr;
    const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const size_t file_span = (size + page - 1) / page * page;
    const size_t total = (size + kRecordPadding + page - 1) / page * page;
    if (total <= MappingRegion::kReserve / 16) {
      char* at = region ? region->map(fd, file_span, total) : nullptr;
      if (!at) {
        region = std::make_shared<MappingRegion>();
        at = region->map(fd, file_span, total);
      }
      if (at) {
        auto b = std::make_shared<PaddedBuffer>();
        b->data = std::unique_ptr<char[], Release>(at, Release{0, true});
        b->size = size;
        b->capacity = total;
        b->owner = region;
        return b;
      }
    }
    void* base = nullptr;
    if (total > file_span) {
      // Reserve zero pages for the whole span, then map the file over the start.
      base = ::mmap(nullptr, total, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (base == MAP_FAILED) return nullptr;
    }
    void* at = ::mmap(base, file_span, PROT_READ, MAP_PRIVATE | MAP_POPULATE | (base ? MAP_FIXED : 0), fd, 0);
    if (at == MAP_FAILED) {
      if (base) ::munmap(base, total);
      return nullptr;
    }
    auto b = std::make_shared<PaddedBuffer>();
    b->data = std::unique_ptr<char[], Release>(static_cast<char*>(at), Release{total});
    b->size = size;
    b->capacity = total;
    return b;
  }
  // Grows the room for input to at least `n` bytes, keeping the content.
  void reserve(size_t n) {
    if (n + kRecordPadding <= capacity) return;
    size_t cap = n + kRecordPadding;
    std::unique_ptr<char[], Release> bigger(new char[cap], Release{});
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
