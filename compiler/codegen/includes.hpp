// The headers a generated program includes. Besides
// streamc/runtime/api.hpp, which every program includes, the emitter notes
// each runtime facility where it prints code that uses it (`use`), and each
// C++ function where it prints a call of it (`use_function`); the file's
// #include lines are made from those notes once all code is printed. So a
// word count includes api.hpp, parallel.hpp and split_range.hpp only, and
// a program never includes a header for code it does not contain.
#pragma once

#include <bitset>
#include <map>
#include <string>

#include "sema/function.hpp"

namespace streamc::codegen {

class Includes {
 public:
  // A public runtime header (runtime/include/streamc/...) and what of it
  // the generated code uses.
  enum Header {
    Parallel,           // rt::partitions, rt::parallel_for
    SplitRange,         // rt::SplitRange (flat_map over split)
    Csv,                // rt::split_csv, rt::CsvHeader (also in api.hpp)
    Parse,              // rt::parse_int, parse_float, ... (also in api.hpp)
    State,              // rt::StateTable
    GroupState,         // rt::GroupStateTable
    Aggregates,         // accumulators of aggregate(...)
    EventTime,          // rt::WatermarkState, kNoWatermark, first_window
    Table,              // rt::read_table, rt::TableInput
    BatchWindow,        // rt::BatchWindow, rt::window_batches
    IncrementalWindow,  // rt::IncrementalWindow
    Session,            // rt::Sessions
    JoinBuffer,         // rt::JoinBuffer, rt::own_in_place
    JsonDecode,         // rt::json:: (simdjson On-Demand decoders)
    Postgres,           // postgres sinks and tables
    UdfGlue,            // streamc::udf::pass, to_sdl, convert, RecordOf, ForeachSink
    kHeaders
  };

  void use(Header h) { runtime_.set(h); }
  // The header that declares `f` (a stdlib header, or an imported one by
  // absolute path with its content hash).
  void use_function(const sema::Function& f);
  // Another emitter's notes (the sub-topologies of a split program).
  void merge(const Includes& other);
  bool uses(Header h) const { return runtime_.test(h); }

  // The #include lines: api.hpp, the runtime headers in the order above,
  // then the functions' headers, stdlib ones first, each in name order.
  std::string lines() const;

 private:
  std::bitset<kHeaders> runtime_;
  std::map<std::string, std::string> stdlib_;    // header -> its line
  std::map<std::string, std::string> imported_;  // header -> its line
};

}  // namespace streamc::codegen
