#include "driver/toolchain.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/hash.hpp"
#include "codegen/emit_cpp.hpp"



namespace fs = std::filesystem;

namespace streamc::driver {

namespace {

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// An executable `name` in a directory of $PATH.
bool on_path(const char* name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && ::access((fs::path(dir) / name).c_str(), X_OK) == 0) return true;
  return false;
}

fs::path self_path(const char* argv0) {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) return p;
  return fs::absolute(argv0, ec);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Written to a name of this process's own, then renamed: two streamc runs
// building the same program at once (tests run in parallel) never let the
// compiler of one read the other's half-written file.
bool write_file(const fs::path& p, std::string_view data) {
  fs::path tmp = fs::path(p).concat(".tmp." + std::to_string(getpid()));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out.flush()) return false;
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (!ec) return true;
  fs::remove(tmp, ec);
  return false;
}

// An exclusive flock(2) on `path` for as long as it lives; none when the
// file cannot be opened or locked.
class BuildLock {
 public:
  explicit BuildLock(const fs::path& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ < 0) return;
    while (::flock(fd_, LOCK_EX) < 0 && errno == EINTR) {
    }
  }
  ~BuildLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  BuildLock(const BuildLock&) = delete;
  BuildLock& operator=(const BuildLock&) = delete;

 private:
  int fd_;
};

}  // namespace

int run_command(const std::vector<std::string>& argv, const std::string& log_path) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool find_toolchain(const char* argv0, Toolchain& out, std::string& error) {
  const char* cxx = std::getenv("CXX");
  out.cxx = cxx && *cxx ? cxx : "c++";

  fs::path self = self_path(argv0);
  fs::path prefix = self.parent_path().parent_path();
  std::vector<std::pair<fs::path, fs::path>> candidates;  // (include dir, runtime lib)
  if (const char* home = std::getenv("STREAMC_HOME"); home && *home)
    candidates.emplace_back(fs::path(home) / "include", fs::path(home) / STREAMC_INSTALL_LIBDIR / "streamc" / "libstreamc_runtime.a");
  candidates.emplace_back(prefix / STREAMC_INSTALL_INCLUDEDIR, prefix / STREAMC_INSTALL_LIBDIR / "streamc" / "libstreamc_runtime.a");
  candidates.emplace_back(prefix / "include", prefix / "lib" / "streamc" / "libstreamc_runtime.a");
  for (const auto& [inc, lib] : candidates) {
    if (path_exists(inc / "streamc" / "runtime" / "api.hpp") && path_exists(lib)) {
      out.include_dirs = {inc.string()};
      out.runtime_lib = lib.string();
      break;
    }
  }
  if (out.runtime_lib.empty()) {
    // Running from the build tree.
    std::string dirs = STREAMC_BUILD_INCLUDE_DIRS;
    std::stringstream ss(dirs);
    std::string d;
    while (std::getline(ss, d, ':')) out.include_dirs.push_back(d);
    out.runtime_lib = STREAMC_BUILD_RUNTIME_LIB;
    if (!path_exists(out.runtime_lib)) {
      error = "cannot find the streamc runtime library (looked beside " + self.string() + " and at " + out.runtime_lib +
              "); set STREAMC_HOME to the install prefix";
      return false;
    }
  }

  // GCC reads the .gch for `-include …/streamc_runtime.hpp` when it was
  // built with the program's flags (else it parses the header itself,
  // correct and slower); another compiler might not read it at all.
  if (!(cxx && *cxx)) {
    fs::path pch = fs::path(out.runtime_lib).parent_path() / "pch";
    if (path_exists(pch / "plain" / "streamc_runtime.hpp.gch")) out.precompiled_dir = pch.string();
    // A golden case's program: 0.15 s to link with gold, 0.43 s with ld.bfd
    // (of a 3-4 s compile); binutils installs both.
    if (on_path("ld.gold")) out.linker = "gold";
  }

  if (const char* c = std::getenv("STREAMC_CACHE_DIR"); c && *c) {
    out.cache_dir = c;
  } else if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    out.cache_dir = std::string(x) + "/streamc";
  } else if (const char* h = std::getenv("HOME"); h && *h) {
    out.cache_dir = std::string(h) + "/.cache/streamc";
  } else {
    out.cache_dir = "/tmp/streamc-cache";
  }
  return true;
}

std::vector<std::string> compile_command(const Toolchain& tc, const std::string& cpp_file, const std::string& binary) {
  std::vector<std::string> cmd = {tc.cxx, "-std=c++20"};
  if (tc.debug)
    cmd.insert(cmd.end(), {"-O0", "-g", "-Wall"});
  else
    cmd.insert(cmd.end(), {"-O2", "-w", "-Wl,--strip-debug"});  // the runtime's line tables: --debug keeps them
  if (std::string pch = precompiled_header(tc); !pch.empty()) cmd.insert(cmd.end(), {"-include", pch});
  if (!tc.linker.empty()) cmd.push_back("-fuse-ld=" + tc.linker);
  cmd.insert(cmd.end(), {"-o", binary, cpp_file});
  cmd.insert(cmd.end(), tc.user_args.begin(), tc.user_args.end());
  for (const auto& d : tc.include_dirs) cmd.push_back("-I" + d);
  // The standard library's own definitions before the runtime archive: what
  // the program and the static libraries before it (RE2) need from
  // libstdc++ (std::string's members, which its headers declare extern)
  // must not be taken from whichever runtime member happens to hold an
  // inline copy, or a program without Kafka would pull the Kafka source in
  // (and librdkafka with it).
  cmd.push_back("-l:libstdc++.a");
  cmd.push_back(tc.runtime_lib);
  // zlib and libzstd for compressed input files, static like abseil.
  cmd.push_back("-l:libzstd.a");
  cmd.push_back("-l:libz.a");
  // abseil's hash tables, linked statically so the binary can be copied
  // anywhere; libstdc++ too.
  for (const char* lib : {"absl_raw_hash_set", "absl_hashtablez_sampler", "absl_hash", "absl_city",
                          "absl_low_level_hash", "absl_synchronization", "absl_stacktrace", "absl_symbolize",
                          "absl_debugging_internal", "absl_demangle_internal", "absl_malloc_internal",
                          "absl_graphcycles_internal", "absl_time", "absl_time_zone", "absl_civil_time",
                          "absl_int128", "absl_exponential_biased", "absl_strings", "absl_strings_internal",
                          "absl_throw_delegate", "absl_base", "absl_spinlock_wait", "absl_raw_logging_internal",
                          "absl_log_severity"})
    cmd.push_back(std::string("-l:lib") + lib + ".a");
  // --ui: Debian ships cpp-httplib and prometheus-cpp as shared libraries
  // only; the binary needs libcpp-httplib0.11 and libprometheus-cpp-core1.0.
  cmd.push_back("-lcpp-httplib");
  cmd.push_back("-lprometheus-cpp-core");
  cmd.push_back("-static-libstdc++");
  cmd.push_back("-static-libgcc");
  cmd.push_back("-pthread");
  return cmd;
}

std::string precompiled_header(const Toolchain& tc) {
  // Built with the flags above (runtime/CMakeLists.txt), which -O0 -g would
  // not match; a program that decodes JSON adds its target's.
  if (tc.debug || tc.precompiled_dir.empty()) return {};
  const auto& json = codegen::json_target_args();
  bool json_target = std::search(tc.user_args.begin(), tc.user_args.end(), json.begin(), json.end()) != tc.user_args.end();
  return (fs::path(tc.precompiled_dir) / (json_target ? "json" : "plain") / "streamc_runtime.hpp").string();
}

BuildResult build_binary(const Toolchain& tc, const std::string& cpp, const std::string& output, std::string& kept,
                         std::string& log) {
  // The key covers everything that decides the binary: the code, the
  // command, and the runtime library it links.
  std::string key_text = cpp;
  for (const auto& part : compile_command(tc, "X", "Y")) key_text += "\n" + part;
  std::error_code ec;
  auto lib_size = fs::file_size(tc.runtime_lib, ec);
  auto lib_time = fs::last_write_time(tc.runtime_lib, ec).time_since_epoch().count();
  key_text += "\n" + std::to_string(lib_size) + ":" + std::to_string(lib_time) + ":" + STREAMC_VERSION;
  // The runtime's and stdlib's headers (under <include dir>/streamc) count by
  // size and time, so an edited header of a build tree rebuilds programs.
  for (const auto& inc : tc.include_dirs) {
    std::vector<std::string> headers;
    for (fs::recursive_directory_iterator it(fs::path(inc) / "streamc", ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec))
        headers.push_back(it->path().string() + ":" + std::to_string(it->file_size(ec)) + ":" +
                          std::to_string(it->last_write_time(ec).time_since_epoch().count()));
    std::sort(headers.begin(), headers.end());
    for (const auto& h : headers) key_text += "\n" + h;
  }
  ec.clear();
  for (const auto& arg : tc.user_args)  // --link'ed files count by content
    if (arg[0] != '-' && fs::is_regular_file(arg, ec)) key_text += "\n" + arg + ":" + rt::hash_hex(read_file(arg));
  fs::path dir = fs::path(tc.cache_dir) / rt::hash_hex(key_text);
  fs::path binary = dir / "program";
  fs::path source = dir / "program.cpp";
  fs::path logf = dir / "compiler.log";

  auto copy_out = [&]() {
    fs::path tmp = fs::path(output).concat(".streamc-tmp");
    fs::copy_file(binary, tmp, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      log = "cannot write '" + output + "': " + ec.message();
      return false;
    }
    fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                             fs::perms::others_read | fs::perms::others_exec, ec);
    fs::rename(tmp, output, ec);
    if (ec) {
      log = "cannot write '" + output + "': " + ec.message();
      fs::remove(tmp, ec);
      return false;
    }
    return true;
  };

  // --debug: the directives that lead from the .sdl back to the code name the file it is in.
  std::string text = codegen::place_line_directives(cpp, fs::absolute(source).string());
  auto cached = [&] { return path_exists(binary) && read_file(source) == text; };
  if (cached()) return copy_out() ? BuildResult::Cached : BuildResult::IoError;

  fs::create_directories(dir, ec);
  // Runs of streamc building the same program at once (a make -j, tests in
  // parallel, copies started together) take turns: the first compiles, the
  // others wait for it and copy its binary out instead of compiling it again.
  // Where the file system has no locks, each compiles, as before.
  BuildLock lock(dir / "lock");
  if (cached()) return copy_out() ? BuildResult::Cached : BuildResult::IoError;
  if (ec || !write_file(source, text)) {
    log = "cannot write to the cache directory '" + dir.string() + "'" + (ec ? ": " + ec.message() : "");
    return BuildResult::IoError;
  }
  fs::path tmp_binary = dir / ("program.tmp." + std::to_string(getpid()));
  int status = run_command(compile_command(tc, source.string(), tmp_binary.string()), logf.string());
  if (status != 0) {
    kept = source.string();
    log = logf.string();
    fs::remove(tmp_binary, ec);
    return BuildResult::CompilerFailed;
  }
  if (tc.debug && fs::file_size(logf, ec) > 0 && !ec) log = logf.string();  // the compiler's warnings
  fs::rename(tmp_binary, binary, ec);
  if (ec) {
    log = "cannot write to the cache directory: " + ec.message();
    return BuildResult::IoError;
  }
  return copy_out() ? BuildResult::Built : BuildResult::IoError;
}

}  // namespace streamc::driver
