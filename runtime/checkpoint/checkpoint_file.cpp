#include "checkpoint/checkpoint_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "base/atomic_file.hpp"
#include "base/failure_points.hpp"
#include "base/hash.hpp"
#include "streamc/runtime/values.hpp"


namespace streamc::rt {
namespace {

std::string header_of(std::string_view kind) { return "SCK1 " + std::string(kind) + "\n"; }

[[noreturn]] void damaged(const std::string& path, const std::string& why) {
  throw FatalError("checkpoint file '" + path + "' is damaged: " + why);
}

bool parse_hex(std::string_view s, uint64_t& out) {
  out = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    out = out << 4 | static_cast<uint64_t>(d);
  }
  return true;
}

}  // namespace

std::string checkpoint_file_header(std::string_view kind) { return header_of(kind); }

void seal_checkpoint_file(std::string& bytes) {
  char trailer[kCheckpointTrailerSize + 1];
  std::snprintf(trailer, sizeof trailer, "#streamc xxh3=%016" PRIx64 " size=%016" PRIx64 "\n",
                hash64(bytes), static_cast<uint64_t>(bytes.size()));
  bytes.append(trailer, kCheckpointTrailerSize);
}

std::string encode_checkpoint_file(std::string_view kind, std::string_view payload) {
  std::string out = header_of(kind);
  out.reserve(out.size() + payload.size() + kCheckpointTrailerSize);
  out.append(payload);
  seal_checkpoint_file(out);
  return out;
}

std::string decode_checkpoint_file(std::string_view bytes, std::string_view kind, const std::string& path) {
  if (bytes.empty()) damaged(path, "the file is empty (truncated)");
  if (bytes.size() < kCheckpointTrailerSize) damaged(path, "truncated (no checksum line)");
  std::string_view trailer = bytes.substr(bytes.size() - kCheckpointTrailerSize);
  uint64_t sum = 0, size = 0;
  if (trailer.substr(0, 14) != "#streamc xxh3=" || trailer.substr(30, 6) != " size=" || trailer.back() != '\n' ||
      !parse_hex(trailer.substr(14, 16), sum) || !parse_hex(trailer.substr(36, 16), size))
    damaged(path, "truncated or overwritten (no valid checksum line at the end)");
  std::string_view body = bytes.substr(0, bytes.size() - kCheckpointTrailerSize);
  if (size != body.size())
    damaged(path, "size mismatch (" + std::to_string(body.size()) + " bytes, the checksum line says " +
                      std::to_string(size) + ")");
  if (hash64(body) != sum) damaged(path, "checksum mismatch");
  std::string header = header_of(kind);
  if (body.substr(0, header.size()) != header) {
    std::string_view first = body.substr(0, body.find('\n'));
    damaged(path, "expected a '" + std::string(kind) + "' file, found '" + std::string(first.substr(0, 40)) + "'");
  }
  return std::string(body.substr(header.size()));
}

void write_checkpoint_file(const std::string& dir, const std::string& name, std::string_view kind,
                           std::string_view payload, const char* probe) {
  write_file_atomically(dir, name, encode_checkpoint_file(kind, payload), "checkpoint", probe);
}

void write_sealed_checkpoint_file(const std::string& dir, const std::string& name, std::string_view bytes,
                                  const char* probe) {
  write_file_atomically(dir, name, bytes, "checkpoint", probe);
}

std::optional<std::string> read_checkpoint_bytes(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw FatalError("checkpoint file '" + path + "' cannot be read: " + std::strerror(errno));
  }
  std::string bytes;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw FatalError("checkpoint file '" + path + "' cannot be read: " + std::strerror(err));
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return bytes;
}

std::string read_checkpoint_file(const std::string& path, std::string_view kind) {
  std::optional<std::string> bytes = read_checkpoint_bytes(path);
  if (!bytes) throw FatalError("checkpoint file '" + path + "' is missing");
  return decode_checkpoint_file(*bytes, kind, path);
}

bool path_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::optional<int64_t> file_number(std::string_view name, std::string_view suffix) {
  if (!suffix.empty()) {
    if (name.size() <= suffix.size() || name.substr(name.size() - suffix.size()) != suffix) return std::nullopt;
    name.remove_suffix(suffix.size());
  }
  if (name.empty() || name.size() > 18 || !std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoll(std::string(name));
}

std::vector<int64_t> numbered_files(const std::string& dir, std::string_view suffix) {
  std::vector<int64_t> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    if (auto n = file_number(name, suffix)) out.push_back(*n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace streamc::rt
