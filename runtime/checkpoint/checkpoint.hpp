// The checkpoint directory of a program (DESIGN.md, "Runtime semantics"):
//
//   metadata                           query id, format version, plan signatures
//   offsets/<batch>                    written before the batch runs: its time and
//                                      every source's offset (one line each)
//   sources/<name>/<batch>             the files a files source took in the batch
//   sources/<name>/<batch>.compact     every file it took up to that batch (every
//                                      kCompactEvery batches; older logs removed)
//   commits/<batch>                    written after every sink committed
//   state/<op>/0/<version>.delta       what changed in the batch (version = batch + 1)
//   state/<op>/0/<version>.snapshot    everything, every K versions (beside that
//                                      version's delta; written in the background)
//
// Every file is a checkpoint file (checkpoint_file.hpp): checksummed,
// rejected with an error naming it when damaged. The files live in a
// CheckpointStore (checkpoint_store.hpp): a directory (DirStore: written to
// a temp name, fsynced, renamed) or a Kafka changelog topic
// (io/kafka_changelog.hpp), by the same relative paths. The batch loop (core/batch_loop.cpp) drives the protocol; the
// writes themselves run on background threads (checkpoint_writer.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint/checkpoint_store.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

// What offsets/<batch> holds.
struct LoggedBatch {
  int64_t batch = 0;
  int64_t time_us = 0;
  bool no_data = false;              // the final batch of a bounded run with a watermark
  std::vector<std::string> offsets;  // per source, in registration order
};

// "name\tsignature" pairs: sources ("lines" → "files") and state ("aggregate#0" → "keys=…").
using Signatures = std::vector<std::pair<std::string, std::string>>;

class Checkpoint {
 public:
  static constexpr int kFormatVersion = 1;
  // A checkpoint directory (a DirStore).
  explicit Checkpoint(std::string dir);
  explicit Checkpoint(std::unique_ptr<CheckpointStore> store);

  // Writes the metadata of a new checkpoint, or reads an existing one and
  // throws FatalError naming what changed when the plan cannot follow it.
  void open(const Signatures& sources, const Signatures& states);
  const std::string& query_id() const { return query_id_; }
  // A file of the checkpoint as errors name it ("chk/offsets/7"); "" names
  // the checkpoint itself.
  std::string describe(const std::string& rel = "") const { return store_->describe(rel); }
  CheckpointStore& store() const { return *store_; }

  int64_t last_committed() const { return last_committed_; }  // -1: none
  // Bytes and microseconds spent writing checkpoint files so far (on any
  // thread), for metrics.
  int64_t written_bytes() const { return written_bytes_.load(std::memory_order_relaxed); }
  int64_t write_us() const { return write_us_.load(std::memory_order_relaxed); }
  // The last logged batch when it has no commit: it is re-run.
  const std::optional<LoggedBatch>& pending() const { return pending_; }
  LoggedBatch read_offsets(int64_t batch) const;
  std::vector<std::string> read_source_log(const std::string& source, int64_t batch) const;
  // Every file the source took in batches 0..last: the newest compact file
  // at or below `last`, then the batch logs after it.
  std::vector<std::string> read_source_history(const std::string& source, int64_t last) const;
  static constexpr int64_t kCompactEvery = 10;

  void write_source_log(const std::string& source, int64_t batch, const std::vector<std::string>& log);
  void write_offsets(const LoggedBatch& b);
  void write_commit(int64_t batch);

  // State version v is the state after batch v - 1 (version 0: empty).
  // encode_state fills `bytes` (cleared first; its capacity is reused) with
  // the unsealed file of a delta (what changed since the last encode) or a
  // snapshot, on the loop's thread. write_state seals those bytes (checksum
  // trailer) and writes the file; it touches no member, so it runs on a
  // writer thread. At a snapshot version the loop writes the delta too, so
  // the snapshot may land later without the commit waiting for it.
  static void encode_state(PersistentState& state, bool snapshot, std::string& bytes);
  void write_state(const std::string& op, int64_t version, std::string& bytes, bool snapshot) const;
  // Newest snapshot at or below `version` (else version 0), then the deltas
  // after it. Files
  // of later versions (a batch that never committed) are removed.
  void restore_state(const std::string& op, int64_t version, PersistentState& state);
  // After the commit of `batch`: drops offsets and commits older than 100
  // batches, and state files older than the second newest snapshot.
  void clean(int64_t batch, const std::vector<std::string>& ops);

 private:
  // Writes one file to the store, counting its bytes and time.
  void write_file(const std::string& rel, std::string_view kind, std::string_view payload) const;
  // Reads and checks one file; FatalError naming it when missing or damaged.
  std::string read_file(const std::string& rel, std::string_view kind) const;
  mutable std::atomic<int64_t> written_bytes_{0}, write_us_{0};
  static std::string state_dir(const std::string& op) { return "state/" + op + "/0"; }
  std::unique_ptr<CheckpointStore> store_;
  std::string query_id_;
  int64_t last_committed_ = -1;
  std::optional<LoggedBatch> pending_;
};

// Plan signature differences, one message: "" when the checkpoint can go on.
std::string describe_plan_change(const Signatures& old_sources, const Signatures& new_sources,
                                 const Signatures& old_states, const Signatures& new_states);

}  // namespace streamc::rt
