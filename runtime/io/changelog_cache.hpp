// A group member's local cache of its tasks' changelog records: what
// `--checkpoint DIR` is for a copy in a consumer group (the changelog topic
// is the task's checkpoint; io/kafka_changelog.hpp). A restore with a cache
// reads from Kafka only the records after those the cache holds, as Kafka
// Streams restores a local state store from its checkpointed offset on.
//
// The cache holds exact copies of the task's records (key, value and the
// streamc headers, by offset), never a state folded from them: a restore
// folds the cached records at or after the partition's low watermark, then
// the partition from after the cached ones, which is the fold of a restore
// that reads the whole partition. One file per task, DIR/<topic>/<task>,
// appended to as the copy reads the changelog (its restore, then each
// confirmation of its ownership) and rewritten at each restore:
//
//   frame   := size (u32) xxh3 (u64, of the payload) payload
//   payload := 'H' "streamc changelog cache 1" topic partition task start
//            | 'R' offset key value? epoch? from? part?     a record of the task
//            | 'T' offset                 every record of the task up to offset is above
//
// (numbers little-endian, strings a u32 length then the bytes, `?` a
// presence byte). A reader takes the frames up to the last complete 'T'
// and the records at or below its offset; a torn or damaged frame (a crash
// while appending) ends the file there. The cache is only as good as the
// check at restore: the record at the last 'T' offset must still be in the
// partition and equal the cached one, else the restore reads the partition
// whole, as without a cache.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace streamc::rt {

// One changelog record as the topic holds it.
struct ChangelogRecordView {
  int64_t offset = -1;
  std::string_view key;
  std::optional<std::string_view> value;
  std::optional<std::string_view> epoch, from, part;  // the streamc-* headers
  friend bool operator==(const ChangelogRecordView&, const ChangelogRecordView&) = default;
};

class ChangelogCache {
 public:
  ChangelogCache(const std::string& dir, std::string topic, int32_t partition, std::string task);
  ~ChangelogCache();
  ChangelogCache(const ChangelogCache&) = delete;
  ChangelogCache& operator=(const ChangelogCache&) = delete;

  // What the task's cache file holds: the records from offset `start` on
  // through offset `through`, in offset order (views into `bytes`).
  struct Contents {
    int64_t start = -1, through = -1;
    std::string bytes;
    std::vector<ChangelogRecordView> records;
  };
  // Nothing when there is no file, or it is of another topic, partition or
  // task, or holds no complete 'T' frame.
  std::optional<Contents> load() const;
  // The same of a file's bytes.
  std::optional<Contents> parse(std::string bytes) const;

  // Starts a new file (a temporary one until commit()) holding the task's
  // records from offset `start` on.
  void begin(int64_t start);
  // Appends a record of the task; one at or below the last appended offset
  // (read again) is skipped.
  void add(const ChangelogRecordView& r);
  // Every record of the task up to `offset` was added.
  void through(int64_t offset);
  // Puts the new file in place of the task's file (then appends go on
  // there). Before it, the file in place is untouched.
  void commit();

  // DIR/<topic>/<task>, for messages.
  const std::string& path() const { return path_; }

 private:
  void frame(std::string_view payload);
  // Stops writing after an error (one line on stderr).
  void give_up();
  void close();

  std::string topic_, task_, path_, temp_;
  int32_t partition_;
  std::mutex mu_;
  std::FILE* out_ = nullptr;
  bool committed_ = false, failed_ = false;
  int64_t last_ = -1;
};

}  // namespace streamc::rt
