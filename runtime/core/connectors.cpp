// The runtime factories of the built-in source connectors (api.hpp,
// "connectors"): each reads its arguments, by the names of its entry in the
// compiler's registry (compiler/sema/registry.cpp), into the options of its
// class's entry point.
#include <string>

#include "streamc/runtime/api.hpp"

namespace streamc::rt {

const ConnectorArgs::Arg* ConnectorArgs::find(std::string_view name, Kind kind) const {
  for (const Arg& a : args_) {
    if (a.name != name) continue;
    if (a.kind != kind)
      throw FatalError("internal error: the connector argument '" + a.name + "' has another type than its reader expects");
    a.read = true;
    return &a;
  }
  return nullptr;
}

std::optional<int64_t> ConnectorArgs::get_integer(std::string_view name) const {
  if (const Arg* a = find(name, Kind::Integer)) return a->integer;
  return std::nullopt;
}

std::optional<bool> ConnectorArgs::get_flag(std::string_view name) const {
  if (const Arg* a = find(name, Kind::Flag)) return a->flag;
  return std::nullopt;
}

std::optional<std::string> ConnectorArgs::get_text(std::string_view name) const {
  if (const Arg* a = find(name, Kind::Text)) return a->text;
  return std::nullopt;
}

std::vector<std::string> ConnectorArgs::get_texts(std::string_view name) const {
  if (const Arg* a = find(name, Kind::Texts)) return a->texts;
  return {};
}

void ConnectorArgs::check_all_read(std::string_view connector) const {
  for (const Arg& a : args_)
    if (!a.read)
      throw FatalError("internal error: connector '" + std::string(connector) + "' does not read its argument '" +
                       a.name + "' (the compiler's registry and the runtime disagree)");
}

SourceId add_source(Engine& eng, const SourceConnector& connector, std::string name, const ConnectorArgs& args,
                    SourceOptions options) {
  SourceId id = connector.make(eng, std::move(name), args, std::move(options));
  args.check_all_read(connector.name);
  return id;
}

const SourceConnector socket_connector{
    "socket", [](Engine& eng, std::string name, const ConnectorArgs& args, SourceOptions options) {
      return eng.add_socket_source(std::move(name), args.get_text("host").value_or(""), args.get_integer("port").value_or(0),
                                   std::move(options));
    }};

const SourceConnector files_connector{
    "files", [](Engine& eng, std::string name, const ConnectorArgs& args, SourceOptions options) {
      // Spark's maxFilesPerTrigger, latestFirst, cleanSource and sourceArchiveDir.
      options.max_files_per_batch = args.get_integer("max_files_per_batch").value_or(options.max_files_per_batch);
      options.latest_first = args.get_flag("latest_first").value_or(options.latest_first);
      const std::string clean = args.get_text("clean_source").value_or("off");
      options.clean_source = clean == "archive" ? CleanSource::Archive : clean == "delete" ? CleanSource::Delete : CleanSource::Off;
      options.archive_dir = args.get_text("archive_dir").value_or(options.archive_dir);
      return eng.add_files_source(std::move(name), args.get_text("path").value_or(""), std::move(options));
    }};

const SourceConnector generate_connector{
    "generate", [](Engine& eng, std::string name, const ConnectorArgs& args, SourceOptions) {
      GenerateOptions g;
      g.rows_per_second = args.get_integer("rate").value_or(g.rows_per_second);
      g.rows_per_batch = args.get_integer("rows_per_batch").value_or(g.rows_per_batch);
      g.total_rows = args.get_integer("total_rows").value_or(g.total_rows);
      return eng.add_generate_source(std::move(name), g);
    }};

FileFormat file_format(std::string_view word) {
  return word == "csv" ? FileFormat::Csv : word == "text" ? FileFormat::Text : FileFormat::Json;
}

const SinkConnector<ConsoleSink> console_connector{
    "console", [](Engine& eng, std::string name, const ConnectorArgs& args) -> ConsoleSink& {
      ConsoleOptions o;
      o.rows = args.get_integer("rows").value_or(o.rows);
      (void)args.get_flag("truncate");  // lines that are not records are printed whole
      return eng.add_console_sink(std::move(name), o);
    }};

const SinkConnector<TableConsoleSink> table_console_connector{
    "console", [](Engine& eng, std::string name, const ConnectorArgs& args) -> TableConsoleSink& {
      TableConsoleOptions o;
      o.rows = args.get_integer("rows").value_or(o.rows);
      o.truncate = args.get_flag("truncate").value_or(o.truncate);
      return eng.add_table_console_sink(std::move(name), o);
    }};

const SinkConnector<FilesSink> files_sink_connector{
    "files", [](Engine& eng, std::string name, const ConnectorArgs& args) -> FilesSink& {
      FilesSinkOptions o;
      o.format = file_format(args.get_text("format").value_or("json"));
      o.complete = args.get_flag("complete").value_or(false);
      o.partition_by = args.get_texts("partition_by");
      return eng.add_files_sink(std::move(name), args.get_text("path").value_or(""), std::move(o));
    }};

}  // namespace streamc::rt
