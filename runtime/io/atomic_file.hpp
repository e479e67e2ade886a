// Files a reader never sees half-written: written to a hidden temporary
// name in the same directory, fsynced, renamed into place, and the
// directory fsynced so the rename itself is durable.
#pragma once

#include <string>
#include <string_view>

namespace streamc::rt {

// mkdir -p; returns 0 or an errno.
int make_dirs(const std::string& dir);

// Writes `content` to dir/name atomically. Throws FatalError starting with
// `who` (e.g. "sink 'out'") when anything fails. `probe` names a failure
// point (core/failure_points.hpp) reached when half the bytes are written.
void write_file_atomically(const std::string& dir, const std::string& name, std::string_view content,
                           const std::string& who, const char* probe = nullptr);

}  // namespace streamc::rt
