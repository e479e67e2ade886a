// files("dir/*.txt"): every file matching the glob is taken once, new files
// in modification-time order (then name), records framed per SourceFormat
// (io/framing.hpp). Like Spark's file stream source with maxFilesPerTrigger.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "io/source.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

class FilesSource final : public Source {
 public:
  FilesSource(std::string name, std::string pattern, SourceOptions options);

  void start(RunMode mode) override;
  bool poll(SourceIntake intake) override;

  // The files taken so far, in the order they were taken.
  const std::vector<std::string>& taken() const { return taken_order_; }

 private:
  struct Candidate {
    std::string path;
    int64_t mtime_ns;
  };
  std::vector<Candidate> list_new() const;
  void read_file(const std::string& path, SourceIntake& intake) const;
  // Appends the records of one file's text per options_.format.
  void frame(const std::string& path, std::string_view text, SourceIntake& intake) const;

  std::string pattern_;
  SourceOptions options_;
  RunMode mode_ = RunMode::Continuous;
  std::unordered_set<std::string> taken_;
  std::vector<std::string> taken_order_;
  // Bounded modes: the files that were there at start; nothing else is taken.
  std::unordered_set<std::string> at_start_;
};

}  // namespace streamc::rt
