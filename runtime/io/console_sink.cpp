// console(rows: N): DStream.pprint()'s layout, for every batch, empty or not.
#include <cstdio>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {

ConsoleSink::ConsoleSink(std::string name, ConsoleOptions options) : Sink(std::move(name)), options_(options) {}

void ConsoleSink::print_batch(const Batch& batch, const std::vector<std::string>& rows, bool more) {
  static constexpr std::string_view kRule = "-------------------------------------------\n";
  std::string out;
  out.append(kRule);
  out.append("Time: ");
  out.append(format_batch_time(batch.time()));
  if (!options_.task.empty()) out.append(" (task " + options_.task + ")");
  out.push_back('\n');
  out.append(kRule);
  for (const std::string& row : rows) {
    out.append(row);
    out.push_back('\n');
  }
  if (more) out.append("...\n");
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

}  // namespace streamc::rt
