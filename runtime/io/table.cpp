#include "streamc/runtime/table.hpp"

#include "io/files_source.hpp"

namespace streamc::rt {

const CsvHeader* TableInput::csv_header(size_t i) const {
  const CsvHeader* found = nullptr;
  for (const auto& seg : csv_segments_) {
    if (seg.first_record > i) break;
    found = seg.header.get();
  }
  return found;
}

TableInput read_table(const std::string& name, const std::string& glob, const SourceOptions& options) {
  TableInput t;
  FilesSource files(name, glob, options);
  files.start(RunMode::Once);
  files.poll(SourceIntake{t.records_, t.buffers_, &t.csv_segments_});
  if (files.taken().empty()) throw FatalError("table '" + name + "': no file matches '" + glob + "'");
  return t;
}

}  // namespace streamc::rt
