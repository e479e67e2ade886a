#include "checkpoint/checkpoint_writer.hpp"

#include <algorithm>
#include <utility>

namespace streamc::rt {

CheckpointWriter::CheckpointWriter() : thread_([this] { loop(); }) {}

CheckpointWriter::~CheckpointWriter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_one();
  thread_.join();
}

CheckpointWriter::Ticket CheckpointWriter::submit(std::function<void()> task) {
  std::lock_guard lock(mu_);
  rethrow_locked();
  queue_.push_back(std::move(task));
  ++submitted_;
  work_cv_.notify_one();
  return submitted_;
}

void CheckpointWriter::wait(Ticket t) {
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [&] { return finished_ >= t || error_; });
  rethrow_locked();
}

CheckpointWriter::Ticket CheckpointWriter::submitted() const {
  std::lock_guard lock(mu_);
  return submitted_;
}

void CheckpointWriter::rethrow_locked() const {
  if (error_) std::rethrow_exception(error_);
}

void CheckpointWriter::loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::function<void()> task = std::move(queue_.front());
    queue_.pop_front();
    if (!error_) {
      lock.unlock();
      std::exception_ptr failed;
      try {
        task();
      } catch (...) {
        failed = std::current_exception();
      }
      task = nullptr;  // frees the file's bytes outside the lock
      lock.lock();
      if (failed && !error_) error_ = failed;
    }
    ++finished_;
    done_cv_.notify_all();
  }
}

std::string BufferPool::take() {
  std::lock_guard lock(mu_);
  if (free_.empty()) return {};
  std::string out = std::move(free_.back());
  free_.pop_back();
  out.clear();
  return out;
}

void BufferPool::prepare(size_t bytes) {
  {
    std::lock_guard lock(mu_);
    for (const auto& b : free_)
      if (b.capacity() >= bytes) return;
  }
  std::string buffer;
  buffer.resize(bytes);  // zero-filled: every page faulted in here
  buffer.clear();
  std::lock_guard lock(mu_);
  if (free_.size() < keep_) {
    free_.push_back(std::move(buffer));
    return;
  }
  auto smallest = std::min_element(free_.begin(), free_.end(),
                                   [](const auto& a, const auto& b) { return a.capacity() < b.capacity(); });
  if (smallest != free_.end() && smallest->capacity() < bytes) *smallest = std::move(buffer);
}

void BufferPool::give(std::string buffer) {
  std::lock_guard lock(mu_);
  if (free_.size() < keep_) free_.push_back(std::move(buffer));
}

}  // namespace streamc::rt
