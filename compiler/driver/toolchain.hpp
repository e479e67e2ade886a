// Building a generated program: finding the runtime (installed beside
// streamc, or the build tree it came from), running the system C++ compiler,
// and the content-hash cache that makes a second compile instant.
#pragma once

#include <string>
#include <vector>

namespace streamc::driver {

struct Toolchain {
  std::string cxx;                        // $CXX or "c++"
  std::vector<std::string> include_dirs;  // runtime + stdlib headers
  std::string runtime_lib;                // libstreamc_runtime.a
  // Where the runtime's public headers are precompiled (pch/ beside the
  // archive: plain/ and json/, each a streamc_runtime.hpp and its .gch),
  // built with the compiler `c++` names; empty when there are none or $CXX
  // names another compiler.
  std::string precompiled_dir;
  // "gold" (-fuse-ld=gold) when `c++` is the compiler and binutils' ld.gold
  // is on the PATH: it links a program in about a third of ld.bfd's time.
  std::string linker;
  std::string cache_dir;                  // $STREAMC_CACHE_DIR, else ~/.cache/streamc
  // The user's C++ for imported functions and what the called functions'
  // headers need: -I DIR, --link'ed sources/objects/archives, -L DIR, -lNAME.
  // Files among them are hashed into the cache key by content.
  std::vector<std::string> user_args;
  bool debug = false;  // --debug: -O0 -g and warnings instead of -O2 -w
};

// Locates everything; on failure returns false with a readable reason.
bool find_toolchain(const char* argv0, Toolchain& out, std::string& error);

// The full compiler command line for `cpp_file` -> `binary`.
// Runs argv with stdout and stderr to `log_path`; returns the exit status
// (127: it could not be started).
int run_command(const std::vector<std::string>& argv, const std::string& log_path);

std::vector<std::string> compile_command(const Toolchain& tc, const std::string& cpp_file, const std::string& binary);

// The precompiled header compile_command has a program include (-include):
// the one built with the program's flags; empty without one (--debug, or
// none in tc.precompiled_dir).
std::string precompiled_header(const Toolchain& tc);

enum class BuildResult { Built, Cached, CompilerFailed, IoError };

// Builds `cpp` into `output`, reusing the cache when the same code was built
// with the same toolchain before. On CompilerFailed, `kept` names the kept
// C++ file and `log` the compiler's messages; on IoError `log` is the reason.
// With tc.debug, a fresh build that the C++ compiler warned about sets `log`
// to its messages too.
BuildResult build_binary(const Toolchain& tc, const std::string& cpp, const std::string& output, std::string& kept,
                         std::string& log);

}  // namespace streamc::driver
