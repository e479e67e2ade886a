// SDL's built-in hash (read by the importer like strings.hpp). The values
// are fixed by this definition, the same on every machine and every run, so
// they can name partitions or buckets that outlive one program.
#pragma once

#include <bit>
#include <cstdint>
#include <string_view>

#include "streamc/udf.hpp"

namespace streamc::stdlib {

namespace detail {
// FNV-1a, 64 bits, then a final mix so that close inputs spread over all bits.
inline int64_t hash_bytes(const unsigned char* p, size_t n) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return static_cast<int64_t>(h);
}
inline int64_t hash_u64(uint64_t v) {
  unsigned char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(v >> (8 * i));  // little-endian everywhere
  return hash_bytes(bytes, 8);
}
}  // namespace detail

/// hash(s): a 64-bit hash of the UTF-8 bytes of s (FNV-1a with a final mix),
/// the same on every machine and run: hash(s) % 16 can pick a bucket.
STREAMC_UDF inline int64_t hash(std::string_view s) {
  return detail::hash_bytes(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

/// hash(n): a 64-bit hash of n (of its 8 bytes, little-endian), stable across machines and runs.
STREAMC_UDF inline int64_t hash(int64_t n) { return detail::hash_u64(static_cast<uint64_t>(n)); }

/// hash(x): a 64-bit hash of x's IEEE bits (0.0 and -0.0 hash alike), stable across machines and runs.
STREAMC_UDF inline int64_t hash(double x) { return detail::hash_u64(std::bit_cast<uint64_t>(x == 0.0 ? 0.0 : x)); }

}  // namespace streamc::stdlib
