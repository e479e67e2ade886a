#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/failure_points.hpp"
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
  std::string final_path = dir + "/" + name;
  std::string temp_path = dir + "/." + name + ".tmp";
  auto fail = [&](const std::string& path, int err) {
    throw FatalError(who + ": cannot write '" + path + "': " + std::strerror(err));
  };
  int fd = ::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) fail(temp_path, errno);
  const char* p = content.data();
  size_t left = content.size();
  const size_t half_left = content.size() - content.size() / 2;
  while (left > 0) {
    size_t chunk = probe && left > half_left ? left - half_left : left;
    ssize_t n = ::write(fd, p, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(temp_path.c_str());
      fail(temp_path, err);
    }
    p += n;
    left -= static_cast<size_t>(n);
    if (probe && left == half_left) failure_point(probe);
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
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace streamc::rt
