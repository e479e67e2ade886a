// The Kafka connector's entry points that generated code calls
// (api.hpp: kafka_connector, add_kafka_sink, task_topic): where the Kafka
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

const SourceConnector kafka_connector{
    "kafka", [](Engine& eng, std::string name, const ConnectorArgs& args, SourceOptions format) {
      KafkaSourceOptions k;
      k.topics = args.get_texts("topics");
      k.brokers = args.get_text("brokers").value_or("");
      if (args.get_text("starting").value_or("latest") == "earliest") k.starting = KafkaStarting::Earliest;
      k.max_offsets_per_batch = args.get_integer("max_offsets_per_batch").value_or(k.max_offsets_per_batch);
      k.fail_on_data_loss = args.get_flag("fail_on_data_loss").value_or(k.fail_on_data_loss);
      k.options = args.get_texts("options");
      k.group = args.get_text("group").value_or("");
      // What the compiler's plan adds (DESIGN.md, "Scale-out"): the source
      // reads records as they are (format: raw), reads a repartition topic,
      // or makes the internal topics of later sub-topologies.
      k.raw = args.get_flag("raw").value_or(false);
      if (auto topic = args.get_text("repartition_topic")) {
        k.topics.push_back(std::move(*topic));
        k.repartition = true;
      }
      k.internal_topics = args.get_texts("internal_topics");
      return add_kafka_source(eng, std::move(name), std::move(k), std::move(format));
    }};

const SinkConnector<KafkaSink> kafka_sink_connector{
    "kafka", [](Engine& eng, std::string name, const ConnectorArgs& args) -> KafkaSink& {
      KafkaSinkOptions k;
      k.topic = args.get_text("topic").value_or("");
      k.brokers = args.get_text("brokers").value_or("");
      k.format = file_format(args.get_text("format").value_or("json"));
      k.options = args.get_texts("options");
      // A consumer group's repartition topic (the compiler's plan).
      k.repartition = args.get_flag("repartition").value_or(false);
      k.partitions_like = args.get_text("partitions_like").value_or("");
      return add_kafka_sink(eng, std::move(name), std::move(k));
    }};

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
