// The import cache: one small text file per (header content, include dirs,
// display directory, streamc version) in <cache dir>/imports/, holding the
// signatures (signature_text.hpp) and the content hash of every file the
// parse read, so a header whose includes changed is read again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "import/import_header.hpp"

namespace streamc::import {

// 16 hex digits of streamc's content hash (rt::hash_hex, XXH3-64: base/hash.hpp).
std::string content_hash(std::string_view data);

// content_hash of a header's text and of every file it includes (a file
// that cannot be read counts as empty).
std::string header_content_hash(const std::string& header, const std::vector<std::string>& includes);

// The cached functions of `header`, if a valid entry exists.
std::optional<std::vector<sema::Function>> cache_load(const std::string& cache_dir, const std::string& header,
                                                      const ImportOptions& options);
// Stores a successful import (errors are never cached). Failures to write are ignored: the cache is an optimization.
void cache_store(const std::string& cache_dir, const std::string& header, const ImportOptions& options,
                 const ImportResult& result);

}  // namespace streamc::import
