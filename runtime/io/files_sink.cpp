// files("dir", format: …) as a sink: one part file per non-empty batch,
// written to a hidden temporary name, fsynced, then renamed into place so a
// reader never sees half a part.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {
namespace {

// mkdir -p; returns 0 or an errno.
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

}  // namespace

FilesSink::FilesSink(std::string name, std::string dir, FilesSinkOptions options)
    : Sink(std::move(name)), dir_(std::move(dir)), options_(options) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
  if (int err = make_dirs(dir_))
    throw FatalError("sink '" + name_ + "': cannot create directory '" + dir_ + "': " + std::strerror(err));
}

void FilesSink::write_part(const Batch& batch, std::string_view content) {
  if (content.empty()) return;
  char base[48];
  std::snprintf(base, sizeof base, "part-%05lld.%s", static_cast<long long>(batch.id()),
                options_.format == FileFormat::Json ? "json" : "txt");
  std::string final_path = dir_ + "/" + base;
  std::string temp_path = dir_ + "/." + base + ".tmp";
  auto fail = [&](const std::string& path, int err) {
    throw FatalError("sink '" + name_ + "': cannot write '" + path + "': " + std::strerror(err));
  };
  int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail(temp_path, errno);
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(temp_path.c_str());
      fail(temp_path, err);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  int err = ::fsync(fd) != 0 ? errno : 0;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(temp_path.c_str());
    fail(temp_path, err);
  }
  if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
    err = errno;
    ::unlink(temp_path.c_str());
    fail(final_path, err);
  }
  // Make the rename itself durable.
  int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace streamc::rt
