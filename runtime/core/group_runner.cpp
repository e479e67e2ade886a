#include "core/group_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "checkpoint/checkpoint_store.hpp"
#include "core/batch_loop.hpp"

namespace streamc::rt {
namespace {

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct GroupRunner::Task {
  TaskId id;
  std::unique_ptr<ProgramEngine> engine;
  std::unique_ptr<BatchLoop> loop;
};

GroupRunner::GroupRunner(ProgramEngine& first, std::function<void(Engine&)> build, Clock clock,
                         const std::atomic<int>& stop)
    : first_(first), build_(std::move(build)), clock_(clock), stop_(stop), member_(first.take_group()) {}

GroupRunner::~GroupRunner() {
  // After an error the copy still leaves the group, with every member of
  // the runner alive: leaving revokes the tasks through stop_task.
  try {
    member_->leave();
  } catch (const std::exception&) {
  }
}

std::string GroupRunner::running() const {
  std::string out;
  for (const auto& t : tasks_) out += (out.empty() ? "" : ", ") + t->id.name();
  return out.empty() ? "none" : out;
}

void GroupRunner::start_task(const TaskId& id) {
  RunOptions o = first_.options();
  o.checkpoint.clear();  // the changelog is the checkpoint; a --checkpoint directory is a local cache of it
  o.progress.clear();  // one writer for every task: the runner's observers
  auto task = std::make_unique<Task>();
  task->id = id;
  task->engine = std::make_unique<ProgramEngine>(std::move(o));
  task->engine->set_program_name(first_.program_name());
  task->engine->set_task(id);
  // The task's checkpoint is in the group's changelog topic, wherever it
  // runs: a copy needs no directory.
  task->engine->use_checkpoint_store(member_->task_store(id, first_.options().checkpoint));
  try {
    build_(*task->engine);
    task->loop = std::make_unique<BatchLoop>(*task->engine, clock_, stop_);
    for (ProgressObserver* ob : observers_) task->loop->add_observer(*ob);
    task->loop->start();
  } catch (const FatalError& e) {
    throw FatalError("task " + id.name() + ": " + e.what());
  }
  auto at = std::lower_bound(tasks_.begin(), tasks_.end(), id, [](const auto& t, const TaskId& i) { return t->id < i; });
  tasks_.insert(at, std::move(task));
}

void GroupRunner::stop_task(const TaskId& id) {
  auto it = std::find_if(tasks_.begin(), tasks_.end(), [&](const auto& t) { return t->id == id; });
  if (it == tasks_.end()) return;
  // Called from within librdkafka's rebalance callback: nothing may throw
  // through it.
  try {
    (*it)->loop->finish();
  } catch (const CheckpointTakenOver&) {
    // A zombie's last batch: its next owner has the task already.
  } catch (const std::exception& e) {
    if (stop_error_.empty()) stop_error_ = "task " + id.name() + ": " + e.what();
  }
  (*it)->loop.reset();
  stopped_.push_back(std::move((*it)->engine));
  tasks_.erase(it);
  lost_.push_back(id.name());
}

void GroupRunner::drop_fenced(size_t i, const std::string& why) {
  // The task's next owner runs it (and re-runs the batch this copy began):
  // nothing of it is committed here. The group tells this copy soon.
  const std::string name = tasks_[i]->id.name();
  tasks_[i]->loop.reset();
  stopped_.push_back(std::move(tasks_[i]->engine));
  tasks_.erase(tasks_.begin() + static_cast<std::ptrdiff_t>(i));
  std::fprintf(stderr, "%s: rebalance: task %s lost: %s; running %s\n", first_.program_name().c_str(), name.c_str(),
               why.c_str(), running().c_str());
  std::fflush(stderr);
}

void GroupRunner::take_assignment() {
  std::vector<TaskId> gained = member_->poll();
  if (!stop_error_.empty()) throw FatalError(stop_error_);
  if (!lost_.empty()) {
    std::string names;
    for (const auto& n : lost_) names += (names.empty() ? "" : ", ") + n;
    std::fprintf(stderr, "%s: rebalance: %s %s lost (handed over); running %s\n", first_.program_name().c_str(),
                 lost_.size() == 1 ? "task" : "tasks", names.c_str(), running().c_str());
    std::fflush(stderr);
    lost_.clear();
  }
  if (gained.empty()) return;
  std::sort(gained.begin(), gained.end());
  const int64_t t0 = steady_ms();
  std::string names;
  for (const TaskId& id : gained) {
    start_task(id);
    names += (names.empty() ? "" : ", ") + id.name();
  }
  const std::string read = member_->restore_summary();
  std::fprintf(stderr, "%s: rebalance: %s %s gained (state restored in %lld ms%s%s); running %s\n",
               first_.program_name().c_str(), gained.size() == 1 ? "task" : "tasks", names.c_str(),
               static_cast<long long>(steady_ms() - t0), read.empty() ? "" : ": ", read.c_str(), running().c_str());
  std::fflush(stderr);
}

void GroupRunner::run() {
  if (!first_.options().checkpoint.empty()) {
    std::fprintf(stderr,
                 "%s: the checkpoint directory '%s' is a local cache: the tasks of a consumer-group member "
                 "checkpoint to the group's changelog topic, so that any copy can take them over, and keep a copy "
                 "of their records here, so that a restore on this machine reads only what came after it\n",
                 first_.program_name().c_str(), first_.options().checkpoint.c_str());
    std::fflush(stderr);
  }
  member_->join([this](const TaskId& id) { stop_task(id); });
  const int64_t interval = first_.options().batch_us;
  int64_t trigger = Clock::now_us();
  take_assignment();
  while (!stop_.load()) {
    for (size_t i = 0; i < tasks_.size() && !stop_.load();) {
      Task& t = *tasks_[i];
      try {
        t.loop->step(trigger);
        ++i;
      } catch (const CheckpointTakenOver& e) {
        drop_fenced(i, e.what());
      } catch (const FatalError& e) {
        throw FatalError("task " + t.id.name() + ": " + e.what());
      }
    }
    // Until the next trigger on the interval grid, serve the group every
    // 100 ms, so that a rebalance is answered promptly whatever the
    // interval; an overrun starts the next trigger at once (no pile-up).
    const int64_t next = trigger / interval * interval + interval;
    for (;;) {
      take_assignment();
      const int64_t now = Clock::now_us();
      if (now >= next || stop_.load()) break;
      if (!Clock::sleep_until(std::min(next, now + 100'000), stop_)) break;
    }
    const int64_t now = Clock::now_us();
    trigger = now >= next + interval ? now : next;
  }
  // Leaving hands the tasks over at once; they are stopped first, so the
  // revocation finds none running.
  for (auto& t : tasks_) {
    try {
      t->loop->finish();
    } catch (const CheckpointTakenOver&) {
    }
    t->loop.reset();
    stopped_.push_back(std::move(t->engine));
  }
  tasks_.clear();
  member_->leave();
}

void GroupRunner::print_rejected_summary(std::FILE* out) const {
  for (const auto& e : stopped_) e->print_rejected_summary(out);
  for (const auto& t : tasks_) t->engine->print_rejected_summary(out);
}

}  // namespace streamc::rt
