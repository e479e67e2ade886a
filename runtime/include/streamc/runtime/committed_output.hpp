// What a files sink committed (`streamc read DIR`): the one piece of the
// runtime the compiler's command line uses, so it is public.
#pragma once

#include <string>

namespace streamc::rt {

// The committed rows of an output directory as JSON lines: JSON parts as
// they are, CSV rows as objects of their header's columns (string values),
// text lines as JSON strings, parts in batch order (complete mode: only the
// latest batch's). Without a manifest (a program that ran without a
// checkpoint) every part file counts. Throws FatalError naming a missing or
// damaged file.
std::string read_committed_output(const std::string& dir);

}  // namespace streamc::rt
