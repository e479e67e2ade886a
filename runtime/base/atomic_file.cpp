#include "base/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/failure_points.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {

int make_dirs(const std::string& dir) {
  if (dir.empty()) return 0;
  for (size_t pos = 1;; ++pos) {
    pos = dir.find('/', pos);
    std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST) return errno;
    if (pos == std::string::npos) break;
  }
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return errno;
  return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

void write_file_atomically(const std::string& dir, const std::string& name, std::string_view content,
                           const std::string& who, const char* probe) {
  AtomicFileWriter file(dir, name, who, probe);
  file.finish(content);
}

AtomicFileWriter::AtomicFileWriter(std::string dir, std::string name, std::string who, const char* probe)
    : dir_(std::move(dir)),
      final_path_(dir_ + "/" + name),
      temp_path_(dir_ + "/." + name + ".tmp"),
      who_(std::move(who)),
      probe_(probe) {}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ < 0) return;
  ::close(fd_);
  ::unlink(temp_path_.c_str());
}

void AtomicFileWriter::fail(const std::string& path, int err) {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  ::unlink(temp_path_.c_str());
  throw FatalError(who_ + ": cannot write '" + path + "': " + std::strerror(err));
}

void AtomicFileWriter::open() {
  if (fd_ >= 0) return;
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd_ < 0) throw FatalError(who_ + ": cannot write '" + temp_path_ + "': " + std::strerror(errno));
}

void AtomicFileWriter::write_all(std::string_view bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(temp_path_, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void AtomicFileWriter::write(std::string_view bytes) {
  open();
  write_all(bytes);
  if (probe_ && !probed_) {
    probed_ = true;
    failure_point(probe_);
  }
}

void AtomicFileWriter::finish(std::string_view last) {
  open();
  if (probe_ && !probed_ && !last.empty()) {
    size_t half = last.size() / 2;
    write_all(last.substr(0, half));
    probed_ = true;
    failure_point(probe_);
    last.remove_prefix(half);
  }
  write_all(last);
  int err = ::fsync(fd_) != 0 ? errno : 0;
  if (::close(fd_) != 0 && err == 0) err = errno;
  fd_ = -1;
  if (err != 0) fail(temp_path_, err);
  if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) fail(final_path_, errno);
  int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace streamc::rt
