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

void write_manifest_entry(const std::string& dir, const ManifestEntry& e);
// FatalError naming the file when it is missing or damaged.
ManifestEntry read_manifest_entry(const std::string& dir, int64_t batch);

}  // namespace streamc::rt
