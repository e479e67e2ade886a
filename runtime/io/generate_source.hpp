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

  // Checkpoints: a batch's offset is its range and how to time it:
  // "first_value count first_time_us step_us first_batch_time_us batches".
  std::string kind() const override { return "generate"; }
  std::string last_offset() const override;
  void restore(std::string_view last_offset, const std::vector<std::string>& logs) override;
  void replay(std::string_view offset, const std::vector<std::string>& log) override;
  int64_t position() const override { return emitted_; }

 private:
  GenerateOptions options_;
  RunMode mode_ = RunMode::Continuous;
  int64_t emitted_ = 0;
  int64_t batches_ = 0;
  std::optional<int64_t> first_time_us_;
  GeneratedRange last_{};
  std::optional<GeneratedRange> replay_;
};

}  // namespace streamc::rt
