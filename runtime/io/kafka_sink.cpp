// The Kafka sink (api.hpp, KafkaSink): rows are formatted by the template
// in api.hpp and handed to librdkafka here, one message each.
#include <chrono>
#include <thread>

#include "core/program_engine.hpp"
#include "io/kafka_client.hpp"

namespace streamc::rt {

struct KafkaSink::Producer {
  std::unique_ptr<KafkaClient> client;
  rd_kafka_topic_t* topic = nullptr;
  bool checked = false;  // the topic was found on the brokers
  // Delivery reports of the current batch (librdkafka calls back from
  // rd_kafka_poll/flush on this thread).
  int64_t failed = 0;
  std::string first_failure;
  int unpolled = 0;  // messages sent since the last rd_kafka_poll

  static void delivered(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    auto* self = static_cast<Producer*>(opaque);
    if (!m->err) return;
    if (self->failed++ == 0)
      self->first_failure = std::string(rd_kafka_err2str(m->err)) + " (partition " + std::to_string(m->partition) + ")";
  }
};

namespace {
// The client's opaque is the KafkaClient (errors); delivery reports reach
// the Producer through each message's opaque.
void on_delivery(rd_kafka_t* rk, const rd_kafka_message_t* m, void*) {
  KafkaSink::Producer::delivered(rk, m, m->_private);
}
}  // namespace

KafkaSink::KafkaSink(std::string name, KafkaSinkOptions options)
    : Sink(std::move(name)), options_(std::move(options)), producer_(std::make_unique<Producer>()) {
  const std::string who = "kafka sink '" + name_ + "'";
  if (options_.topic.empty()) throw FatalError(who + ": no topic given");
  producer_->client = std::make_unique<KafkaClient>(
      RD_KAFKA_PRODUCER, who, options_.brokers, options_.options,
      std::vector<std::pair<std::string, std::string>>{
          {"partitioner", "murmur2_random"},  // Java's default partitioner for keyed messages
          {"allow.auto.create.topics", "false"},
          {"acks", "all"},
          {"linger.ms", "5"},
          // A batch's rows are queued locally as fast as they are formatted
          // (librdkafka's default of 100,000 makes a large batch wait for
          // acknowledgements every 100,000 rows); commit() waits for them all.
          {"queue.buffering.max.messages", "2000000"},
      },
      &on_delivery);
  producer_->topic = rd_kafka_topic_new(producer_->client->handle(), options_.topic.c_str(), nullptr);
}

KafkaSink::~KafkaSink() {
  if (!producer_) return;
  if (producer_->topic) rd_kafka_topic_destroy(producer_->topic);
  producer_->client.reset();
}

void KafkaSink::begin_batch(int64_t batch_id) {
  Sink::begin_batch(batch_id);
  producer_->failed = 0;
  producer_->first_failure.clear();
  KafkaClient& c = *producer_->client;
  // Before the first batch writes: the topic must exist (brokers that do not
  // answer are waited for).
  while (!producer_->checked) {
    c.check_fatal();
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(c.handle(), 0, producer_->topic, &md, 3000);
    if (err) {
      c.status(c.who() + ": waiting for brokers " + c.brokers() + " (" + rd_kafka_err2str(err) + "); retrying");
      continue;
    }
    rd_kafka_resp_err_t terr = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
    rd_kafka_metadata_destroy(md);
    if (terr == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
      throw FatalError(c.who() + ": topic '" + options_.topic + "' does not exist on " + c.brokers());
    if (terr == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
      throw FatalError(c.who() + ": not authorised to write topic '" + options_.topic + "' on " + c.brokers());
    if (terr) {
      c.status(c.who() + ": waiting for topic '" + options_.topic + "' (" + rd_kafka_err2str(terr) + "); retrying");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    c.clear_status();
    producer_->checked = true;
  }
}

void KafkaSink::send(bool has_key, std::string_view value) {
  rd_kafka_t* rk = producer_->client->handle();
  for (;;) {
    int rc = rd_kafka_produce(producer_->topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                              const_cast<char*>(value.data()), value.size(), has_key ? key_.data() : nullptr,
                              has_key ? key_.size() : 0, producer_.get());
    if (rc == 0) break;
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
      throw FatalError(producer_->client->who() + ": cannot send a message to topic '" + options_.topic +
                       "': " + rd_kafka_err2str(err));
    rd_kafka_poll(rk, 10);  // the local queue is full: let deliveries drain it
  }
  // Delivery reports are served now and then (each poll takes librdkafka's
  // locks), and all of them by commit().
  if (++producer_->unpolled == 1024) {
    producer_->unpolled = 0;
    rd_kafka_poll(rk, 0);
  }
}

void KafkaSink::commit(int64_t batch_id) {
  KafkaClient& c = *producer_->client;
  // Every message of the batch acknowledged (or failed) before the batch
  // may commit.
  while (rd_kafka_outq_len(c.handle()) > 0) {
    c.check_fatal();
    rd_kafka_flush(c.handle(), 1000);
  }
  rd_kafka_poll(c.handle(), 0);
  c.check_fatal();
  if (producer_->failed > 0)
    throw FatalError(c.who() + ": " + std::to_string(producer_->failed) + " message" +
                     (producer_->failed == 1 ? "" : "s") + " of batch " + std::to_string(batch_id) +
                     " could not be delivered to topic '" + options_.topic + "': " + producer_->first_failure +
                     "; the batch is not committed and is replayed on restart");
}

KafkaSink& add_kafka_sink(Engine& engine, std::string name, KafkaSinkOptions options) {
  auto& eng = static_cast<ProgramEngine&>(engine);
  return static_cast<KafkaSink&>(eng.add_sink(std::make_unique<KafkaSink>(std::move(name), std::move(options))));
}

}  // namespace streamc::rt
