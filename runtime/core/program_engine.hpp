// The Engine that generated code builds its pipeline on: parameter values
// from the command line, the registered sources and sinks, the batch
// function, and the per-source count of rejected records.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "checkpoint/checkpoint_store.hpp"
#include "core/command_line.hpp"
#include "io/group_membership.hpp"
#include "io/socket_source.hpp"
#include "io/source.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

// The kind of a rejection's reason, a metric label from a short fixed list:
// "malformed_json", "malformed_csv", "wrong_column_count", "missing_field",
// "wrong_type", "integer_overflow", "division_by_zero", "out_of_range",
// "other".
std::string_view rejection_reason(std::string_view reason);

class ProgramEngine final : public Engine {
 public:
  explicit ProgramEngine(RunOptions options, SocketSettings socket_settings = {});

  int64_t param_int(std::string_view name) const override;
  double param_float(std::string_view name) const override;
  bool param_bool(std::string_view name) const override;
  std::string param_string(std::string_view name) const override;
  Duration param_duration(std::string_view name) const override;
  int64_t threads() const override { return options_.threads; }
  int64_t batch_us() const override { return options_.batch_us; }

  SourceId add_socket_source(std::string name, std::string host, int64_t port, SourceOptions options) override;
  SourceId add_files_source(std::string name, std::string glob, SourceOptions options) override;
  SourceId add_generate_source(std::string name, GenerateOptions options) override;
  ConsoleSink& add_console_sink(std::string name, ConsoleOptions options) override;
  FilesSink& add_files_sink(std::string name, std::string dir, FilesSinkOptions options) override;
  TableConsoleSink& add_table_console_sink(std::string name, TableConsoleOptions options) override;
  Sink& add_sink(std::unique_ptr<Sink> sink) override;
  void set_batch_function(std::function<void(Batch&)> fn) override { batch_fn_ = std::move(fn); }
  void add_state(std::string name, std::string signature, std::unique_ptr<PersistentState> state) override;
  void count_rejected(SourceId source, std::string_view record, std::string_view reason,
                      std::string_view location) override;

  // Sources made outside the engine (Kafka: io/kafka_source.cpp, which
  // only programs that use Kafka link, with librdkafka).
  SourceId add_source(std::unique_ptr<Source> source, SourceOptions options);

  // Where the batch loop keeps the checkpoint instead of the --checkpoint
  // directory (a task's Kafka changelog: io/kafka_changelog.hpp); called
  // once, when the loop recovers. With a store set the loop checkpoints
  // even without --checkpoint.
  using CheckpointStoreFactory = std::function<std::unique_ptr<CheckpointStore>()>;
  void use_checkpoint_store(CheckpointStoreFactory make) { make_store_ = std::move(make); }
  const CheckpointStoreFactory& checkpoint_store() const { return make_store_; }

  // The program's name, for the progress report.
  void set_program_name(std::string name) { program_name_ = std::move(name); }
  const std::string& program_name() const { return program_name_; }

  // Consumer groups (core/group_runner.hpp). The first engine a program
  // builds meets the group's Kafka source, which joins it here; the runner
  // then builds one engine per task, each told its task first, whose
  // source reads that partition only and whose files sinks write the task's
  // own parts and manifest.
  void join_group(std::unique_ptr<GroupMembership> m) { group_ = std::move(m); }
  std::unique_ptr<GroupMembership> take_group() { return std::move(group_); }
  bool in_group() const { return group_ != nullptr; }
  void set_task(TaskId task) { task_ = std::move(task); }
  const std::optional<TaskId>& task() const { return task_; }

  // For the batch loop.
  const RunOptions& options() const { return options_; }
  const std::vector<std::unique_ptr<Source>>& sources() const { return sources_; }
  const std::function<void(Batch&)>& batch_function() const { return batch_fn_; }
  const std::vector<std::unique_ptr<Sink>>& sinks() const { return sinks_; }
  struct State {
    std::string name, signature;
    std::unique_ptr<PersistentState> state;
  };
  const std::vector<State>& states() const { return states_; }
  // Rejected records per source: in the current batch, and in total.
  const std::vector<int64_t>& rejected_in_batch() const { return rejected_batch_; }
  const std::vector<int64_t>& rejected_total() const { return rejected_total_; }
  // This batch's rejected records per source by kind of reason
  // (rejection_reason: "malformed_json", "wrong_type", …), for metrics.
  const std::vector<std::map<std::string_view, int64_t>>& rejected_reasons_in_batch() const { return reasons_batch_; }
  // The same counts by the reason's text ("missing field name" -> 7), for
  // the progress record and the summary at exit.
  using ReasonCounts = std::map<std::string, int64_t, std::less<>>;
  const std::vector<ReasonCounts>& rejected_texts_in_batch() const { return texts_batch_; }
  // Whether a source writes its rejected records to files (errors_path).
  bool writes_rejected_records() const {
    for (const auto& o : source_options_)
      if (!o.errors_path.empty()) return true;
    return false;
  }
  void start_batch_counts() { start_batch(batch_id_); }
  // Around each batch: zero the per-batch counts; then write the rejected
  // records of the batch to each errors_path (part-<batch:05>.json).
  void start_batch(int64_t batch_id);
  void finish_batch();

  // "lines: 3 records rejected (2 missing field name, 1 malformed JSON: …)",
  // one line per source that rejected any, reasons most frequent first.
  void print_rejected_summary(std::FILE* out) const;

 private:
  const ParamValue& param(std::string_view name, ParamKind kind) const;

  RunOptions options_;
  std::string program_name_;
  std::unique_ptr<GroupMembership> group_;
  std::optional<TaskId> task_;
  SocketSettings socket_settings_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<SourceOptions> source_options_;
  std::vector<std::unique_ptr<Sink>> sinks_;
  std::function<void(Batch&)> batch_fn_;
  CheckpointStoreFactory make_store_;
  std::vector<State> states_;
  std::mutex reject_mu_;  // rejects may come from worker threads
  std::vector<int64_t> rejected_batch_;
  std::vector<int64_t> rejected_total_;
  std::vector<std::map<std::string_view, int64_t>> reasons_batch_;
  std::vector<ReasonCounts> texts_batch_, texts_total_;
  int64_t batch_id_ = 0;
  std::map<std::string, std::string> error_lines_;  // errors_path -> this batch's JSON lines
};

}  // namespace streamc::rt
