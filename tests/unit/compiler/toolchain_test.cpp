// How streamc runs the C++ compiler on a generated program.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "codegen/emit_cpp.hpp"
#include "driver/toolchain.hpp"

namespace streamc::driver {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A GCC build precompiles the runtime's public headers (runtime/CMakeLists.txt)
// with the flags compile_command gives a program, plain and for a program
// that decodes JSON; if the two drift apart, GCC quietly parses the headers
// again and every compile gets slower. `-H` prints the headers a compile
// reads, a usable .gch marked with "!".
TEST(Toolchain, ProgramsReadThePrecompiledRuntimeHeaders) {
#if defined(__clang__) || !defined(__GNUC__)
  GTEST_SKIP() << "only a GCC build precompiles the runtime's headers";
#endif
  if (const char* cxx = std::getenv("CXX"); cxx && *cxx) GTEST_SKIP() << "$CXX is set: no precompiled headers";
  Toolchain tc;
  std::string error;
  ASSERT_TRUE(find_toolchain("compiler_tests", tc, error)) << error;
  ASSERT_FALSE(tc.precompiled_dir.empty()) << "no " << fs::path(tc.runtime_lib).parent_path() / "pch";

  fs::path dir = fs::temp_directory_path() / ("streamc-toolchain-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::path cpp = dir / "program.cpp";
  std::ofstream(cpp) << "#include <streamc/runtime/api.hpp>\n#include <streamc/runtime/state.hpp>\nint main() {}\n";
  for (bool json : {false, true}) {
    tc.user_args.clear();
    if (json) tc.user_args = codegen::json_target_args();
    const std::string pch = precompiled_header(tc);
    EXPECT_NE(pch.find(json ? "/json/" : "/plain/"), std::string::npos) << pch;
    auto cmd = compile_command(tc, cpp.string(), (dir / "program").string());
    cmd.insert(cmd.begin() + 1, {"-H", "-fsyntax-only"});
    int status = run_command(cmd, (dir / "log").string());
    std::string log = slurp(dir / "log");
    EXPECT_EQ(status, 0) << log;
    EXPECT_NE(log.find("! " + pch + ".gch"), std::string::npos) << log.substr(0, 2000);
  }

  tc.debug = true;  // -O0 -g: the headers are not precompiled for those flags
  EXPECT_EQ(precompiled_header(tc), "");
  for (const auto& arg : compile_command(tc, cpp.string(), (dir / "program").string())) EXPECT_NE(arg, "-include");
  fs::remove_all(dir);
}

// Runs building the same program at once (tests in parallel, copies of a
// pipeline started together) take turns on its cache entry: one runs the
// compiler, the others wait for it and copy its binary. The "compiler" here
// is a script that counts its runs, takes a second, and writes the binary.
TEST(Toolchain, ProgramsBuiltAtOnceAreCompiledOnce) {
  fs::path dir = fs::temp_directory_path() / ("streamc-toolchain-lock-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::path script = dir / "cxx";
  std::ofstream(script) << "#!/bin/sh\necho run >> '" << (dir / "runs").string() << "'\nsleep 1\n"
                        << "while [ $# -gt 0 ]; do [ \"$1\" = -o ] && out=$2; shift; done\n"
                        << "printf '#!/bin/sh\\n' > \"$out\"\n";
  fs::permissions(script, fs::perms::owner_all);
  std::ofstream(dir / "libstreamc_runtime.a") << "!<arch>\n";
  Toolchain tc;
  tc.cxx = script.string();
  tc.runtime_lib = (dir / "libstreamc_runtime.a").string();
  tc.cache_dir = (dir / "cache").string();

  constexpr int kRuns = 3;
  std::vector<BuildResult> results(kRuns);
  std::vector<std::thread> runs;
  for (int i = 0; i < kRuns; ++i)
    runs.emplace_back([&, i] {
      std::string kept, log;
      results[i] = build_binary(tc, "int main() {}\n", (dir / ("out" + std::to_string(i))).string(), kept, log);
    });
  for (auto& t : runs) t.join();

  EXPECT_EQ(std::count(results.begin(), results.end(), BuildResult::Built), 1);
  EXPECT_EQ(std::count(results.begin(), results.end(), BuildResult::Cached), kRuns - 1);
  EXPECT_EQ(slurp(dir / "runs"), "run\n");
  for (int i = 0; i < kRuns; ++i) EXPECT_EQ(slurp(dir / ("out" + std::to_string(i))), "#!/bin/sh\n");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace streamc::driver
