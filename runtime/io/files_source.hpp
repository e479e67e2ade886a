// files("dir/*.txt"): every file matching the glob is taken once, new files
// in modification-time order (then name), records framed per SourceFormat
// (base/framing.hpp). Like Spark's file stream source with maxFilesPerTrigger.
// A path that is a directory reads the files in it (Spark's
// readStream.json(dir)); `**` in the pattern matches any number of
// directories (Spark's recursiveFileLookup). Files whose names start with
// `.` or `_` are skipped in both, as Spark skips hidden and metadata files.
// A directory that does not exist is said at start on stderr and in every
// progress record (problem()) while it is missing; files may still come.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "io/source.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

struct PaddedBuffer;
class ReadRegion;

class FilesSource final : public Source {
 public:
  FilesSource(std::string name, std::string pattern, SourceOptions options);

  void start(RunMode mode) override;
  bool poll(SourceIntake intake) override;
  // In pieces (SourceOptions::in_pieces): a piece is files read until
  // kPieceBytes are in memory (a larger file is a piece of its own). While
  // the batch works through one piece, a thread of the source reads the
  // next one ahead (opening, reading and framing its files) into a second
  // region; the two regions take turns, each read over again. Tests set
  // another size with STREAMC_TEST_PIECE_BYTES.
  static constexpr size_t kPieceBytes = size_t{8} << 20;
  bool reads_in_pieces() const override { return options_.in_pieces; }
  bool next_piece(SourceIntake intake) override;
  ~FilesSource() override;

  // The files taken so far, in the order they were taken.
  const std::vector<std::string>& taken() const { return taken_order_; }

  // Checkpoints: a batch's offset is the number of files taken up to it; its
  // log is the files it took, in order (Spark's FileStreamSourceLog).
  std::string kind() const override { return "files"; }
  std::string last_offset() const override { return std::to_string(taken_order_.size()); }
  std::vector<std::string> last_log() const override { return last_taken_; }
  void restore(std::string_view last_offset, const std::vector<std::string>& logs) override;
  void replay(std::string_view offset, const std::vector<std::string>& log) override;
  int64_t position() const override { return static_cast<int64_t>(taken_order_.size()); }
  std::optional<SourceBacklog> backlog() const override {
    return SourceBacklog{files_done_.load(std::memory_order_relaxed), files_pending_.load(std::memory_order_relaxed),
                         "files"};
  }
  std::string problem() const override;
  void clean(const std::vector<std::string>& log) const override;

 private:
  struct Candidate {
    std::string path;
    int64_t mtime_ns;
  };
  std::vector<Candidate> list_new() const;
  // Takes the next new files (up to max_files_per_batch).
  void take_new(SourceIntake& intake);
  // Appends one file's records, read into `region` (adding its bytes to
  // `bytes`); false when the file does not exist. Touches no member but
  // the const options: the read-ahead thread calls it too.
  bool read_file(const std::string& path, SourceIntake& intake, std::shared_ptr<ReadRegion>& region,
                 size_t& bytes) const;
  // read_file, or in pieces with this piece full, leaves the file for a
  // later piece (taken all the same: it is the batch's).
  bool read_or_leave(const std::string& path, SourceIntake& intake);
  FatalError gone_in_rerun(const std::string& path, int64_t batch_id) const;
  // Hands one file's buffer, whose records were framed from index `first`
  // on, to the batch (a CSV file's first record becomes its header).
  void take_buffer(const std::string& path, std::shared_ptr<PaddedBuffer> buf, size_t first, SourceIntake& intake) const;
  // Takes the records from index `first` on that are longer than
  // max_record_bytes out of the batch, to be rejected with their file and
  // line. (The file itself is read whole: its memory is the batch's, which
  // max_files_per_batch bounds.)
  void drop_oversized(const std::string& path, std::string_view text, size_t first, SourceIntake& intake) const;

  std::string pattern_;
  // Where listing starts: the pattern's leading components without
  // wildcards ("in" for "in/**/*.json"); `recursive_` when it holds "**" or
  // names a directory.
  std::string base_dir_;
  SourceOptions options_;
  RunMode mode_ = RunMode::Continuous;
  std::unordered_set<std::string> taken_;
  std::vector<std::string> taken_order_;
  std::vector<std::string> last_taken_;  // by the last poll
  std::optional<std::vector<std::string>> replay_;
  // Bounded modes: the files that were there at start, in the order they
  // are taken; nothing else is taken.
  std::vector<Candidate> listed_at_start_;
  // For backlog(), read by other threads: files taken; files seen waiting
  // by the last listing and not taken since.
  std::atomic<int64_t> files_done_{0}, files_pending_{0};
  // Where this poll reads files (PaddedBuffer::read_file).
  std::shared_ptr<ReadRegion> region_;
  // In pieces: the bytes of the first piece (poll's; later pieces count in
  // Ahead), and the batch's files left for later pieces (from
  // unread_[next_unread_] on); `rerun_` and `batch_id_`: of the batch, whose
  // files must all be there when it is a re-run.
  size_t piece_limit_ = kPieceBytes;
  size_t piece_bytes_ = 0;
  std::vector<std::string> unread_;
  size_t next_unread_ = 0;
  bool rerun_ = false;
  int64_t batch_id_ = 0;
  // The next piece, being read ahead (in flight while `ahead_->done` is
  // valid); its thread reads unread_ from next_unread_ on, which nothing
  // else touches until next_piece has waited for it.
  struct Ahead;
  std::unique_ptr<Ahead> ahead_;
  void read_ahead();
};

}  // namespace streamc::rt
