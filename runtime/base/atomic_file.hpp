// Files a reader never sees half-written: written to a hidden temporary
// name in the same directory, fsynced, renamed into place, and the
// directory fsynced so the rename itself is durable.
#pragma once

#include <string>
#include <string_view>

namespace streamc::rt {

// mkdir -p; returns 0 or an errno.
int make_dirs(const std::string& dir);

// Writes `content` to dir/name atomically. Throws FatalError starting with
// `who` (e.g. "sink 'out'") when anything fails. `probe` names a failure
// point (base/failure_points.hpp) reached when half the bytes are written.
void write_file_atomically(const std::string& dir, const std::string& name, std::string_view content,
                           const std::string& who, const char* probe = nullptr);

// The same file written in pieces, for content too large to hold at once
// (a files sink's part): the temporary file is created by the first
// write(), and finish() adds the last piece, fsyncs and renames it into
// place. A writer destroyed before finish() removes its temporary file.
// `probe` is reached once part of the content is in the temporary file
// and more is to come: after the first write(), or half way through
// finish()'s piece when it is the only one.
class AtomicFileWriter {
 public:
  AtomicFileWriter(std::string dir, std::string name, std::string who, const char* probe = nullptr);
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  void write(std::string_view bytes);
  void finish(std::string_view last = {});

 private:
  void open();
  void write_all(std::string_view bytes);
  [[noreturn]] void fail(const std::string& path, int err);

  std::string dir_, final_path_, temp_path_, who_;
  const char* probe_;
  int fd_ = -1;
  bool probed_ = false;
};

}  // namespace streamc::rt
