#include "io/files_source.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <memory>

#include "io/decompress.hpp"
#include "base/framing.hpp"
#include "io/padded_buffer.hpp"

namespace streamc::rt {

namespace {

bool has_wildcard(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

// Whether `path` matches `pattern`, both split at '/': "**" matches any
// number of components, anything else one component (fnmatch).
bool match_components(const std::vector<std::string>& pat, size_t p, const std::vector<std::string>& path, size_t i) {
  if (p == pat.size()) return i == path.size();
  if (pat[p] == "**") {
    for (size_t k = i; k <= path.size(); ++k)
      if (match_components(pat, p + 1, path, k)) return true;
    return false;
  }
  return i < path.size() && ::fnmatch(pat[p].c_str(), path[i].c_str(), FNM_PERIOD) == 0 &&
         match_components(pat, p + 1, path, i + 1);
}

std::vector<std::string> components(std::string_view s) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= s.size()) {
    size_t slash = s.find('/', at);
    if (slash == std::string_view::npos) slash = s.size();
    if (slash > at) out.emplace_back(s.substr(at, slash - at));
    at = slash + 1;
  }
  return out;
}

bool hidden(const std::string& name) { return !name.empty() && (name[0] == '.' || name[0] == '_'); }

// kPieceBytes, or for tests STREAMC_TEST_PIECE_BYTES (1: every file a piece).
size_t piece_bytes_from_environment() {
  const char* env = std::getenv("STREAMC_TEST_PIECE_BYTES");
  if (!env || !*env) return FilesSource::kPieceBytes;
  std::string_view s(env);
  size_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || p != s.data() + s.size() || n == 0)
    throw FatalError("STREAMC_TEST_PIECE_BYTES='" + std::string(s) + "' is not a positive number of bytes");
  return n;
}

}  // namespace

FilesSource::FilesSource(std::string name, std::string pattern, SourceOptions options)
    : Source(std::move(name)), pattern_(std::move(pattern)), options_(options),
      piece_limit_(piece_bytes_from_environment()) {
  // The leading components without wildcards are where listing starts.
  std::string_view p = pattern_;
  size_t wild = p.find_first_of("*?[");
  size_t cut = wild == std::string_view::npos ? p.size() : p.rfind('/', wild);
  base_dir_ = wild == std::string_view::npos ? std::string(p) : cut == std::string_view::npos ? "." : std::string(p.substr(0, cut));
  if (base_dir_.empty()) base_dir_ = "/";
}

std::string FilesSource::problem() const {
  struct stat st;
  std::string dir = base_dir_;
  if (!has_wildcard(pattern_)) {
    // A plain path: a file or a directory of files; what must exist is it.
    if (::stat(pattern_.c_str(), &st) == 0) return {};
    size_t slash = pattern_.rfind('/');
    dir = slash == std::string::npos ? "." : slash == 0 ? "/" : pattern_.substr(0, slash);
    if (::stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return {};  // a file still to come
  }
  if (::stat(dir.c_str(), &st) != 0) return "directory '" + dir + "' does not exist";
  if (!S_ISDIR(st.st_mode)) return "'" + dir + "' is not a directory";
  return {};
}

void FilesSource::start(RunMode mode) {
  mode_ = mode;
  if (std::string why = problem(); !why.empty())
    std::fprintf(stderr, "source '%s': %s (reading '%s'); no files yet\n", name_.c_str(), why.c_str(),
                 pattern_.c_str());
  if (mode == RunMode::Continuous) return;
  listed_at_start_ = list_new();
  files_pending_ = static_cast<int64_t>(listed_at_start_.size());
}

std::vector<FilesSource::Candidate> FilesSource::list_new() const {
  std::vector<Candidate> found;
  auto consider = [&](std::string path) {
    if (taken_.count(path)) return;
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return;  // vanished, or a directory
    found.push_back({std::move(path), static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec});
  };
  struct stat st;
  const bool dir_path = !has_wildcard(pattern_) && ::stat(pattern_.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  if (dir_path || pattern_.find("**") != std::string::npos) {
    // A directory's files, or a pattern with "**": walk from the base.
    std::vector<std::string> pat = components(pattern_);
    std::error_code ec;
    namespace fs = std::filesystem;
    auto it = fs::recursive_directory_iterator(base_dir_, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (hidden(name)) {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (dir_path) {
        if (it->is_directory(ec)) it.disable_recursion_pending();  // its own files only, as Spark's default
        else consider(it->path().string());
        continue;
      }
      if (!it->is_directory(ec) && match_components(pat, 0, components(it->path().string()), 0))
        consider(it->path().string());
    }
  } else {
    glob_t g{};
    // A missing directory is "no files yet", not an error (no GLOB_ERR).
    if (::glob(pattern_.c_str(), 0, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) consider(g.gl_pathv[i]);
    ::globfree(&g);
  }
  std::sort(found.begin(), found.end(), [latest = options_.latest_first](const Candidate& a, const Candidate& b) {
    if (a.mtime_ns != b.mtime_ns) return latest ? a.mtime_ns > b.mtime_ns : a.mtime_ns < b.mtime_ns;
    return a.path < b.path;
  });
  return found;
}

// Spark's cleanSource: a committed batch's files are deleted, or moved to
// archive_dir with their path below it (in/a.json -> archive/in/a.json). A
// file that cannot be moved is left where it is, with a warning, as Spark
// does; it is never taken again (the checkpoint remembers it).
void FilesSource::clean(const std::vector<std::string>& log) const {
  namespace fs = std::filesystem;
  for (const auto& path : log) {
    std::error_code ec;
    if (options_.clean_source == CleanSource::Delete) {
      fs::remove(path, ec);
    } else if (options_.clean_source == CleanSource::Archive) {
      std::string rel = path;
      while (rel.rfind("./", 0) == 0) rel.erase(0, 2);
      while (!rel.empty() && rel[0] == '/') rel.erase(0, 1);
      fs::path to = fs::path(options_.archive_dir) / rel;
      fs::create_directories(to.parent_path(), ec);
      if (!ec) fs::rename(path, to, ec);
      if (ec == std::errc::cross_device_link) {
        ec.clear();
        fs::copy_file(path, to, fs::copy_options::overwrite_existing, ec);
        if (!ec) fs::remove(path, ec);
      }
    }
    if (ec && ec != std::errc::no_such_file_or_directory)
      std::fprintf(stderr, "source '%s': cannot %s '%s': %s\n", name_.c_str(),
                   options_.clean_source == CleanSource::Delete ? "delete" : "archive", path.c_str(),
                   ec.message().c_str());
  }
}

void FilesSource::restore(std::string_view, const std::vector<std::string>& logs) {
  for (const auto& path : logs)
    if (taken_.insert(path).second) taken_order_.push_back(path);
  files_done_ = static_cast<int64_t>(taken_order_.size());
}

void FilesSource::replay(std::string_view, const std::vector<std::string>& log) { replay_ = log; }

FatalError FilesSource::gone_in_rerun(const std::string& path, int64_t batch_id) const {
  return FatalError("source '" + name_ + "': cannot re-run batch " + std::to_string(batch_id) + ": its file '" + path +
                    "' is gone");
}

bool FilesSource::read_or_leave(const std::string& path, SourceIntake& intake) {
  if (!options_.in_pieces || piece_bytes_ < piece_limit_) return read_file(path, intake, region_, piece_bytes_);
  unread_.push_back(path);
  return true;
}

bool FilesSource::poll(SourceIntake intake) {
  last_taken_.clear();
  piece_bytes_ = 0;
  unread_.clear();
  next_unread_ = 0;
  rerun_ = replay_.has_value();
  batch_id_ = intake.batch_id;
  if (options_.in_pieces && !region_) region_ = ReadRegion::take();
  if (replay_) {
    // Exactly the logged files, in the logged order, even if they no longer
    // match or were deleted (then the batch cannot be repeated: an error).
    std::vector<std::string> files = std::move(*replay_);
    replay_.reset();
    for (const auto& path : files) {
      if (!read_or_leave(path, intake)) throw gone_in_rerun(path, intake.batch_id);
      if (taken_.insert(path).second) taken_order_.push_back(path);
      last_taken_.push_back(path);
      files_done_ = static_cast<int64_t>(taken_order_.size());
    }
  } else if (!intake.no_data) {
    take_new(intake);
  }
  if (unread_.empty())
    region_.reset();  // the batch's buffers keep it until they are released
  else
    read_ahead();
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
    const bool read = read_or_leave(files[i].path, intake);
    files_pending_ = static_cast<int64_t>(files.size() - i - 1);
    if (!read) continue;  // deleted between listing and reading
    taken_.insert(files[i].path);
    taken_order_.push_back(files[i].path);
    last_taken_.push_back(files[i].path);
    files_done_ = static_cast<int64_t>(taken_order_.size());
  }
}

// The piece being read ahead: what read_file appends for it, and the
// region it reads into (the spare one between pieces).
struct FilesSource::Ahead {
  std::shared_ptr<ReadRegion> region;
  std::vector<std::string_view> records;
  std::vector<std::shared_ptr<const void>> buffers;
  std::vector<CsvSegment> csv_segments;
  std::vector<RecordOrigin> origins;
  std::vector<OversizedRecord> oversized;
  size_t bytes = 0;
  size_t next = 0;  // the index in unread_ after the piece
  std::future<void> done;
};

FilesSource::~FilesSource() {
  if (ahead_ && ahead_->done.valid()) ahead_->done.wait();
}

void FilesSource::read_ahead() {
  if (!ahead_) ahead_ = std::make_unique<Ahead>();
  Ahead& a = *ahead_;
  a.records.clear();
  a.buffers.clear();
  a.csv_segments.clear();
  a.origins.clear();
  a.oversized.clear();
  a.bytes = 0;
  // The spare region, once nothing borrows from it, is read over again.
  if (a.region && a.region.use_count() == 1) a.region->rewind();
  else a.region = ReadRegion::take();
  a.done = std::async(std::launch::async, [this, &a, from = next_unread_] {
    SourceIntake intake{a.records, a.buffers};
    intake.csv_segments = &a.csv_segments;
    intake.origins = &a.origins;
    intake.oversized = &a.oversized;
    size_t i = from;
    while (i < unread_.size() && a.bytes < piece_limit_) {
      const std::string& path = unread_[i++];
      // A file deleted since the batch took (and logged) it is skipped; in
      // a re-run it is an error, as in poll.
      if (!read_file(path, intake, a.region, a.bytes) && rerun_) throw gone_in_rerun(path, batch_id_);
    }
    a.next = i;
  });
}

bool FilesSource::next_piece(SourceIntake intake) {
  if (!ahead_ || !ahead_->done.valid()) return false;
  Ahead& a = *ahead_;
  a.done.get();  // what reading it threw, thrown here
  next_unread_ = a.next;
  const size_t base = intake.records.size();
  intake.records.insert(intake.records.end(), a.records.begin(), a.records.end());
  for (CsvSegment& seg : a.csv_segments) {
    seg.first_record += base;
    if (intake.csv_segments) intake.csv_segments->push_back(std::move(seg));
  }
  if (intake.origins) intake.origins->insert(intake.origins->end(), a.origins.begin(), a.origins.end());
  if (intake.oversized)
    for (OversizedRecord& r : a.oversized) intake.oversized->push_back(std::move(r));
  for (auto& b : a.buffers) intake.buffers.push_back(std::move(b));
  // The regions change places: the batch released the last piece, so its
  // region becomes the spare the piece after this one is read into.
  std::swap(region_, a.region);
  if (next_unread_ < unread_.size()) {
    read_ahead();
  } else {
    unread_.clear();
    next_unread_ = 0;
    region_.reset();
    a.region.reset();
  }
  return true;
}

bool FilesSource::read_file(const std::string& path, SourceIntake& intake, std::shared_ptr<ReadRegion>& region,
                            size_t& bytes) const {
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
  const Compression compression = compression_of(path);
  if (compression != Compression::None) {
    // Read whole, then decompressed whole: framing starts after that.
    buf = PaddedBuffer::read_rest(fd, PaddedBuffer::with_capacity(static_cast<size_t>(st.st_size > 0 ? st.st_size : 0) + 1));
    if (buf && buf->size > 0) {
      try {
        buf = decompress(buf->view(), compression, path);
      } catch (const FatalError& e) {
        ::close(fd);
        throw FatalError("source '" + name_ + "': " + e.what());
      }
    }
  } else if (S_ISREG(st.st_mode)) {
    buf = PaddedBuffer::read_file(fd, static_cast<size_t>(st.st_size), region, [&](std::string_view so_far) {
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
  bytes += text.size();
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
