// files("dir", format: …) as a sink: one part file per non-empty batch,
// written to a hidden temporary name, fsynced, then renamed into place so a
// reader never sees half a part. In `complete` mode every batch's part holds
// the whole result table; a reader takes the latest part.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "io/atomic_file.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

FilesSink::FilesSink(std::string name, std::string dir, FilesSinkOptions options)
    : Sink(std::move(name)), dir_(std::move(dir)), options_(options) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  if (int err = make_dirs(dir_))
    throw FatalError("sink '" + name_ + "': cannot create directory '" + dir_ + "': " + std::strerror(err));
}

void FilesSink::write_part(const Batch& batch, std::string_view content) {
  if (content.empty()) return;
  const char* ext = options_.format == FileFormat::Json ? "json" : options_.format == FileFormat::Csv ? "csv" : "txt";
  char base[48];
  std::snprintf(base, sizeof base, "part-%05lld.%s", static_cast<long long>(batch.id()), ext);
  write_file_atomically(dir_, base, content, "sink '" + name_ + "'");
}

}  // namespace streamc::rt
