// The checkpoint directory's readers on any bytes: a file of the fuzzer's
// bytes (first byte: which file; second: whether the bytes are the payload
// of a well-formed checkpoint file, so that the payload parsers are reached
// past the checksum, or the whole file as they are) is read the way a
// restart reads it. Every outcome is a success or a FatalError naming the
// file (or the checkpoint directory, for a plan that changed); anything
// else (a crash, another exception, a sanitizer report) is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "checkpoint/checkpoint.hpp"
#include "checkpoint/checkpoint_file.hpp"
#include "streamc/runtime/api.hpp"
#include "streamc/runtime/state.hpp"

namespace fs = std::filesystem;
using namespace streamc::rt;

namespace {

using Table = StateTable<std::tuple<std::string_view, int64_t>,
                         std::tuple<int64_t, std::optional<std::string_view>, std::vector<double>>>;

void write(const fs::path& p, std::string_view bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

const std::string& scratch() {
  static const std::string dir = "/dev/shm/streamc-fuzz-checkpoint-" + std::to_string(::getpid());
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2 || size > 64 * 1024) return -1;
  const int which = data[0] % 6;
  const bool sealed = data[1] % 2 == 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
  const std::string dir = scratch();
  fs::remove_all(dir);
  fs::create_directories(dir);
  static const char* kinds[] = {"metadata", "commit", "offsets", "snapshot", "delta", "source-log"};
  std::string bytes = sealed ? encode_checkpoint_file(kinds[which], body) : std::string(body);
  const Signatures sources = {{"in", "files"}};
  const Signatures states = {{"aggregate#0", "keys=(k:string,n:int)"}};
  std::string named;  // the file the reader must name
  try {
    switch (which) {
      case 0:  // metadata
        named = dir + "/metadata";
        write(named, bytes);
        Checkpoint(dir).open(sources, states);
        break;
      case 1:  // the last commit
      case 2: {  // a pending batch's offsets (after a good commit 0)
        Checkpoint(dir).open(sources, states);  // a good metadata file
        if (which == 1) {
          named = dir + "/commits/0";
          write(named, bytes);
        } else {
          Checkpoint(dir).write_commit(0);
          named = dir + "/offsets/1";
          write(named, bytes);
        }
        Checkpoint c(dir);
        c.open(sources, states);
        if (c.pending()) (void)c.pending()->offsets.size();
        break;
      }
      case 3:
      case 4: {  // state: a snapshot at version 1, or a delta after an empty snapshot
        const std::string op_dir = dir + "/state/aggregate#0/0";
        if (which == 3) {
          named = op_dir + "/1.snapshot";
        } else {
          // A good snapshot of a table with one row, as the loop encodes it.
          auto base = std::make_shared<Table>();
          PersistentStateOf<Table> saver(base);
          base->upsert(std::tuple<std::string_view, int64_t>{"k", 1}) = {1, std::nullopt, {2.5}};
          std::string snapshot;
          Checkpoint::encode_state(saver, true, snapshot);
          Checkpoint(dir).write_state("aggregate#0", 1, snapshot, true);
          named = op_dir + "/2.delta";
        }
        write(named, bytes);
        auto table = std::make_shared<Table>();
        PersistentStateOf<Table> state(table);
        Checkpoint(dir).restore_state("aggregate#0", which == 3 ? 1 : 2, state);
        break;
      }
      case 5: {  // a files source's log
        named = dir + "/sources/in/0";
        write(named, bytes);
        (void)Checkpoint(dir).read_source_history("in", 0);
        break;
      }
    }
  } catch (const FatalError& e) {
    std::string what = e.what();
    if (what.find(named) == std::string::npos && what.find("checkpoint '" + dir + "'") == std::string::npos) {
      std::fprintf(stderr, "the error does not name %s: %s\n", named.c_str(), what.c_str());
      std::abort();
    }
  }
  return 0;
}
