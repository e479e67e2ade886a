// streamc's one content hash, XXH3-64 (xxHash, header-only): checkpoint
// files' checksums, and in the compiler (through streamc_text) the keys of
// the build cache and the import cache and the content hash of imported
// headers. Not for security: a fast check that bytes are the same.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace streamc::rt {

uint64_t hash64(std::string_view bytes);

// hash64 as 16 lowercase hex digits (file names, cache keys).
std::string hash_hex(std::string_view bytes);

}  // namespace streamc::rt
