#include "base/hash.hpp"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace streamc::rt {

uint64_t hash64(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::string hash_hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  uint64_t h = hash64(bytes);
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) s[i] = digits[h & 15];
  return s;
}

}  // namespace streamc::rt
