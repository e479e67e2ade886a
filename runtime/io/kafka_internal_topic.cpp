#include "io/kafka_internal_topic.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "io/kafka_client.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {
namespace {

constexpr int kLookTimeoutMs = 3000;
// How long a topic that was just made may take to show in the metadata.
constexpr int64_t kShowTimeoutMs = 30'000;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// What the cluster's metadata says of the topic and of `partitions_like`.
struct Look {
  bool answered = false;
  int32_t partitions = -1;       // -1: no such topic; 0: there but not ready (no leaders yet)
  int32_t like_partitions = -1;  // the same for partitions_like
  bool controller = false;       // the brokers name a controller among them (CreateTopics can work)
};

// Every topic's metadata (a lookup of one topic by name would make it on
// brokers that auto-create topics, the mock among them, before CreateTopics
// could give it the right partition count).
Look look(KafkaClient& c, const std::string& topic, const std::string& like) {
  Look out;
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(c.handle(), 1, nullptr, &md, kLookTimeoutMs);
  if (err) {
    c.check_fatal();
    c.status(c.who() + ": waiting for brokers " + c.brokers() + " (metadata: " + rd_kafka_err2str(err) + "); retrying");
    return out;
  }
  out.answered = true;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    const bool ours = topic == t.topic, theirs = like == t.topic;
    if (!ours && !theirs) continue;
    if (t.err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
      rd_kafka_metadata_destroy(md);
      throw FatalError(c.who() + ": not authorised to use topic '" + std::string(t.topic) + "' on " + c.brokers());
    }
    int32_t n = t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ? -1 : 0;
    if (!t.err) {
      n = t.partition_cnt;
      for (int p = 0; p < t.partition_cnt; ++p)
        if (t.partitions[p].leader < 0) n = 0;
    }
    (ours ? out.partitions : out.like_partitions) = n;
  }
  const int32_t controller = rd_kafka_controllerid(c.handle(), 0);
  for (int i = 0; i < md->broker_cnt; ++i) out.controller = out.controller || md->brokers[i].id == controller;
  rd_kafka_metadata_destroy(md);
  return out;
}

// CreateTopics for one topic: its error (TOPIC_ALREADY_EXISTS included) and
// what the broker said.
std::pair<rd_kafka_resp_err_t, std::string> create_topic(KafkaClient& c, const std::string& topic, int32_t partitions,
                                                         int replication) {
  char errstr[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, replication, errstr, sizeof errstr);
  if (!nt) return {RD_KAFKA_RESP_ERR__INVALID_ARG, errstr};
  rd_kafka_queue_t* q = rd_kafka_queue_new(c.handle());
  rd_kafka_AdminOptions_t* ao = rd_kafka_AdminOptions_new(c.handle(), RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(ao, 10'000, errstr, sizeof errstr);
  // The broker answers once the controller has made the topic.
  rd_kafka_AdminOptions_set_operation_timeout(ao, 10'000, errstr, sizeof errstr);
  rd_kafka_CreateTopics(c.handle(), &nt, 1, ao, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, 15'000);
  std::pair<rd_kafka_resp_err_t, std::string> out{RD_KAFKA_RESP_ERR__TIMED_OUT, "no answer"};
  if (ev && rd_kafka_event_error(ev)) {
    out = {rd_kafka_event_error(ev), rd_kafka_event_error_string(ev)};
  } else if (const rd_kafka_CreateTopics_result_t* res = ev ? rd_kafka_event_CreateTopics_result(ev) : nullptr) {
    size_t n = 0;
    const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(res, &n);
    if (n == 1) {
      const char* why = rd_kafka_topic_result_error_string(topics[0]);
      out = {rd_kafka_topic_result_error(topics[0]), why ? why : rd_kafka_err2str(rd_kafka_topic_result_error(topics[0]))};
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(ao);
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(nt);
  return out;
}

}  // namespace

int32_t ensure_internal_topic(const std::string& who, const std::string& brokers,
                              const std::vector<std::string>& options, const std::string& topic,
                              const std::string& partitions_like) {
  // A producer's handle (allow.auto.create.topics: true) for the admin
  // request and the lookup that auto-creates.
  KafkaClient c(RD_KAFKA_PRODUCER, who, brokers, options, {{"allow.auto.create.topics", "true"}});
  Look l;
  while (!(l = look(c, topic, partitions_like)).answered) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  if (l.partitions > 0) {
    c.clear_status();
    return l.partitions;
  }
  std::string made_by;  // how the topic was asked for, for messages
  if (l.partitions < 0) {
    if (l.like_partitions < 0)
      throw FatalError(who + ": cannot make the internal topic '" + topic + "': topic '" + partitions_like +
                       "', whose partition count it takes, does not exist on " + brokers);
    const int32_t count = std::max<int32_t>(l.like_partitions, 1);
    std::pair<rd_kafka_resp_err_t, std::string> created{RD_KAFKA_RESP_ERR__NOT_IMPLEMENTED,
                                                        "the brokers name no controller, which CreateTopics needs"};
    if (l.controller) {
      created = create_topic(c, topic, count, -1);
      const rd_kafka_resp_err_t e = created.first;
      // Brokers before 2.4 take no "default replication" (-1).
      if (e == RD_KAFKA_RESP_ERR_INVALID_REPLICATION_FACTOR || e == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION ||
          e == RD_KAFKA_RESP_ERR_INVALID_REQUEST || e == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE ||
          e == RD_KAFKA_RESP_ERR__INVALID_ARG)
        created = create_topic(c, topic, count, 1);
    }
    if (!created.first || created.first == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      made_by = "created with " + std::to_string(count) + " partitions";
    } else {
      // Brokers that auto-create topics make it when asked for its metadata.
      rd_kafka_topic_t* rkt = rd_kafka_topic_new(c.handle(), topic.c_str(), nullptr);
      const rd_kafka_metadata_t* md = nullptr;
      rd_kafka_resp_err_t err = rd_kafka_metadata(c.handle(), 0, rkt, &md, kLookTimeoutMs);
      rd_kafka_topic_destroy(rkt);
      rd_kafka_resp_err_t terr = err ? err : md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
      if (md) rd_kafka_metadata_destroy(md);
      if (terr == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        throw FatalError(who + ": cannot make the internal topic '" + topic + "' on " + brokers + " (CreateTopics: " +
                         created.second + "; the brokers do not create topics when asked for them either); create it "
                         "with " + std::to_string(count) + " partitions");
      made_by = "made by the brokers on request (CreateTopics: " + created.second + ")";
    }
  } else {
    made_by = "there, its partitions without leaders";
  }
  const int64_t deadline = steady_ms() + kShowTimeoutMs;
  for (;;) {
    l = look(c, topic, partitions_like);
    if (l.partitions > 0) break;
    if (l.answered) {
      if (steady_ms() > deadline)
        throw FatalError(who + ": the internal topic '" + topic + "' (" + made_by + ") does not show in the metadata of " +
                         brokers + " after " + std::to_string(kShowTimeoutMs / 1000) + " s");
      c.status(who + ": waiting for the internal topic '" + topic + "' (" + made_by + ") to show in the metadata");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  c.clear_status();
  return l.partitions;
}

}  // namespace streamc::rt
