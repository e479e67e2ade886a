#include "core/batch_loop.hpp"

#include <chrono>
#include <thread>

#include "core/batch_access.hpp"

namespace streamc::rt {
namespace {

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

BatchLoop::BatchLoop(ProgramEngine& engine, Clock clock, const std::atomic<int>& stop)
    : engine_(engine), clock_(clock), stop_(stop) {
  if (!engine.options().progress.empty()) progress_ = std::make_unique<ProgressWriter>(engine.options().progress);
}

Timestamp BatchLoop::manual_time() const {
  return Timestamp{clock_.manual_start_us() + next_id_ * engine_.options().batch_us};
}

bool BatchLoop::has_live_source() const {
  for (const auto& s : engine_.sources())
    if (s->live()) return true;
  return false;
}

void BatchLoop::wait_for_live_news() const {
  int64_t deadline = steady_us() + engine_.options().batch_us;
  while (!stop_.load() && steady_us() < deadline) {
    for (const auto& s : engine_.sources())
      if (s->live() && s->has_news()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void BatchLoop::run() {
  const RunOptions& o = engine_.options();
  const RunMode mode = o.mode;
  const int64_t interval = o.batch_us;
  for (const auto& s : engine_.sources()) s->start(mode);

  if (mode == RunMode::Once) {
    for (;;) {
      bool all = true;
      for (const auto& s : engine_.sources()) all = all && s->complete();
      if (all) break;
      if (stop_.load()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    run_batch(clock_.is_manual() ? manual_time() : Timestamp{Clock::now_us()});
    return;
  }

  // Files alone under --available-now run back to back; anything live is
  // paced at the interval.
  const bool paced = mode == RunMode::Continuous || has_live_source();
  const bool live = has_live_source();
  int64_t trigger = Clock::now_us();
  for (;;) {
    Timestamp time;
    if (clock_.is_manual()) {
      if (next_id_ > 0 && live) wait_for_live_news();
      time = manual_time();
    } else {
      time = Timestamp{paced ? trigger : Clock::now_us()};
    }
    if (stop_.load()) return;
    bool exhausted = run_batch(time);
    if (o.max_batches > 0 && next_id_ >= o.max_batches) return;
    if (mode == RunMode::AvailableNow && exhausted) return;
    if (stop_.load()) return;
    if (paced && !clock_.is_manual()) {
      int64_t next = trigger / interval * interval + interval;
      if (Clock::now_us() < next) {
        if (!Clock::sleep_until(next, stop_)) return;
        trigger = next;
      } else {
        trigger = Clock::now_us();  // overran: start now, no pile-up
      }
    }
  }
}

bool BatchLoop::run_batch(Timestamp time) {
  const auto& sources = engine_.sources();
  int64_t started = steady_us();
  BatchAccess::begin(batch_, &engine_, next_id_, time, sources.size());
  engine_.start_batch(next_id_);
  bool exhausted = true;
  for (size_t i = 0; i < sources.size(); ++i) {
    SourceIntake intake{BatchAccess::records(batch_, i), BatchAccess::buffers(batch_)};
    intake.csv_segments = &BatchAccess::csv_segments(batch_, i);
    intake.generated = &BatchAccess::generated(batch_, i);
    intake.batch_id = next_id_;
    intake.time = time;
    intake.interval_us = engine_.options().batch_us;
    bool done = sources[i]->poll(intake);
    exhausted = exhausted && done;
  }
  if (const auto& fn = engine_.batch_function()) fn(batch_);
  engine_.finish_batch();
  if (progress_) {
    BatchProgress p;
    p.batch_id = next_id_;
    p.time = time;
    p.duration_us = steady_us() - started;
    for (size_t i = 0; i < sources.size(); ++i)
      p.sources.push_back({sources[i]->name(),
                           static_cast<int64_t>(BatchAccess::records(batch_, i).size()) +
                               BatchAccess::generated(batch_, i).count,
                           engine_.rejected_in_batch()[i]});
    progress_->write(p);
  }
  BatchAccess::end(batch_);
  ++next_id_;
  return exhausted;
}

}  // namespace streamc::rt
