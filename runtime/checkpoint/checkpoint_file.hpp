// One checkpoint file (metadata, offsets/N, commits/N, sources/…/N,
// state/…/V.delta|.snapshot, a files sink's _streamc/N): a header line
// naming the kind, the payload, and a fixed-size trailer with the payload's
// XXH3-64 checksum and size:
//
//   SCK1 <kind>\n
//   <payload bytes>
//   #streamc xxh3=<16 hex> size=<16 hex>\n        (53 bytes)
//
// The checksum covers the header and the payload; size is their length. A
// file is written to a hidden temporary name, fsynced and renamed (then the
// directory fsynced), so a reader sees it whole or not at all; a truncated
// or damaged file fails the checksum and is rejected with an error naming
// it, never used.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include <cstdint>

namespace streamc::rt {

inline constexpr size_t kCheckpointTrailerSize = 53;

// The bytes of a checkpoint file of `kind` holding `payload`.
std::string encode_checkpoint_file(std::string_view kind, std::string_view payload);

// The same bytes built in place, without copying a large payload: start
// with the header, append the payload, then seal (appends the trailer).
std::string checkpoint_file_header(std::string_view kind);
void seal_checkpoint_file(std::string& bytes);

// The payload of a checkpoint file's bytes, or throws FatalError
// "checkpoint file 'PATH' is damaged: REASON" (wrong kind, truncated,
// checksum mismatch).
std::string decode_checkpoint_file(std::string_view bytes, std::string_view kind, const std::string& path);

// Writes dir/name atomically (temp, fsync, rename, fsync dir). `probe`
// names a failure point reached when half the bytes are written.
void write_checkpoint_file(const std::string& dir, const std::string& name, std::string_view kind,
                           std::string_view payload, const char* probe = nullptr);

// Writes sealed bytes (seal_checkpoint_file) to dir/name atomically.
void write_sealed_checkpoint_file(const std::string& dir, const std::string& name, std::string_view bytes,
                                  const char* probe = nullptr);

// Reads and checks a checkpoint file; FatalError naming it when it is
// missing, unreadable or damaged.
std::string read_checkpoint_file(const std::string& path, std::string_view kind);

// The raw bytes of the file at `path`, or nothing when it does not exist;
// FatalError "checkpoint file 'PATH' cannot be read: …" otherwise.
std::optional<std::string> read_checkpoint_bytes(const std::string& path);

// Whether a path exists (any kind of file).
bool path_exists(const std::string& path);

// The number of a numbered file's name ("12", or "12.delta" for suffix
// ".delta" → 12); nothing for another name.
std::optional<int64_t> file_number(std::string_view name, std::string_view suffix = {});

// The numbered files of a directory ("12", "12.delta" → 12 for suffix
// ".delta"), sorted; hidden temporary files are ignored. Missing dir: none.
std::vector<int64_t> numbered_files(const std::string& dir, std::string_view suffix = {});

}  // namespace streamc::rt
