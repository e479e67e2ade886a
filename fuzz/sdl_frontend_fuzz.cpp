// The SDL front end (parse + check) on any bytes: never a crash, and every
// diagnostic's range (and its notes') lies inside the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "driver/frontend.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;
  std::string text(reinterpret_cast<const char*>(data), size);
  // An import reads C++ headers with Clang (seconds each, and files on
  // disk): the importer has tests of its own.
  if (text.find("import") != std::string::npos) return -1;
  streamc::SourceFile file("fuzz.sdl", text);
  streamc::Diagnostics diags(file);
  streamc::driver::Compilation comp;
  streamc::import::ImportSettings imports;  // nothing to read, no cache
  streamc::driver::run_passes(file, diags, comp, "check", {}, nullptr, &imports);
  for (const auto& d : diags.all()) {
    auto inside = [&](const streamc::SourceRange& r) { return r.begin <= r.end && r.end <= size; };
    bool ok = inside(d.range);
    for (const auto& n : d.notes) ok = ok && inside(n.range);
    if (!ok) {
      std::fprintf(stderr, "diagnostic range [%u, %u) outside the input of %zu bytes: %s\n", d.range.begin,
                   d.range.end, size, d.message.c_str());
      std::abort();
    }
  }
  return 0;
}
