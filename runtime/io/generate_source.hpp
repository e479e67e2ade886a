// generate(rate: N, …): Spark's rate source. Produces no text, only a
// GeneratedRange per batch (values 0, 1, 2, … with timestamps spread over
// the batch interval); see Engine::add_generate_source for the rules.
#pragma once

#include <optional>

#include "io/source.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

class GenerateSource final : public Source {
 public:
  // Throws FatalError for negative rates or totals below -1.
  GenerateSource(std::string name, GenerateOptions options);

  // Throws FatalError when a bounded mode has no total_rows.
  void start(RunMode mode) override;
  bool poll(SourceIntake intake) override;

  int64_t generated() const { return emitted_; }

 private:
  GenerateOptions options_;
  RunMode mode_ = RunMode::Continuous;
  int64_t emitted_ = 0;
  int64_t batches_ = 0;
  std::optional<int64_t> first_time_us_;
};

}  // namespace streamc::rt
