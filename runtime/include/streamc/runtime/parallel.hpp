// Data parallelism for one stage of a batch: the records are cut into
// `parts` contiguous ranges, each run on its own thread (the first on the
// caller's), and an exception in any part is rethrown on the caller's thread
// once all parts are done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace streamc::rt {

// Below this many records per part, a thread costs more than it saves.
inline constexpr size_t kMinRecordsPerPart = 4096;

inline int partitions(int64_t threads, size_t records) {
  if (threads <= 1) return 1;
  size_t by_size = records / kMinRecordsPerPart;
  if (by_size < 2) return 1;
  return static_cast<int>(by_size < static_cast<size_t>(threads) ? by_size : static_cast<size_t>(threads));
}

// Calls f(part, begin, end) for part in [0, parts).
template <class F>
void parallel_for(int parts, size_t count, F&& f) {
  std::vector<std::exception_ptr> errors(static_cast<size_t>(parts));
  auto run = [&](int part) {
    size_t begin = count * static_cast<size_t>(part) / static_cast<size_t>(parts);
    size_t end = count * static_cast<size_t>(part + 1) / static_cast<size_t>(parts);
    try {
      f(part, begin, end);
    } catch (...) {
      errors[static_cast<size_t>(part)] = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(parts - 1));
  for (int p = 1; p < parts; ++p) workers.emplace_back(run, p);
  run(0);
  for (auto& w : workers) w.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace streamc::rt
