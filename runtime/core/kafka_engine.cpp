// The Kafka connector's entry points that generated code calls
// (api.hpp: add_kafka_source, add_kafka_sink, task_topic): where the Kafka
// source and sink (io/) meet the engine and its consumer group. Its own
// file, so that only programs that use Kafka link it, and librdkafka.
#include "core/program_engine.hpp"
#include "io/kafka_group.hpp"
#include "io/kafka_source.hpp"

namespace streamc::rt {

SourceId add_kafka_source(Engine& engine, std::string name, KafkaSourceOptions options, SourceOptions format) {
  auto& eng = static_cast<ProgramEngine&>(engine);
  // With a group, the first build of the program makes it a member; the
  // builds that follow are its tasks, one partition each.
  if (!options.group.empty() && !eng.task()) eng.join_group(make_kafka_group_member(name, options));
  auto source = std::make_unique<KafkaSource>(std::move(name), std::move(options), format);
  if (eng.task()) source->pin(eng.task()->topic, eng.task()->partition);
  return eng.add_source(std::move(source), format);
}

std::string_view task_topic(const Engine& engine) {
  const auto& eng = static_cast<const ProgramEngine&>(engine);
  return eng.task() ? std::string_view(eng.task()->topic) : std::string_view();
}

KafkaSink& add_kafka_sink(Engine& engine, std::string name, KafkaSinkOptions options) {
  auto& eng = static_cast<ProgramEngine&>(engine);
  auto sink = std::make_unique<KafkaSink>(std::move(name), std::move(options));
  sink->set_producer(eng.task() ? eng.task()->name() : eng.program_name());
  return static_cast<KafkaSink&>(eng.add_sink(std::move(sink)));
}

}  // namespace streamc::rt
