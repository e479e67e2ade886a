#include "io/files_source.hpp"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>

#include "io/framing.hpp"
#include "io/padded_buffer.hpp"

namespace streamc::rt {

FilesSource::FilesSource(std::string name, std::string pattern, SourceOptions options)
    : Source(std::move(name)), pattern_(std::move(pattern)), options_(options) {}

void FilesSource::start(RunMode mode) {
  mode_ = mode;
  if (mode == RunMode::Continuous) return;
  listed_at_start_ = list_new();
  files_pending_ = static_cast<int64_t>(listed_at_start_.size());
}

std::vector<FilesSource::Candidate> FilesSource::list_new() const {
  std::vector<Candidate> found;
  glob_t g{};
  // A missing directory is "no files yet", not an error (no GLOB_ERR).
  int rc = ::glob(pattern_.c_str(), 0, nullptr, &g);
  if (rc == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      std::string path = g.gl_pathv[i];
      if (taken_.count(path)) continue;
      struct stat st;
      if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;  // vanished, or a directory
      found.push_back({std::move(path), static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec});
    }
  }
  ::globfree(&g);
  std::sort(found.begin(), found.end(), [](const Candidate& a, const Candidate& b) {
    return a.mtime_ns != b.mtime_ns ? a.mtime_ns < b.mtime_ns : a.path < b.path;
  });
  return found;
}

void FilesSource::restore(std::string_view, const std::vector<std::string>& logs) {
  for (const auto& path : logs)
    if (taken_.insert(path).second) taken_order_.push_back(path);
  files_done_ = static_cast<int64_t>(taken_order_.size());
}

void FilesSource::replay(std::string_view, const std::vector<std::string>& log) { replay_ = log; }

bool FilesSource::poll(SourceIntake intake) {
  last_taken_.clear();
  if (replay_) {
    // Exactly the logged files, in the logged order, even if they no longer
    // match or were deleted (then the batch cannot be repeated: an error).
    std::vector<std::string> files = std::move(*replay_);
    replay_.reset();
    for (const auto& path : files) {
      if (!read_file(path, intake)) throw FatalError("source '" + name_ + "': cannot re-run batch " +
                                                           std::to_string(intake.batch_id) + ": its file '" + path +
                                                           "' is gone");
      if (taken_.insert(path).second) taken_order_.push_back(path);
      last_taken_.push_back(path);
      files_done_ = static_cast<int64_t>(taken_order_.size());
    }
  } else if (!intake.no_data) {
    take_new(intake);
  }
  region_.reset();  // the batch's buffers keep it until they are released
  if (mode_ == RunMode::Continuous) return false;
  return std::all_of(listed_at_start_.begin(), listed_at_start_.end(),
                     [this](const Candidate& c) { return taken_.count(c.path) > 0; });
}

void FilesSource::take_new(SourceIntake& intake) {
  // A bounded run takes the files listed at start, in that order (listing
  // and stat-ing thousands of files again costs more than reading them).
  std::vector<Candidate> files;
  if (mode_ == RunMode::Continuous) {
    files = list_new();
  } else {
    for (const auto& c : listed_at_start_)
      if (!taken_.count(c.path)) files.push_back(c);
  }
  // --once takes everything in one batch, as Spark's Trigger.Once does.
  size_t limit = files.size();
  if (mode_ != RunMode::Once && options_.max_files_per_batch > 0)
    limit = std::min(limit, static_cast<size_t>(options_.max_files_per_batch));
  files_pending_ = static_cast<int64_t>(files.size());
  for (size_t i = 0; i < limit; ++i) {
    const bool read = read_file(files[i].path, intake);
    files_pending_ = static_cast<int64_t>(files.size() - i - 1);
    if (!read) continue;  // deleted between listing and reading
    taken_.insert(files[i].path);
    taken_order_.push_back(files[i].path);
    last_taken_.push_back(files[i].path);
    files_done_ = static_cast<int64_t>(taken_order_.size());
  }
}

bool FilesSource::read_file(const std::string& path, SourceIntake& intake) {
  auto fail = [&](int err) {
    throw FatalError("source '" + name_ + "': cannot read '" + path + "': " + std::strerror(err));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return false;  // deleted between listing and reading
    fail(errno);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    fail(err);
  }
  // A regular file (the size fstat saw) is read into the poll's ReadRegion
  // (memory reused from batch to batch) and framed piece by piece as it is
  // read; anything else (a pipe) to its end into a buffer of its own.
  // kRecordPadding zeros follow either.
  const size_t first = intake.records.size();
  FileFramer framer(options_.format, options_.multiline, options_.csv_delimiter);
  const char* framing = nullptr;  // where the pieces framed so far are
  std::shared_ptr<PaddedBuffer> buf;
  if (S_ISREG(st.st_mode)) {
    buf = PaddedBuffer::read_file(fd, static_cast<size_t>(st.st_size), region_, [&](std::string_view so_far) {
      framing = so_far.data();
      framer.more(so_far, intake.records);
    });
  } else {
    buf = PaddedBuffer::read_rest(fd, PaddedBuffer::with_capacity(static_cast<size_t>(st.st_size > 0 ? st.st_size : 0) + 1));
  }
  int err = errno;
  ::close(fd);
  if (!buf) fail(err);
  if (framing && framing != buf->data.get()) {  // moved to a bigger buffer: frame it all again
    intake.records.resize(first);
    framer = FileFramer(options_.format, options_.multiline, options_.csv_delimiter);
  }
  if (buf->size == 0) return true;
  framer.finish(buf->view(), intake.records);
  const std::string_view text = buf->view();
  take_buffer(path, std::move(buf), first, intake);
  drop_oversized(path, text, first, intake);
  return true;
}

void FilesSource::drop_oversized(const std::string& path, std::string_view text, size_t first,
                                 SourceIntake& intake) const {
  const auto limit = static_cast<size_t>(options_.max_record_bytes);
  auto& records = intake.records;
  size_t keep = first;
  int64_t line = 1;
  const char* counted = text.data();
  for (size_t i = first; i < records.size(); ++i) {
    if (records[i].size() <= limit) {
      records[keep++] = records[i];
      continue;
    }
    for (; counted < records[i].data(); ++counted) line += *counted == '\n';
    if (intake.oversized)
      intake.oversized->push_back(oversized_record(static_cast<int64_t>(records[i].size()), options_.max_record_bytes,
                                                   "(in " + path + ", line " + std::to_string(line) + ")", records[i]));
  }
  records.resize(keep);
}

void FilesSource::take_buffer(const std::string& path, std::shared_ptr<PaddedBuffer> buf, size_t first,
                              SourceIntake& intake) const {
  if (options_.format == SourceFormat::Csv && options_.csv_header && intake.records.size() > first) {
    // The file's first record is its header.
    static std::atomic<uint64_t> next_header_id{1};
    auto header = std::make_shared<CsvHeader>();
    header->id = next_header_id.fetch_add(1);
    header->file = path;
    Arena scratch;
    std::vector<std::string_view> names;
    split_csv(intake.records[first], options_.csv_delimiter, names, scratch);
    for (std::string_view n : names) header->names.emplace_back(n);
    intake.records.erase(intake.records.begin() + static_cast<std::ptrdiff_t>(first));
    if (intake.csv_segments) intake.csv_segments->push_back({first, std::move(header)});
  }
  if (intake.origins) intake.origins->push_back({buf->data.get(), buf->data.get() + buf->size, path});
  intake.buffers.push_back(std::move(buf));
}

}  // namespace streamc::rt
