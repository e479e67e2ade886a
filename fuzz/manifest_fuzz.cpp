// The files sink's manifest reader and `streamc read DIR` on any bytes: the
// input up to its first NUL byte is the payload of _streamc/0 (sealed as a
// well-formed checkpoint file when the first byte is even, so the manifest
// parser is reached, else the raw file), the rest is the content of the
// part files it may name (part-00000.json, .csv, .txt). Every outcome is the
// committed rows or a FatalError naming the file or directory; a crash,
// another exception or a sanitizer report is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "checkpoint/checkpoint_file.hpp"
#include "checkpoint/output_manifest.hpp"
#include "streamc/runtime/api.hpp"

namespace fs = std::filesystem;
using namespace streamc::rt;

namespace {

void write(const fs::path& p, std::string_view bytes) {
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return -1;
  const bool sealed = data[0] % 2 == 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t nul = rest.find('\0');
  std::string_view manifest = rest.substr(0, nul);
  std::string_view part = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  static const std::string dir = "/dev/shm/streamc-fuzz-manifest-" + std::to_string(::getpid()) + "/out";
  fs::remove_all(fs::path(dir).parent_path());
  fs::create_directories(dir + "/" + kManifestDir);
  write(dir + "/" + kManifestDir + "/0", sealed ? encode_checkpoint_file("manifest", manifest) : std::string(manifest));
  for (const char* ext : {"json", "csv", "txt"}) write(dir + "/part-00000." + ext, part);
  try {
    (void)read_committed_output(dir);
  } catch (const FatalError& e) {
    if (std::string(e.what()).find(dir) == std::string::npos) {
      std::fprintf(stderr, "the error does not name the output directory or a file in it: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
