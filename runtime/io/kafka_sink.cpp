// The Kafka sink (api.hpp, KafkaSink): rows are formatted by the template
// in api.hpp and handed to librdkafka here, one message each. A repartition
// sink (KafkaSinkOptions::repartition) picks each message's partition
// itself, numbers the batch's messages per partition in headers and ends
// the batch with a marker on every partition it wrote; the reading side is
// io/kafka_source.cpp (KafkaSourceOptions::repartition).
#include <algorithm>
#include <chrono>
#include <thread>

#include "base/failure_points.hpp"
#include "io/kafka_client.hpp"
#include "io/kafka_internal_topic.hpp"
#include "streamc/runtime/api.hpp"

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
  // A repartition sink: the headers' producer and batch, the topic's
  // partition count (looked up before the first batch) and, per partition,
  // the batch's messages so far (the next streamc.seq).
  std::string producer_name, batch;
  int32_t partitions = 0;
  std::vector<int64_t> seq;

  // One message (partition RD_KAFKA_PARTITION_UA: the partitioner's pick;
  // no key when `key` is null); takes `headers` (may be null).
  void produce(int32_t partition, const std::string_view* key, std::string_view value, rd_kafka_headers_t* headers);

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
  if (options_.repartition && options_.partitions_like.empty())
    throw FatalError(who + ": a repartition topic needs partitions_like (the topic whose partition count it takes)");
  std::vector<std::pair<std::string, std::string>> defaults{
      {"partitioner", "murmur2_random"},  // Java's default partitioner for keyed messages
      {"allow.auto.create.topics", "false"},
      {"acks", "all"},
      {"linger.ms", "5"},
      // A batch's rows are queued locally as fast as they are formatted
      // (librdkafka's default of 100,000 makes a large batch wait for
      // acknowledgements every 100,000 rows); commit() waits for them all.
      {"queue.buffering.max.messages", "2000000"},
  };
  // A repartition reader needs a producer's messages in order on each
  // partition, without duplicates from retries between them.
  if (options_.repartition) defaults.emplace_back("enable.idempotence", "true");
  producer_->client = std::make_unique<KafkaClient>(RD_KAFKA_PRODUCER, who, options_.brokers, options_.options,
                                                    defaults, &on_delivery);
  producer_->topic = rd_kafka_topic_new(producer_->client->handle(), options_.topic.c_str(), nullptr);
}

KafkaSink::~KafkaSink() {
  if (!producer_) return;
  if (producer_->topic) rd_kafka_topic_destroy(producer_->topic);
  producer_->client.reset();
}

void KafkaSink::set_producer(std::string producer) { producer_->producer_name = std::move(producer); }

void KafkaSink::begin_batch(int64_t batch_id) {
  Sink::begin_batch(batch_id);
  producer_->failed = 0;
  producer_->first_failure.clear();
  KafkaClient& c = *producer_->client;
  if (options_.repartition) {
    // Before the first batch: the partition count, the topic made if missing.
    if (producer_->partitions == 0)
      producer_->partitions =
          ensure_internal_topic(c.who(), options_.brokers, options_.options, options_.topic, options_.partitions_like);
    producer_->batch = std::to_string(batch_id);
    producer_->seq.assign(static_cast<size_t>(producer_->partitions), 0);
    return;
  }
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

namespace {

void add_header(rd_kafka_headers_t* hdrs, const char* name, std::string_view value) {
  rd_kafka_header_add(hdrs, name, -1, value.data(), static_cast<ssize_t>(value.size()));
}

}  // namespace

void KafkaSink::Producer::produce(int32_t partition, const std::string_view* key, std::string_view value,
                                  rd_kafka_headers_t* headers) {
  rd_kafka_t* rk = client->handle();
  // An empty value is sent as one (a null pointer would make a tombstone).
  char* payload = const_cast<char*>(value.data() ? value.data() : "");
  for (;;) {
    rd_kafka_resp_err_t err =
        rd_kafka_producev(rk, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(partition),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(payload, value.size()),
                          RD_KAFKA_V_KEY((key ? key->data() : nullptr), (key ? key->size() : 0)),
                          RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(this), RD_KAFKA_V_END);
    if (!err) return;  // the message owns the headers now
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      if (headers) rd_kafka_headers_destroy(headers);
      throw FatalError(client->who() + ": cannot send a message to topic '" + rd_kafka_topic_name(topic) +
                       "': " + rd_kafka_err2str(err));
    }
    rd_kafka_poll(rk, 10);  // the local queue is full: let deliveries drain it
  }
}

void KafkaSink::send(bool has_key, std::string_view value) {
  rd_kafka_t* rk = producer_->client->handle();
  const std::string_view key = key_;
  if (!options_.repartition) {
    producer_->produce(RD_KAFKA_PARTITION_UA, has_key ? &key : nullptr, value, nullptr);
  } else {
    // Kafka's murmur2 of the key's bytes (a null key: the empty one), as a
    // Java producer and the changelog store pick partitions.
    const auto partition = static_cast<int32_t>(rd_kafka_msg_partitioner_murmur2(
        producer_->topic, has_key ? key.data() : "", has_key ? key.size() : 0, producer_->partitions, nullptr, nullptr));
    const std::string seq = std::to_string(producer_->seq[static_cast<size_t>(partition)]++);
    rd_kafka_headers_t* hdrs = rd_kafka_headers_new(3);
    add_header(hdrs, "streamc.producer", producer_->producer_name);
    add_header(hdrs, "streamc.batch", producer_->batch);
    add_header(hdrs, "streamc.seq", seq);
    producer_->produce(partition, has_key ? &key : nullptr, value, hdrs);
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
  // Every message sent so far acknowledged (or failed).
  auto flush = [&] {
    while (rd_kafka_outq_len(c.handle()) > 0) {
      c.check_fatal();
      rd_kafka_flush(c.handle(), 1000);
    }
  };
  // A repartition sink's batch that sent rows (the failure points count
  // only those).
  const bool wrote = options_.repartition &&
                     std::any_of(producer_->seq.begin(), producer_->seq.end(), [](int64_t n) { return n > 0; });
  if (wrote) {
    if (failure_point_armed("repartition-before-markers")) {
      flush();  // the rows are on the topic when the test kills the process
      failure_point("repartition-before-markers");
    }
    // The batch's end on every partition it wrote: its message count there.
    for (size_t p = 0; p < producer_->seq.size(); ++p) {
      if (producer_->seq[p] == 0) continue;
      rd_kafka_headers_t* hdrs = rd_kafka_headers_new(3);
      add_header(hdrs, "streamc.producer", producer_->producer_name);
      add_header(hdrs, "streamc.batch", producer_->batch);
      add_header(hdrs, "streamc.marker", std::to_string(producer_->seq[p]));
      producer_->produce(static_cast<int32_t>(p), nullptr, {}, hdrs);
    }
  }
  // Every message of the batch acknowledged (or failed) before the batch
  // may commit.
  flush();
  if (wrote) failure_point("repartition-after-markers");
  rd_kafka_poll(c.handle(), 0);
  c.check_fatal();
  if (producer_->failed > 0)
    throw FatalError(c.who() + ": " + std::to_string(producer_->failed) + " message" +
                     (producer_->failed == 1 ? "" : "s") + " of batch " + std::to_string(batch_id) +
                     " could not be delivered to topic '" + options_.topic + "': " + producer_->first_failure +
                     "; the batch is not committed and is replayed on restart");
}

}  // namespace streamc::rt
