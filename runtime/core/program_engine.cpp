#include "core/program_engine.hpp"

#include <algorithm>
#include <cstring>

#include "base/atomic_file.hpp"
#include "io/files_source.hpp"
#include "io/generate_source.hpp"

namespace streamc::rt {

std::string_view rejection_reason(std::string_view reason) {
  // The texts come from the decoders (codegen/emit_decoder.cpp), checked
  // arithmetic (values.hpp) and parsing (parse.cpp); first match wins.
  static constexpr std::pair<std::string_view, std::string_view> kinds[] = {
      {"malformed JSON", "malformed_json"},     {"is not a JSON object", "malformed_json"},
      {"malformed CSV", "malformed_csv"},       {"wrong number of columns", "wrong_column_count"},
      {"missing field", "missing_field"},       {"integer overflow", "integer_overflow"},
      {"division by zero", "division_by_zero"}, {"out of range", "out_of_range"},
      {"field ", "wrong_type"},                 {"wrong type", "wrong_type"}};
  for (const auto& [text, kind] : kinds)
    if (reason.find(text) != std::string_view::npos) return kind;
  return "other";
}

ProgramEngine::ProgramEngine(RunOptions options, SocketSettings socket_settings)
    : options_(std::move(options)), socket_settings_(std::move(socket_settings)) {}

const ParamValue& ProgramEngine::param(std::string_view name, ParamKind kind) const {
  auto it = options_.params.find(name);
  if (it == options_.params.end()) throw FatalError("no parameter '" + std::string(name) + "'");
  if (it->second.kind != kind)
    throw FatalError("parameter '" + std::string(name) + "' is a " + param_kind_name(it->second.kind) + ", not a " +
                     param_kind_name(kind));
  return it->second;
}

int64_t ProgramEngine::param_int(std::string_view name) const { return param(name, ParamKind::Int).i; }
double ProgramEngine::param_float(std::string_view name) const {
  // An int parameter read as a float is fine (SDL widens int to float).
  auto it = options_.params.find(name);
  if (it != options_.params.end() && it->second.kind == ParamKind::Int) return static_cast<double>(it->second.i);
  return param(name, ParamKind::Float).f;
}
bool ProgramEngine::param_bool(std::string_view name) const { return param(name, ParamKind::Bool).b; }
std::string ProgramEngine::param_string(std::string_view name) const { return param(name, ParamKind::String).s; }
Duration ProgramEngine::param_duration(std::string_view name) const { return param(name, ParamKind::Duration).d; }

SourceId ProgramEngine::add_source(std::unique_ptr<Source> source, SourceOptions options) {
  for (const auto& s : sources_)
    if (s->name() == source->name()) throw FatalError("two sources named '" + source->name() + "'");
  if (options.max_record_bytes < 1)
    throw FatalError("source '" + source->name() + "': max_record_bytes must be at least 1, not " +
                     std::to_string(options.max_record_bytes));
  while (options.errors_path.size() > 1 && options.errors_path.back() == '/') options.errors_path.pop_back();
  if (!options.errors_path.empty())
    if (int err = make_dirs(options.errors_path))
      throw FatalError("source '" + source->name() + "': cannot create errors directory '" + options.errors_path +
                       "': " + std::strerror(err));
  sources_.push_back(std::move(source));
  source_options_.push_back(options);
  rejected_batch_.push_back(0);
  rejected_total_.push_back(0);
  reasons_batch_.emplace_back();
  texts_batch_.emplace_back();
  texts_total_.emplace_back();
  return SourceId{static_cast<int>(sources_.size() - 1)};
}

SourceId ProgramEngine::add_socket_source(std::string name, std::string host, int64_t port, SourceOptions options) {
  return add_source(std::make_unique<SocketSource>(std::move(name), std::move(host), port, options, socket_settings_),
                    options);
}

SourceId ProgramEngine::add_files_source(std::string name, std::string glob, SourceOptions options) {
  return add_source(std::make_unique<FilesSource>(std::move(name), std::move(glob), options), options);
}

SourceId ProgramEngine::add_generate_source(std::string name, GenerateOptions options) {
  return add_source(std::make_unique<GenerateSource>(std::move(name), options), SourceOptions{});
}

TableConsoleSink& ProgramEngine::add_table_console_sink(std::string name, TableConsoleOptions options) {
  if (task_) options.task = task_->name();
  auto sink = std::make_unique<TableConsoleSink>(std::move(name), options);
  TableConsoleSink& ref = *sink;
  sinks_.push_back(std::move(sink));
  return ref;
}

ConsoleSink& ProgramEngine::add_console_sink(std::string name, ConsoleOptions options) {
  if (task_) options.task = task_->name();
  auto sink = std::make_unique<ConsoleSink>(std::move(name), options);
  ConsoleSink& ref = *sink;
  sinks_.push_back(std::move(sink));
  return ref;
}

FilesSink& ProgramEngine::add_files_sink(std::string name, std::string dir, FilesSinkOptions options) {
  if (task_) options.task = task_->name();
  auto sink = std::make_unique<FilesSink>(std::move(name), std::move(dir), options);
  FilesSink& ref = *sink;
  sinks_.push_back(std::move(sink));
  return ref;
}

Sink& ProgramEngine::add_sink(std::unique_ptr<Sink> sink) {
  Sink& ref = *sink;
  sinks_.push_back(std::move(sink));
  return ref;
}

void ProgramEngine::add_state(std::string name, std::string signature, std::unique_ptr<PersistentState> state) {
  for (const auto& s : states_)
    if (s.name == name) throw FatalError("two stateful operators named '" + name + "'");
  states_.push_back(State{std::move(name), std::move(signature), std::move(state)});
}

void ProgramEngine::count_rejected(SourceId source, std::string_view record, std::string_view reason,
                                   std::string_view location) {
  std::string full(reason);
  if (!location.empty()) full += " (" + std::string(location) + ")";
  if (source.index < 0 || static_cast<size_t>(source.index) >= sources_.size())
    throw FatalError("record rejected by unknown source #" + std::to_string(source.index) + ": " + full);
  auto i = static_cast<size_t>(source.index);
  const SourceOptions& o = source_options_[i];
  if (o.on_error == OnError::Fail) {
    constexpr size_t kShown = 200;
    std::string shown(record.substr(0, kShown));
    if (record.size() > kShown) shown += "...";
    throw FatalError("source '" + sources_[i]->name() + "': record rejected: " + full + ": " + shown);
  }
  std::lock_guard lock(reject_mu_);
  ++rejected_batch_[i];
  ++rejected_total_[i];
  ++reasons_batch_[i][rejection_reason(reason)];
  for (auto* counts : {&texts_batch_[i], &texts_total_[i]}) {
    auto it = counts->find(reason);
    if (it == counts->end()) it = counts->emplace(std::string(reason), 0).first;
    ++it->second;
  }
  if (!o.errors_path.empty()) {
    std::string& out = error_lines_[o.errors_path];
    out += "{\"source\":";
    append_json_string(out, sources_[i]->name());
    out += ",\"batch\":";
    append_json(out, batch_id_);
    out += ",\"reason\":";
    append_json_string(out, full);
    out += ",\"record\":";
    append_json_string(out, record);
    out += "}\n";
  }
}

void ProgramEngine::start_batch(int64_t batch_id) {
  std::lock_guard lock(reject_mu_);
  batch_id_ = batch_id;
  for (auto& n : rejected_batch_) n = 0;
  for (auto& r : reasons_batch_) r.clear();
  for (auto& r : texts_batch_) r.clear();
  for (auto& [path, lines] : error_lines_) lines.clear();
}

void ProgramEngine::finish_batch() {
  std::lock_guard lock(reject_mu_);
  for (auto& [path, lines] : error_lines_) {
    if (lines.empty()) continue;
    char base[48];
    std::snprintf(base, sizeof base, "part-%05lld.json", static_cast<long long>(batch_id_));
    write_file_atomically(path, base, lines, "errors of batch " + std::to_string(batch_id_));
    lines.clear();
  }
}

void ProgramEngine::print_rejected_summary(std::FILE* out) const {
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (rejected_total_[i] == 0) continue;
    std::vector<std::pair<std::string_view, int64_t>> by_count(texts_total_[i].begin(), texts_total_[i].end());
    std::stable_sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string reasons;
    for (const auto& [reason, n] : by_count)
      reasons += (reasons.empty() ? "" : ", ") + std::to_string(n) + " " + std::string(reason);
    std::fprintf(out, "%s: %lld record%s rejected (%s)\n", sources_[i]->name().c_str(),
                 static_cast<long long>(rejected_total_[i]), rejected_total_[i] == 1 ? "" : "s", reasons.c_str());
  }
  std::fflush(out);
}

}  // namespace streamc::rt
