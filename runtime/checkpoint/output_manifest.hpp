// The manifest of a files sink (<dir>/_streamc/<batch>, like Spark's
// _spark_metadata): one checkpoint file (kind "manifest") per committed
// batch, naming the part files the batch wrote:
//
//   batch 7
//   query 5f0c…            the checkpoint's query id
//   mode append|complete   complete: the batch's parts are the whole result
//   format json|csv|text
//   file part-00007.json   (one line per part; none for an empty batch)
//
// Copies of a binary in a consumer group share the directory: each task
// (input partition) writes part-<task>-<batch>.<ext> and its own entries
// under _streamc/<task>/<batch>, numbered by the task's batches.
//
// read_committed_output (streamc/runtime/committed_output.hpp) reads them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "streamc/runtime/committed_output.hpp"  // read_committed_output

namespace streamc::rt {

inline constexpr const char* kManifestDir = "_streamc";

struct ManifestEntry {
  int64_t batch = 0;
  std::string query_id;
  bool complete = false;
  std::string format = "json";
  std::vector<std::string> files;
};

// A consumer-group task's entries are under _streamc/<task>/ (`task`
// non-empty); a single copy's directly under _streamc/.
std::string manifest_dir(const std::string& dir, const std::string& task = {});
void write_manifest_entry(const std::string& dir, const ManifestEntry& e, const std::string& task = {});
// FatalError naming the file when it is missing or damaged.
ManifestEntry read_manifest_entry(const std::string& dir, int64_t batch, const std::string& task = {});

}  // namespace streamc::rt
