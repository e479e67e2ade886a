// Input bytes that records point into, followed by kRecordPadding readable
// bytes (zeros) so simdjson On-Demand may read past the end of any record.
// The bytes are either allocated and filled by the source, or a file read
// into a ReadRegion (read_file) next to the other files of its batch.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {

// Frees a PaddedBuffer's bytes: delete[] when allocated, nothing when they
// belong to a ReadRegion (PaddedBuffer::owner).
struct PaddedRelease {
  bool borrowed = false;
  void operator()(char* p) const {
    if (!borrowed) delete[] p;
  }
};

// Memory that a files source reads files into, one after another, each
// followed by kRecordPadding zeros: a reserved range of anonymous memory
// (nothing is allocated until touched) that asks the kernel for transparent
// huge pages. Reading into it costs less than mapping the files: touching a
// freshly mapped 4 KiB page costs more than copying it on a virtual machine,
// and a huge page is one fault for 512 of them. The buffers of a batch
// borrow from the region; once the last one is released the region returns
// to a small process-wide pool, so that the next batch reads into memory
// that is already there (beyond kKeepWarm bytes it is given back to the
// system first, so that an idle program stays small).
class ReadRegion {
 public:
  static constexpr size_t kReserve = size_t{1} << 30;
  static constexpr size_t kKeepWarm = size_t{16} << 20;
  static constexpr size_t kHugePage = size_t{2} << 20;

  // A region of at least `reserve` bytes: a pooled one when `reserve` is the
  // default, else a new one. nullptr when the address space is exhausted.
  static std::shared_ptr<ReadRegion> take(size_t reserve = kReserve) {
    ReadRegion* r = nullptr;
    if (reserve == kReserve) {
      std::lock_guard<std::mutex> lock(pool_mutex());
      auto& pool = free_regions();
      if (!pool.empty()) {
        r = pool.back();
        pool.pop_back();
      }
    }
    if (!r) {
      r = new ReadRegion(reserve);
      if (!r->base_) {
        delete r;
        return nullptr;
      }
    }
    return std::shared_ptr<ReadRegion>(r, [](ReadRegion* done) { give_back(done); });
  }

  ReadRegion(const ReadRegion&) = delete;
  ReadRegion& operator=(const ReadRegion&) = delete;

  char* next() const { return base_ + used_; }
  bool empty() const { return used_ == 0; }
  // Nothing borrows from the region any more (its owner holds the only
  // reference): read into the same memory again, already there.
  void rewind() { used_ = 0; }
  // Bytes of input that fit at next(), leaving room for the padding.
  size_t room() const { return reserve_ - used_ > kRecordPadding ? reserve_ - used_ - kRecordPadding : 0; }
  // `n` bytes were written at next(): zero the padding after them and move
  // on (64-byte aligned, for simdjson's loads).
  void commit(size_t n) {
    std::memset(base_ + used_ + n, 0, kRecordPadding);
    used_ = std::min(reserve_, (used_ + n + kRecordPadding + 63) / 64 * 64);
  }

 private:
  explicit ReadRegion(size_t reserve) {
    reserve_ = (reserve + kHugePage - 1) / kHugePage * kHugePage;
    // One huge page more than needed, to start at a huge-page boundary.
    void* at = ::mmap(nullptr, reserve_ + kHugePage, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (at == MAP_FAILED) return;
    mapped_ = static_cast<char*>(at);
    base_ = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(mapped_) + kHugePage - 1) / kHugePage * kHugePage);
    ::madvise(base_, reserve_, MADV_HUGEPAGE);  // a hint: without THP the region still works
  }
  ~ReadRegion() {
    if (mapped_) ::munmap(mapped_, reserve_ + kHugePage);
  }

  // Never destroyed: a buffer released during static destruction (a table's,
  // say) still finds them.
  static std::mutex& pool_mutex() {
    static auto* m = new std::mutex;
    return *m;
  }
  static std::vector<ReadRegion*>& free_regions() {
    static auto* pool = new std::vector<ReadRegion*>;
    return *pool;
  }
  static void give_back(ReadRegion* r) {
    if (r->reserve_ == kReserve) {
      if (r->used_ > kKeepWarm) ::madvise(r->base_ + kKeepWarm, r->used_ - kKeepWarm, MADV_DONTNEED);
      r->used_ = 0;
      std::lock_guard<std::mutex> lock(pool_mutex());
      auto& pool = free_regions();
      if (pool.size() < 2) {
        pool.push_back(r);
        return;
      }
    }
    delete r;
  }

  char* mapped_ = nullptr;
  char* base_ = nullptr;
  size_t reserve_ = 0;
  size_t used_ = 0;
};

struct PaddedBuffer {
  using Release = PaddedRelease;

  std::unique_ptr<char[], Release> data;
  size_t size = 0;      // bytes of input
  size_t capacity = 0;  // readable; always >= size + kRecordPadding
  std::shared_ptr<ReadRegion> owner;  // holds `data` when it is borrowed

  std::string_view view() const { return {data.get(), size}; }

  // Room for `n` bytes of input plus the padding, not zero-filled.
  static std::shared_ptr<PaddedBuffer> with_capacity(size_t n) {
    auto b = std::make_shared<PaddedBuffer>();
    b->capacity = n + kRecordPadding;
    b->data = std::unique_ptr<char[], Release>(new char[b->capacity], Release{});
    return b;
  }
  // The content of the open file `fd` (the `size` bytes fstat saw; to its
  // end when that is 0, as for files in /proc), read into
  // `region` when it fits there (a new region is taken when it is null or
  // full; a file of more than 1/16 of a region gets a region of its own
  // unless `region` is empty and has room for it),
  // else into an allocated buffer. nullptr with errno set when reading fails.
  // While the file is read into a region, a piece of kPiece bytes at a time,
  // `on_read(std::string_view)` gets all of it read so far after each piece
  // (to frame it while it is in the cache); the final buffer may start
  // elsewhere (a file that grew past its room).
  static constexpr size_t kPiece = size_t{256} << 10;
  template <class OnRead>
  static std::shared_ptr<PaddedBuffer> read_file(int fd, size_t size, std::shared_ptr<ReadRegion>& region,
                                                 OnRead&& on_read) {
    std::shared_ptr<ReadRegion> own;
    ReadRegion* into = nullptr;
    size_t want = size + 1;  // room for more than fstat saw tells a full read from a cut one
    if (want <= ReadRegion::kReserve / 16 || (region && region->empty() && want < region->room())) {
      if (!region || region->room() < want) region = ReadRegion::take();
      into = region.get();
    } else {
      own = ReadRegion::take(want + kRecordPadding);
      into = own.get();
    }
    if (into) {
      char* at = into->next();
      size_t got = 0, room = into->room();
      for (;;) {
        ssize_t n = ::read(fd, at + got, std::min(room - got, kPiece));
        if (n < 0) {
          if (errno == EINTR) continue;
          return nullptr;
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
        if (got == room) break;
        if (got == size) break;  // all that fstat saw: a file is complete when it appears
        on_read(std::string_view(at, got));
      }
      if (got < room) {
        into->commit(got);
        if (got == 0) return std::make_shared<PaddedBuffer>();
        auto b = std::make_shared<PaddedBuffer>();
        b->data = std::unique_ptr<char[], Release>(at, Release{true});
        b->size = got;
        b->capacity = got + kRecordPadding;
        b->owner = own ? std::move(own) : region;
        return b;
      }
      // Grew past the room: go on in an allocated buffer.
      auto b = with_capacity(got * 2);
      std::memcpy(b->data.get(), at, got);
      b->size = got;
      return read_rest(fd, std::move(b));
    }
    return read_rest(fd, with_capacity(size + 1));
  }
  // Reads `fd` to its end after the `b->size` bytes `b` holds, growing it.
  static std::shared_ptr<PaddedBuffer> read_rest(int fd, std::shared_ptr<PaddedBuffer> b) {
    for (;;) {
      if (b->size + kRecordPadding == b->capacity) b->reserve(b->size * 2);
      ssize_t n = ::read(fd, b->data.get() + b->size, b->capacity - kRecordPadding - b->size);
      if (n < 0) {
        if (errno == EINTR) continue;
        return nullptr;
      }
      if (n == 0) break;
      b->size += static_cast<size_t>(n);
    }
    b->seal();
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
