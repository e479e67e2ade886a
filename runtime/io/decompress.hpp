// Compressed input files, chosen by extension as Spark's Hadoop codecs are:
// `.gz` (gzip, zlib's inflate; concatenated members too) and `.zst`
// (zstd, libzstd; concatenated frames too). The whole file is decompressed
// into one padded buffer, which is then framed like any other file.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "io/padded_buffer.hpp"

namespace streamc::rt {

enum class Compression { None, Gzip, Zstd };

// By the file name's extension: .gz/.gzip, .zst/.zstd; else None.
Compression compression_of(std::string_view path);

// The decompressed bytes of `compressed` (padded). Throws FatalError naming
// `path` when the data is corrupt or cut short.
std::shared_ptr<PaddedBuffer> decompress(std::string_view compressed, Compression c, const std::string& path);

}  // namespace streamc::rt
