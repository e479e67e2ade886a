// Where a checkpoint's files live. The Checkpoint class (checkpoint.hpp)
// does all its I/O through a CheckpointStore, by relative path ("metadata",
// "offsets/7", "commits/7", "sources/<name>/7", "state/<op>/0/8.delta"):
//
//   DirStore             a directory (--checkpoint DIR): each file written to
//                        a temporary name, fsynced, renamed (atomic_file.hpp)
//   KafkaChangelogStore  a task's records in a Kafka changelog topic, for a
//                        copy in a consumer group that has no shared disk
//                        (io/kafka_changelog.hpp)
//
// The bytes are sealed checkpoint files (checkpoint_file.hpp): the store
// moves them, the Checkpoint checks them. A write returns once the file is
// durable; writes come from the checkpoint writer threads (two at a time:
// the log writer and the snapshot writer), so a store is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "streamc/runtime/values.hpp"

namespace streamc::rt {

// A store found that another owner took the checkpoint over (a task's next
// owner in a consumer group, after a rebalance this copy had not yet heard
// of): this copy is a zombie of it. What it wrote since does not count, and
// it must not act on it: the task stops here, not the process.
class CheckpointTakenOver : public FatalError {
 public:
  using FatalError::FatalError;
};

class CheckpointStore {
 public:
  virtual ~CheckpointStore() = default;

  // Before any other call: creates what a new checkpoint needs, or loads
  // an existing one (a changelog's restore). Throws FatalError.
  virtual void open() = 0;
  // Makes the sealed file `bytes` durable at `rel`, replacing any file
  // there. `probe` names a failure point (base/failure_points.hpp) reached
  // once part of the file is on its way. Throws FatalError.
  virtual void write(const std::string& rel, std::string_view bytes, const char* probe = nullptr) = 0;
  // Returns once every file written so far is part of the checkpoint as
  // any later owner will restore it; throws CheckpointTakenOver when another
  // owner took the checkpoint over before some of them. Called after a
  // batch's offsets are written and before anything leaves the batch: a
  // batch whose offsets are in force gives the same output whoever runs it.
  // A directory has one owner at a time: nothing to do.
  virtual void confirm_owner() {}
  // The bytes at `rel`, or nothing when there is no such file. Throws
  // FatalError when it exists but cannot be read.
  virtual std::optional<std::string> read(const std::string& rel) const = 0;
  // The numbered files in the directory `rel_dir` ("12", or "12.delta" for
  // suffix ".delta" → 12), sorted. A missing directory has none.
  virtual std::vector<int64_t> list(const std::string& rel_dir, std::string_view suffix = {}) const = 0;
  // Removes the file at `rel` (nothing when there is none).
  virtual void remove(const std::string& rel) = 0;
  // `rel` as an error message names it: "chk/offsets/7"; describe("") names
  // the whole checkpoint ("chk").
  virtual std::string describe(const std::string& rel) const = 0;
};

// A checkpoint directory: the files at DIR/<rel>, written atomically.
class DirStore final : public CheckpointStore {
 public:
  explicit DirStore(std::string dir);
  void open() override;
  void write(const std::string& rel, std::string_view bytes, const char* probe = nullptr) override;
  std::optional<std::string> read(const std::string& rel) const override;
  std::vector<int64_t> list(const std::string& rel_dir, std::string_view suffix = {}) const override;
  void remove(const std::string& rel) override;
  std::string describe(const std::string& rel) const override;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace streamc::rt
