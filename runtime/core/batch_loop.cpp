#include "core/batch_loop.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "core/batch_access.hpp"
#include "base/failure_points.hpp"

namespace streamc::rt {
namespace {

int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string random_id() {
  std::random_device rd;
  char out[37];
  uint32_t a = rd(), b = rd(), c = rd(), d = rd();
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-%04x-%04x%08x", a, b >> 16, b & 0xfff, (c >> 16 & 0x3fff) | 0x8000,
                c & 0xffff, d);
  return out;
}

}  // namespace

BatchLoop::BatchLoop(ProgramEngine& engine, Clock clock, const std::atomic<int>& stop)
    : engine_(engine), clock_(clock), stop_(stop), run_id_(random_id()) {
  if (!engine.options().progress.empty()) {
    progress_ = std::make_unique<ProgressWriter>(engine.options().progress);
    observers_.push_back(progress_.get());
  }
}

BatchProgress BatchLoop::progress_of(int64_t id, Timestamp time, const PhaseTimes& t,
                                     const std::vector<int64_t>& start_offsets, bool idle) {
  const auto& sources = engine_.sources();
  BatchProgress p;
  p.id = checkpoint_ ? checkpoint_->query_id() : run_id_;
  p.run_id = run_id_;
  p.name = engine_.program_name();
  if (engine_.task()) p.task = engine_.task()->name();
  p.batch_id = id;
  p.time = time;
  p.idle = idle;
  p.since_previous_us = previous_start_us_ ? t.started - previous_start_us_ : 0;
  // What keeps a source from reading, and what is pending, an idle trigger
  // tells too; it read, ran and wrote nothing.
  for (size_t i = 0; i < sources.size(); ++i) {
    SourceProgress& s = p.sources.emplace_back();
    s.name = sources[i]->name();
    s.description = sources[i]->kind() + " " + sources[i]->name();
    s.start_offset = start_offsets[i];
    s.end_offset = sources[i]->position();
    s.backlog = sources[i]->backlog();
    s.offsets = sources[i]->offsets_report();
    s.problem = sources[i]->problem();
    if (idle) continue;
    s.input_rows = piece_rows_[i] + static_cast<int64_t>(BatchAccess::records(batch_, i).size()) +
                   BatchAccess::generated(batch_, i).count;
    s.rejected_rows = engine_.rejected_in_batch()[i];
    s.rejected_by_reason.assign(engine_.rejected_reasons_in_batch()[i].begin(),
                                engine_.rejected_reasons_in_batch()[i].end());
    s.rejected_by_text.assign(engine_.rejected_texts_in_batch()[i].begin(), engine_.rejected_texts_in_batch()[i].end());
  }
  for (const auto& sink : engine_.sinks())
    p.sinks.push_back({sink->name(), sink->description(), idle ? 0 : sink->rows_in_batch()});
  if (checkpoint_) {
    p.checkpoint_bytes = checkpoint_->written_bytes();
    p.checkpoint_write_us = checkpoint_->write_us();
  }
  if (idle) return p;
  p.duration_us = t.committed - t.started;
  p.get_batch_us = t.polled - t.started;
  p.wal_commit_us = t.logged - t.polled;
  p.add_batch_us = t.added - t.logged;
  p.state_commit_us = t.state_saved - t.added;
  p.commit_offsets_us = t.committed - t.state_saved;
  if (batch_.has_watermark()) p.watermark = batch_.watermark();
  bool late_given = false;
  for (const auto& st : engine_.states()) {
    if (st.name.rfind("watermark", 0) == 0) continue;
    p.states.push_back({st.name, st.state->rows(), st.state->rows_updated(), st.state->bytes(),
                        late_given ? 0 : batch_.late_rows()});
    late_given = true;
  }
  return p;
}

BatchLoop::~BatchLoop() = default;

Timestamp BatchLoop::manual_time() const {
  return Timestamp{clock_.manual_start_us() + next_id_ * engine_.options().batch_us};
}

bool BatchLoop::has_live_source() const {
  for (const auto& s : engine_.sources())
    if (s->live()) return true;
  return false;
}

// Spark's AvailableNow runs a last batch without data only when the
// watermark moved after the last batch: then windows may close.
bool BatchLoop::watermark_moved() const {
  if (!engine_.options().has_watermark) return false;
  std::optional<int64_t> next;
  for (const auto& st : engine_.states())
    if (auto w = st.state->next_watermark()) next = next ? std::min(*next, *w) : *w;
  if (!next) return false;
  return !last_watermark_ || *next > *last_watermark_;
}

bool BatchLoop::limit_reached() const {
  const int64_t max = engine_.options().max_batches;
  return max > 0 && run_batches_ >= max;
}

void BatchLoop::wait_for_live_news() const {
  int64_t deadline = steady_us() + engine_.options().batch_us;
  while (!stop_.load() && steady_us() < deadline) {
    for (const auto& s : engine_.sources())
      if (s->live() && s->has_news()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

void BatchLoop::recover() {
  // A store the program set (a task's changelog in a consumer group) takes
  // the place of the --checkpoint directory.
  if (const auto& make_store = engine_.checkpoint_store())
    checkpoint_ = std::make_unique<Checkpoint>(make_store());
  else
    checkpoint_ = std::make_unique<Checkpoint>(engine_.options().checkpoint);
  const auto& sources = engine_.sources();
  Signatures source_sigs, state_sigs;
  for (const auto& s : sources) source_sigs.emplace_back(s->name(), s->signature());
  for (const auto& st : engine_.states()) state_sigs.emplace_back(st.name, st.signature);
  checkpoint_->open(source_sigs, state_sigs);

  const int64_t last = checkpoint_->last_committed();
  for (const auto& st : engine_.states()) {
    st.state->track_changes();
    checkpoint_->restore_state(st.name, last + 1, *st.state);
  }
  std::vector<std::string> last_offsets(sources.size());
  if (last >= 0) {
    LoggedBatch b = checkpoint_->read_offsets(last);
    if (b.offsets.size() != sources.size())
      throw FatalError("checkpoint file '" + checkpoint_->describe("offsets/" + std::to_string(last)) +
                       "' is damaged: it has " + std::to_string(b.offsets.size()) + " source offsets for " +
                       std::to_string(sources.size()) + " sources");
    last_offsets = b.offsets;
  }
  const auto& pending = checkpoint_->pending();
  if (pending && pending->offsets.size() != sources.size())
    throw FatalError("checkpoint file '" + checkpoint_->describe("offsets/" + std::to_string(pending->batch)) +
                     "' is damaged: it has " + std::to_string(pending->offsets.size()) + " source offsets for " +
                     std::to_string(sources.size()) + " sources");
  replay_logs_.assign(sources.size(), {});
  for (size_t i = 0; i < sources.size(); ++i) {
    std::vector<std::string> logs;
    if (sources[i]->kind() == "files") {
      logs = checkpoint_->read_source_history(sources[i]->name(), last);
      if (pending) replay_logs_[i] = checkpoint_->read_source_log(sources[i]->name(), pending->batch);
    }
    sources[i]->restore(last_offsets[i], logs);
  }
  replay_ = pending;
  next_id_ = last + 1;
  for (const auto& sink : engine_.sinks()) offsets_before_batch_ = offsets_before_batch_ || sink->writes_during_batch();
  offsets_before_batch_ = offsets_before_batch_ || engine_.writes_rejected_records();
  log_writer_ = std::make_unique<CheckpointWriter>();
  snapshot_writer_ = std::make_unique<CheckpointWriter>();
  for (const auto& sink : engine_.sinks()) sink->start_exactly_once(checkpoint_->query_id());
}

void BatchLoop::run() {
  run_batches();
  finish();
}

void BatchLoop::finish() {
  // Whatever stopped the loop, the last batch's commit must be durable.
  if (log_writer_) log_writer_->drain();
  if (snapshot_writer_) snapshot_writer_->drain();
}

void BatchLoop::start() {
  if (!engine_.options().checkpoint.empty() || engine_.checkpoint_store()) recover();
  for (const auto& s : engine_.sources()) s->start(RunMode::Continuous);
}

void BatchLoop::step(int64_t trigger_us) {
  if (replay_) {
    run_batch(Timestamp{replay_->time_us}, replay_->no_data);
    return;
  }
  run_batch(clock_.is_manual() ? manual_time() : Timestamp{trigger_us});
}

void BatchLoop::run_batches() {
  const RunOptions& o = engine_.options();
  const RunMode mode = o.mode;
  const int64_t interval = o.batch_us;
  if (!o.checkpoint.empty() || engine_.checkpoint_store()) recover();
  for (const auto& s : engine_.sources()) s->start(mode);

  auto now = [&] { return clock_.is_manual() ? manual_time() : Timestamp{Clock::now_us()}; };
  // A batch that was logged but never committed runs first, as it was.
  if (replay_) {
    bool exhausted = run_batch(Timestamp{replay_->time_us}, replay_->no_data);
    if (limit_reached() || stop_.load()) return;
    // Under --available-now the re-run may already have taken everything.
    if (mode == RunMode::AvailableNow && exhausted) {
      if (watermark_moved() && !stop_.load()) run_batch(now(), true);
      return;
    }
  }

  if (mode == RunMode::Once) {
    for (;;) {
      bool all = true;
      for (const auto& s : engine_.sources()) all = all && s->complete();
      if (all) break;
      if (stop_.load()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    run_batch(now());
    if (watermark_moved() && !limit_reached() && !stop_.load()) run_batch(now(), true);
    return;
  }

  // Files alone under --available-now run back to back; anything live is
  // paced at the interval.
  const bool paced = mode == RunMode::Continuous || has_live_source();
  int64_t trigger = Clock::now_us();
  for (bool first = true;; first = false) {
    Timestamp time;
    if (clock_.is_manual()) {
      // Real time still paces a continuous run; a live source's news ends the wait early.
      if (!first && paced) wait_for_live_news();
      time = manual_time();
    } else {
      time = Timestamp{paced ? trigger : Clock::now_us()};
    }
    if (stop_.load()) return;
    bool exhausted = run_batch(time);
    if (limit_reached()) return;
    if (mode == RunMode::AvailableNow && exhausted) {
      if (watermark_moved() && !stop_.load()) run_batch(now(), true);
      return;
    }
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

SourceIntake BatchLoop::intake_of(size_t i, Timestamp time, bool no_data, std::vector<OversizedRecord>& oversized) {
  const bool pieces = engine_.sources()[i]->reads_in_pieces();
  SourceIntake intake{BatchAccess::records(batch_, i), pieces ? piece_buffers_[i] : BatchAccess::buffers(batch_)};
  intake.csv_segments = &BatchAccess::csv_segments(batch_, i);
  intake.origins = &BatchAccess::origins(batch_);
  intake.generated = &BatchAccess::generated(batch_, i);
  intake.oversized = &oversized;
  intake.kafka_messages = &BatchAccess::kafka_messages(batch_, i);
  intake.kafka_spans = &BatchAccess::kafka_spans(batch_, i);
  intake.batch_id = next_id_;
  intake.time = time;
  intake.interval_us = engine_.options().batch_us;
  intake.no_data = no_data;
  return intake;
}

void BatchLoop::end_batch() {
  BatchAccess::end(batch_);
  for (auto& b : piece_buffers_) b.clear();
  for (auto& o : piece_origins_) o.clear();
}

bool BatchLoop::next_piece(size_t i) {
  Source& source = *engine_.sources()[i];
  if (!source.reads_in_pieces()) return false;
  // Release the piece: its records, their CSV headers, its buffers and
  // where its files were (the next piece's input may lie at the same
  // addresses).
  auto& records = BatchAccess::records(batch_, i);
  piece_rows_[i] += static_cast<int64_t>(records.size());
  records.clear();
  BatchAccess::csv_segments(batch_, i).clear();
  piece_buffers_[i].clear();
  auto& origins = BatchAccess::origins(batch_);
  auto& gone = piece_origins_[i];  // a piece may be thousands of small files
  std::sort(gone.begin(), gone.end());
  origins.erase(std::remove_if(origins.begin(), origins.end(),
                               [&](const RecordOrigin& o) { return std::binary_search(gone.begin(), gone.end(), o.begin); }),
                origins.end());
  gone.clear();
  BatchAccess::forget_last_origin(batch_);
  std::vector<OversizedRecord> oversized;
  const size_t origins_before = origins.size();
  if (!source.next_piece(intake_of(i, batch_.time(), false, oversized))) return false;
  for (size_t k = origins_before; k < origins.size(); ++k) piece_origins_[i].push_back(origins[k].begin);
  for (const OversizedRecord& r : oversized)
    engine_.count_rejected(SourceId{static_cast<int>(i)}, r.head, r.reason, {});
  return true;
}

bool BatchLoop::run_batch(Timestamp time, bool no_data) {
  const auto& sources = engine_.sources();
  const RunOptions& o = engine_.options();
  const int64_t id = next_id_;
  const bool replaying = replay_ && replay_->batch == id;
  if (replaying) {
    for (size_t i = 0; i < sources.size(); ++i) sources[i]->replay(replay_->offsets[i], replay_logs_[i]);
    replay_.reset();
    replay_logs_.clear();
  }
  int64_t started = steady_us();
  BatchAccess::begin(batch_, &engine_, id, time, sources.size());
  engine_.start_batch(id);
  bool exhausted = true;
  std::vector<int64_t> start_offsets(sources.size());
  std::vector<std::vector<OversizedRecord>> oversized(sources.size());
  piece_buffers_.resize(sources.size());
  piece_origins_.resize(sources.size());
  piece_rows_.assign(sources.size(), 0);
  BatchAccess::on_next_piece(batch_, [this](size_t i) { return next_piece(i); });
  for (size_t i = 0; i < sources.size(); ++i) {
    start_offsets[i] = sources[i]->position();
    const size_t origins_before = BatchAccess::origins(batch_).size();
    bool done = sources[i]->poll(intake_of(i, time, no_data, oversized[i]));
    exhausted = exhausted && done;
    if (sources[i]->reads_in_pieces())
      for (size_t k = origins_before; k < BatchAccess::origins(batch_).size(); ++k)
        piece_origins_[i].push_back(BatchAccess::origins(batch_)[k].begin);
  }
  // Structured Streaming: a trigger that found nothing new runs no batch
  // (the id is not used), unless the watermark moved: then it is Spark's
  // no-data batch, which lets stateful operators emit and evict.
  if (o.batches_only_with_data && !no_data && !replaying) {
    bool news = false;
    for (size_t i = 0; i < sources.size(); ++i)
      news = news || !BatchAccess::records(batch_, i).empty() || BatchAccess::generated(batch_, i).count > 0 ||
             !oversized[i].empty() || sources[i]->position() != start_offsets[i] || sources[i]->starts_query();
    if (!news) {
      if (!watermark_moved()) {
        // Spark reports an idle trigger now and then
        // (spark.sql.streaming.noDataProgressEventInterval, 10 s): the first
        // one of a run, then every 10 s without a batch.
        if (!observers_.empty() && (last_progress_us_ == 0 || steady_us() - last_progress_us_ >= 10'000'000)) {
          const BatchProgress p = progress_of(id, time, {started, started, started, started, started, started},
                                              start_offsets, true);
          for (ProgressObserver* ob : observers_) ob->batch_done(p);
          last_progress_us_ = steady_us();
        }
        end_batch();
        return exhausted;
      }
      no_data = true;
    }
  }
  int64_t polled = steady_us();
  CheckpointWriter::Ticket offsets_logged = 0;
  if (checkpoint_ && !replaying) {
    bool read_records = false;
    for (size_t i = 0; i < sources.size(); ++i) read_records = read_records || !BatchAccess::records(batch_, i).empty();
    if (read_records) failure_point("before-offsets");
    LoggedBatch logged{id, time.micros, no_data, {}};
    std::vector<std::pair<std::string, std::vector<std::string>>> source_logs;
    for (const auto& s : sources) {
      if (s->kind() == "files") source_logs.emplace_back(s->name(), s->last_log());
      logged.offsets.push_back(s->last_offset());
    }
    offsets_logged = log_writer_->submit(
        [ck = checkpoint_.get(), logged = std::move(logged), source_logs = std::move(source_logs)] {
          for (const auto& [name, log] : source_logs) ck->write_source_log(name, logged.batch, log);
          ck->write_offsets(logged);
          failure_point("after-offsets");
        });
  }
  // Files written during the batch must be those of a logged batch (a
  // re-run rewrites them); other batches compute while the offsets land.
  if (offsets_logged && offsets_before_batch_) log_writer_->wait(offsets_logged);
  int64_t logged_at = steady_us();
  for (const auto& sink : engine_.sinks()) sink->begin_batch(id);
  // Records the sources skipped for their size go where any bad record goes.
  for (size_t i = 0; i < sources.size(); ++i)
    for (const OversizedRecord& r : oversized[i])
      engine_.count_rejected(SourceId{static_cast<int>(i)}, r.head, r.reason, {});
  if (const auto& fn = engine_.batch_function()) fn(batch_);
  // A source read in pieces is read to its end by the program's stage; a
  // piece left means records that nothing processed.
  for (size_t i = 0; i < sources.size(); ++i)
    if (sources[i]->reads_in_pieces() && next_piece(i))
      throw FatalError("internal error: batch " + std::to_string(id) + " left records of source '" +
                       sources[i]->name() + "' unread (it reads them in pieces)");
  engine_.finish_batch();
  int64_t added = steady_us();
  if (checkpoint_) {
    const int64_t version = id + 1;
    const bool snapshot = version % o.snapshot_every == 0;
    for (const auto& st : engine_.states()) {
      std::string delta = delta_buffers_.take();
      Checkpoint::encode_state(*st.state, false, delta);
      // The next version is a snapshot: its buffer is made ready meanwhile,
      // sized from this delta's bytes per changed row.
      if ((version + 1) % o.snapshot_every == 0 && st.state->rows_updated() > 0) {
        const auto per_row = static_cast<double>(delta.size()) / static_cast<double>(st.state->rows_updated());
        const auto guess = static_cast<size_t>(per_row * static_cast<double>(st.state->rows()) * 1.25) + 65536;
        snapshot_writer_->submit([pool = &snapshot_buffers_, guess] { pool->prepare(guess); });
      }
      log_writer_->submit([ck = checkpoint_.get(), name = st.name, version, bytes = std::move(delta),
                           pool = &delta_buffers_]() mutable {
        ck->write_state(name, version, bytes, false);
        pool->give(std::move(bytes));
      });
      if (snapshot) {
        // One snapshot in flight at a time: a slow disk holds the loop
        // here rather than piling up copies of the whole state.
        snapshot_writer_->drain();
        std::string all = snapshot_buffers_.take();
        Checkpoint::encode_state(*st.state, true, all);
        snapshot_writer_->submit([ck = checkpoint_.get(), name = st.name, version, bytes = std::move(all),
                                  pool = &snapshot_buffers_]() mutable {
          ck->write_state(name, version, bytes, true);
          pool->give(std::move(bytes));
        });
      }
    }
  }
  int64_t state_saved = steady_us();
  // A sink commits only output of logged offsets: a crash then re-runs
  // the same batch, which the sink recognises.
  if (offsets_logged) log_writer_->wait(offsets_logged);
  for (const auto& sink : engine_.sinks()) sink->commit(id);
  // What each source took, for it to clean up once the commit is durable.
  std::vector<std::pair<const Source*, std::vector<std::string>>> taken;
  for (const auto& s : sources)
    if (auto log = s->last_log(); !log.empty()) taken.emplace_back(s.get(), std::move(log));
  if (checkpoint_) {
    std::vector<std::string> ops;
    for (const auto& st : engine_.states()) ops.push_back(st.name);
    log_writer_->submit([ck = checkpoint_.get(), id, ops = std::move(ops), taken = std::move(taken)] {
      failure_point("before-commit");
      ck->write_commit(id);
      ck->clean(id, ops);
      for (const auto& [source, log] : taken) source->clean(log);
    });
  } else {
    for (const auto& [source, log] : taken) source->clean(log);
  }
  int64_t committed = steady_us();
  if (!observers_.empty()) {
    const BatchProgress p = progress_of(id, time, {started, polled, logged_at, added, state_saved, committed}, start_offsets, false);
    for (ProgressObserver* o : observers_) o->batch_done(p);
    last_progress_us_ = steady_us();
  }
  for (const auto& st : engine_.states()) st.state->after_batch();
  if (batch_.has_watermark()) last_watermark_ = batch_.watermark().micros;
  previous_start_us_ = started;
  end_batch();
  ++next_id_;
  ++run_batches_;
  return exhausted;
}

}  // namespace streamc::rt
