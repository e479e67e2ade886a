// CSV decoding as the files source does it: framing a text in pieces as it
// is read (FileFramer::more, then finish) gives exactly the records that
// framing it whole gives, and every record splits into fields (split_csv,
// RFC 4180) without a crash or a sanitizer report; the fields of a record
// are views into it or the arena.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "base/framing.hpp"
#include "streamc/runtime/api.hpp"

namespace {

using namespace streamc::rt;

[[noreturn]] void finding(const char* what, std::string_view text) {
  std::fprintf(stderr, "%s: %.*s\n", what, static_cast<int>(text.size()), text.data());
  std::abort();
}

void check_csv(std::string_view text, char delim, size_t step) {
  std::string padded(text);
  padded.append(kRecordPadding, '\0');
  std::string_view all(padded.data(), text.size());
  std::vector<std::string_view> whole, pieces;
  FileFramer(SourceFormat::Csv, -1, delim).finish(all, whole);
  FileFramer framer(SourceFormat::Csv, -1, delim);
  for (size_t n = step; n < all.size(); n += step) framer.more(all.substr(0, n), pieces);
  framer.finish(all, pieces);
  if (whole != pieces) finding("CSV framed in pieces differs from CSV framed whole", text);
  Arena arena;
  std::vector<std::string_view> cells;
  for (auto r : whole) split_csv(r, delim, cells, arena);
}

}  // namespace

// First byte: the delimiter (',' or ';') and the size of the pieces.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > 64 * 1024) return -1;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  check_csv(text, data[0] % 2 ? ';' : ',', 1 + data[0] / 2 % 16);
  return 0;
}
