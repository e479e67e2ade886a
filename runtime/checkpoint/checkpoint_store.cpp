#include "checkpoint/checkpoint_store.hpp"

#include <unistd.h>

#include <cstring>

#include "checkpoint/checkpoint_file.hpp"
#include "base/atomic_file.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {
namespace {

void ensure_dir(const std::string& dir) {
  if (int err = make_dirs(dir)) throw FatalError("checkpoint: cannot create directory '" + dir + "': " + std::strerror(err));
}

}  // namespace

DirStore::DirStore(std::string dir) : dir_(std::move(dir)) {
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

void DirStore::open() {
  ensure_dir(dir_);
  ensure_dir(dir_ + "/offsets");
  ensure_dir(dir_ + "/commits");
}

void DirStore::write(const std::string& rel, std::string_view bytes, const char* probe) {
  const size_t slash = rel.rfind('/');
  const std::string dir = slash == std::string::npos ? dir_ : dir_ + "/" + rel.substr(0, slash);
  // One stat when the directory exists (the common case), mkdir -p when not.
  if (slash != std::string::npos && !path_exists(dir)) ensure_dir(dir);
  write_sealed_checkpoint_file(dir, slash == std::string::npos ? rel : rel.substr(slash + 1), bytes, probe);
}

std::optional<std::string> DirStore::read(const std::string& rel) const { return read_checkpoint_bytes(describe(rel)); }

std::vector<int64_t> DirStore::list(const std::string& rel_dir, std::string_view suffix) const {
  return numbered_files(describe(rel_dir), suffix);
}

void DirStore::remove(const std::string& rel) { ::unlink(describe(rel).c_str()); }

std::string DirStore::describe(const std::string& rel) const { return rel.empty() ? dir_ : dir_ + "/" + rel; }

}  // namespace streamc::rt
