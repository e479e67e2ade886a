// librdkafka's mock cluster in the test's process: the real Kafka protocol
// over TCP on 127.0.0.1, gone with the test. It makes any topic a client
// looks up (4 partitions) unless created here first.
#pragma once

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace streamc::rt::testing {

class MockCluster {
 public:
  MockCluster() {
    char errstr[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    mc_ = rd_kafka_mock_cluster_new(rk_, 1);
    brokers_ = rd_kafka_mock_cluster_bootstraps(mc_);
  }
  ~MockCluster() {
    if (client_) rd_kafka_destroy(client_);
    rd_kafka_mock_cluster_destroy(mc_);
    rd_kafka_destroy(rk_);
  }
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  const std::string& brokers() const { return brokers_; }
  void create_topic(const std::string& name, int partitions) {
    ASSERT_EQ(rd_kafka_mock_topic_create(mc_, name.c_str(), partitions, 1), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  // Sends one message (no key when `key` is empty) with `headers` and waits
  // until it is written.
  void send(const std::string& topic, int32_t partition, const std::optional<std::string>& key, const std::string& value,
            const std::vector<std::pair<std::string, std::string>>& headers) {
    rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
    for (const auto& [name, v] : headers) rd_kafka_header_add(hdrs, name.c_str(), -1, v.data(), static_cast<ssize_t>(v.size()));
    ASSERT_EQ(rd_kafka_producev(client(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                RD_KAFKA_V_KEY((key ? key->data() : nullptr), (key ? key->size() : 0)),
                                RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(rd_kafka_flush(client(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  // The partition's next offset (high watermark).
  int64_t end_offset(const std::string& topic, int32_t partition) {
    int64_t low = 0, high = -1;
    EXPECT_EQ(rd_kafka_query_watermark_offsets(client(), topic.c_str(), partition, &low, &high, 5000),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    return high;
  }

 private:
  rd_kafka_t* client() {
    if (!client_) {
      char errstr[256];
      rd_kafka_conf_t* conf = rd_kafka_conf_new();
      rd_kafka_conf_set(conf, "bootstrap.servers", brokers_.c_str(), errstr, sizeof errstr);
      rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
      client_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    }
    return client_;
  }

  rd_kafka_t* rk_ = nullptr;
  rd_kafka_t* client_ = nullptr;
  rd_kafka_mock_cluster_t* mc_ = nullptr;
  std::string brokers_;
};

}  // namespace streamc::rt::testing
