// kafka(…) as a source and as a sink (LANGUAGE.md, "Kafka, PostgreSQL and
// scale-out (v2)"): options checked here, the records and rows by the
// shared source/sink code in check_program.cpp.
#include "sema/checker.hpp"

namespace streamc::sema {

using ast::Decl;
using ast::Expr;
using ast::ExprKind;
using K = Type::Kind;

bool Checker::kafka_common_options(const Expr& call) {
  if (!named_arg(call, "brokers")) {
    diags_.error(call.range, "kafka needs its brokers: kafka(\"topic\", brokers: \"host:9092\", …)");
    return false;
  }
  if (const Expr* o = named_arg(call, "options")) {
    if (o->kind != ExprKind::List) {
      diags_.error(o->range, "options is a list of librdkafka settings: options: [\"session.timeout.ms=6000\"]");
      return false;
    }
    for (const auto& item : o->children) {
      if (check_startup_expr(*item, types::string(), "a kafka option")->is_error()) return false;
      if (item->kind == ExprKind::StringLit && item->text.find('=') == std::string::npos) {
        diags_.error(item->range, "a kafka option is \"name=value\", e.g. \"session.timeout.ms=6000\"");
        return false;
      }
    }
    record(*o, types::list(types::string()));
  }
  return true;
}

bool Checker::check_kafka_source(const Decl& d, const Expr& call, SourceInfo& s, bool& done) {
  s.connector = Connector::Kafka;
  if (!connector_options(call, *find_connector("kafka"), kSourceRole, 1)) return false;
  s.kafka_group = named_arg(call, "group");
  if (call.args.empty() || !call.args[0].name.name.empty()) {
    diags_.error(call.range, "kafka needs a topic or a list of topics: kafka(\"events\", brokers: \"host:9092\")");
    return false;
  }
  const Expr& topic = *call.args[0].value;
  if (topic.kind == ExprKind::List) {
    if (topic.children.empty()) {
      diags_.error(topic.range, "kafka needs at least one topic");
      return false;
    }
    for (const auto& t : topic.children)
      if (check_startup_expr(*t, types::string(), "a topic")->is_error()) return false;
    record(topic, types::list(types::string()));
  } else {
    if (check_startup_expr(topic, types::string(), "the topic")->is_error()) return false;
  }
  if (!kafka_common_options(call)) return false;
  const Expr* f = named_arg(call, "format");
  if (f && f->kind == ExprKind::Name && f->text == "raw") {
    // Spark's Kafka record; nothing to decode, so no schema and no on_error.
    for (const char* other : {"schema", "on_error", "errors", "delimiter"})
      if (const Expr* o = named_arg(call, other)) {
        diags_.error(o->range, std::string("format: raw has no ") + other +
                                   ": its records are Spark's Kafka records {key, value, topic, partition, offset, timestamp}");
        return false;
      }
    s.kafka_raw = true;
    s.runtime_args.push_back({"raw", ArgKind::Bool, nullptr, {}, true});
    s.element = types::record({"key", "value", "topic", "partition", "offset", "timestamp"},
                              {types::optional(types::string()), types::string(), types::string(), types::integer(),
                               types::integer(), types::timestamp()});
    if (d.kind == ast::DeclKind::Table) {
      diags_.error(call.range, "a table is read from files with a schema: table ads = files(\"ads.csv\", format: csv, schema: Ad)");
      return false;
    }
    add_typed_source(d, std::move(s));
    done = true;
  }
  return true;
}

bool Checker::check_kafka_sink(const Expr& call, SinkInfo& s) {
  s.connector = Connector::Kafka;
  if (!connector_options(call, *find_connector("kafka"), kSinkRole, 1)) return false;
  if (call.args.empty() || !call.args[0].name.name.empty()) {
    diags_.error(call.range, "kafka needs a topic: kafka(\"counts\", brokers: \"host:9092\", key: word)");
    return false;
  }
  if (check_startup_expr(*call.args[0].value, types::string(), "the topic")->is_error()) return false;
  if (!kafka_common_options(call)) return false;
  if (!format_option(call, s.format, {"text", "json", "csv"})) return false;
  if (const Expr* key = named_arg(call, "key")) {
    if (s.node < 0) return false;  // the stream had errors, already reported
    const TypeRef& row = result_.nodes[s.node].type;
    Scope scope;
    TypeRef t = check_function_arg(*key, row, {row}, "key", scope);
    if (t->is_error()) return false;
    TypeRef base = t->is(K::Optional) ? t->elements[0] : t;
    if (!(base->is(K::String) || base->is(K::Int) || base->is(K::Float) || base->is(K::Bool) || base->is(K::Timestamp))) {
      diags_.error(key->range, "a kafka key is a string, number, bool or timestamp, found " + to_string(t));
      return false;
    }
    s.kafka_key = key;
  }
  return true;
}

}  // namespace streamc::sema
