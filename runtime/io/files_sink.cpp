// files("dir", format: …) as a sink: one part file per non-empty batch,
// written to a hidden temporary name, fsynced, then renamed into place so a
// reader never sees half a part. In `complete` mode every batch's part holds
// the whole result table; a reader takes the latest part.
//
// Exactly once (with a checkpoint): after the batch, an entry
// <dir>/_streamc/<batch> (a checkpoint file, kind "manifest") names the
// batch's parts; a batch already in the manifest writes nothing when it is
// re-run. The entry is written before the checkpoint's commit log, so a
// batch is either in the manifest (its parts are final) or re-run.
//
// A part is written a chunk at a time while the batch's rows are formatted
// (FilesSink::write), still under the temporary name until it is complete.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint/output_manifest.hpp"
#include "base/atomic_file.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

// One partition directory's part of the batch.
struct FilesSink::Partition {
  std::string chunk;
  std::unique_ptr<AtomicFileWriter> part;
};

FilesSink::FilesSink(std::string name, std::string dir, FilesSinkOptions options)
    : Sink(std::move(name)), dir_(std::move(dir)), options_(options) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  if (int err = make_dirs(dir_))
    throw FatalError("sink '" + name_ + "': cannot create directory '" + dir_ + "': " + std::strerror(err));
}

void FilesSink::start_exactly_once(const std::string& query_id) {
  const std::string mdir = manifest_dir(dir_, options_.task);
  if (int err = make_dirs(mdir))
    throw FatalError("sink '" + name_ + "': cannot create directory '" + mdir + "': " + std::strerror(err));
  committed_ = numbered_files(mdir);
  if (!committed_.empty()) {
    ManifestEntry last = read_manifest_entry(dir_, committed_.back(), options_.task);
    if (last.query_id != query_id)
      throw FatalError("sink '" + name_ + "': '" + dir_ + "' holds the committed output of another query (" + mdir + "/" +
                       std::to_string(committed_.back()) + " names query " + last.query_id +
                       "); use a new output directory, or that query's checkpoint");
  }
  query_id_ = query_id;
}

void FilesSink::begin_batch(int64_t batch_id) {
  rows_ = 0;
  batch_parts_.clear();
  part_.reset();  // a part left by a failed write is removed
  chunk_.clear();
  partitions_.clear();
  skip_batch_ = !query_id_.empty() && std::binary_search(committed_.begin(), committed_.end(), batch_id);
}

FilesSink::~FilesSink() = default;

namespace {

// Spark's escapePathName: characters that cannot stand in a path segment
// (or would read as one) become %XX.
void append_path_name(std::string& out, std::string_view s) {
  static constexpr std::string_view kEscaped = "\"#%'*/:=?\\\x7f{[]^";
  for (unsigned char c : s) {
    if (c < 0x20 || kEscaped.find(static_cast<char>(c)) != std::string_view::npos) {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
}

}  // namespace

void FilesSink::add_partition_line(const Batch& batch) {
  std::string path;
  for (size_t i = 0; i < options_.partition_by.size(); ++i) {
    if (i) path += '/';
    append_path_name(path, options_.partition_by[i]);
    path += '=';
    if (partition_values_[i] == "__HIVE_DEFAULT_PARTITION__")
      path += partition_values_[i];
    else
      append_path_name(path, partition_values_[i]);
  }
  auto& slot = partitions_[path];
  if (!slot) {
    slot = std::make_unique<Partition>();
    if (options_.format == FileFormat::Csv && options_.csv_header) slot->chunk = partition_header_;
  }
  Partition& p = *slot;
  p.chunk += line_;
  ++rows_;
  if (p.chunk.size() >= kChunkBytes) {
    open_partition(path, p, batch);
    p.part->write(p.chunk);
    p.chunk.clear();
  }
}

// The partition's part file in its directory (made when missing), once.
void FilesSink::open_partition(const std::string& path, Partition& p, const Batch& batch) {
  if (p.part) return;
  const std::string dir = dir_ + "/" + path;
  if (int err = make_dirs(dir))
    throw FatalError("sink '" + name_ + "': cannot create directory '" + dir + "': " + std::strerror(err));
  p.part = std::make_unique<AtomicFileWriter>(dir, part_name(batch), "sink '" + name_ + "'", "mid-sink-write");
}

std::string FilesSink::part_name(const Batch& batch) const {
  const char* ext = options_.format == FileFormat::Json ? "json" : options_.format == FileFormat::Csv ? "csv" : "txt";
  char base[48];
  std::snprintf(base, sizeof base, "%05lld.%s", static_cast<long long>(batch.id()), ext);
  return (options_.task.empty() ? "part-" : "part-" + options_.task + "-") + base;
}

void FilesSink::open_part(const Batch& batch) {
  std::string base = part_name(batch);
  part_ = std::make_unique<AtomicFileWriter>(dir_, base, "sink '" + name_ + "'", "mid-sink-write");
  batch_parts_.push_back(base);
}

void FilesSink::write_chunk(const Batch& batch) {
  if (!part_) open_part(batch);
  part_->write(chunk_);
  chunk_.clear();
}

void FilesSink::finish_part(const Batch& batch) {
  // Partitioned: each directory's part, in directory order.
  for (auto& [path, p] : partitions_) {
    open_partition(path, *p, batch);
    p->part->finish(p->chunk);
    batch_parts_.push_back(path + "/" + part_name(batch));
  }
  partitions_.clear();
  if (!part_ && chunk_.empty()) return;  // nothing in this batch: no part
  if (!part_) open_part(batch);
  std::unique_ptr<AtomicFileWriter> part = std::move(part_);
  part->finish(chunk_);
  chunk_.clear();
  if (chunk_.capacity() > 4 * kChunkBytes) chunk_ = std::string();  // after an unusually large row
}

void FilesSink::commit(int64_t batch_id) {
  if (query_id_.empty() || skip_batch_) return;
  ManifestEntry e;
  e.batch = batch_id;
  e.query_id = query_id_;
  e.complete = options_.complete;
  e.format = options_.format == FileFormat::Json ? "json" : options_.format == FileFormat::Csv ? "csv" : "text";
  e.files = batch_parts_;
  write_manifest_entry(dir_, e, options_.task);
  committed_.push_back(batch_id);
}

}  // namespace streamc::rt
