// A static input (SDL `table NAME = files(…)`), read once at start-up for
// stream–table joins: every file matching the glob, framed per format like a
// files source. The generated code decodes the records once into a hash
// index on the join key.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "streamc/runtime/api.hpp"
#include "streamc/runtime/csv.hpp"

namespace streamc::rt {

class TableInput {
 public:
  const std::vector<std::string_view>& records() const { return records_; }
  // The header of the CSV file record `i` came from, or nullptr.
  const CsvHeader* csv_header(size_t i) const;

 private:
  friend TableInput read_table(const std::string& name, const std::string& glob, const SourceOptions& options);
  friend struct TableInputBuilder;  // postgres tables (io/postgres_table.cpp)
  std::vector<std::string_view> records_;
  std::vector<std::shared_ptr<const void>> buffers_;
  std::vector<CsvSegment> csv_segments_;
};

// Reads the table; a glob that matches no file is a FatalError naming it.
TableInput read_table(const std::string& name, const std::string& glob, const SourceOptions& options);

}  // namespace streamc::rt
