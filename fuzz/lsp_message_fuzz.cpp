// The language server on any bytes from its client: framed messages read by
// read_message, handled by the server with the real front end (what
// `streamc lsp` runs). Never a crash, a hang or a sanitizer report; every
// reply it writes is framed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "driver/frontend.hpp"
#include "lsp/lsp_server.hpp"

namespace {

std::vector<streamc::Diagnostic> analyze(const streamc::SourceFile& file) {
  streamc::Diagnostics diags(file);
  if (file.text().find("import") != std::string::npos) return {};  // Clang reads headers: too slow here
  streamc::driver::Compilation comp;
  streamc::import::ImportSettings imports;
  streamc::driver::run_passes(file, diags, comp, "check", {}, nullptr, &imports);
  return diags.all();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return -1;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  std::ostringstream out;
  streamc::lsp::run_lsp(in, out, analyze);
  // What the server wrote reads back as whole messages.
  std::istringstream replies(out.str());
  std::string body;
  size_t read = 0;
  while (streamc::lsp::read_message(replies, body)) read = static_cast<size_t>(replies.tellg());
  if (!out.str().empty() && read != out.str().size()) {
    std::fprintf(stderr, "the server wrote a reply that is not framed\n");
    std::abort();
  }
  return 0;
}
