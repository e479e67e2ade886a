// The compiled binary's flags: one per `param`, plus --batch, --threads,
// --checkpoint, --once, --available-now, --max-batches, --snapshot-every,
// --progress, --ui, --help.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "io/source.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

struct ParamValue {
  ParamKind kind = ParamKind::String;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;
  Duration d;
};

struct RunOptions {
  std::map<std::string, ParamValue, std::less<>> params;
  int64_t batch_us = 1'000'000;
  int64_t threads = 1;
  std::string checkpoint;
  RunMode mode = RunMode::Continuous;
  int64_t max_batches = 0;  // 0 = no limit (batches of this run)
  int64_t snapshot_every = 10;  // checkpoint: a state snapshot every N versions
  bool has_watermark = false;   // from ProgramSpec: a final no-data batch in bounded modes
  bool batches_only_with_data = false;  // from ProgramSpec
  std::string progress;     // "" = none, "-" = stdout
  // --ui [HOST:]PORT (or config { ui: … }): the HTTP server's address;
  // ui_port 0 = no server. Without a host, 127.0.0.1 only.
  std::string ui_host = "127.0.0.1";
  int ui_port = 0;
};

struct CommandLine {
  enum class Outcome { Run, Help, Error } outcome = Outcome::Run;
  RunOptions options;
  std::string error;  // for Outcome::Error: the reason, without "PROG: error: "
};

CommandLine parse_command_line(int argc, char** argv, const ProgramSpec& spec);

// "4040" or "HOST:4040" into host and port; the complaint when it is neither.
std::string parse_ui_address(std::string_view text, std::string& host, int& port);

// The --help text.
std::string usage(const ProgramSpec& spec);

// "int", "float", …: how --help names a parameter's type.
const char* param_kind_name(ParamKind kind);

}  // namespace streamc::rt
