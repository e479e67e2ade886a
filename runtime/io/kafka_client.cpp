#include "io/kafka_client.hpp"

#include <charconv>
#include <cstdio>

#include "streamc/runtime/values.hpp"

namespace streamc::rt {

std::pair<std::string, std::string> split_kafka_option(const std::string& who, const std::string& option) {
  size_t eq = option.find('=');
  if (eq == std::string::npos || eq == 0)
    throw FatalError(who + ": option '" + option + "' is not name=value (a librdkafka setting, e.g. \"session.timeout.ms=6000\")");
  return {option.substr(0, eq), option.substr(eq + 1)};
}

std::optional<std::string_view> kafka_header(const rd_kafka_message_t* m, const char* name) {
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
  const void* v = nullptr;
  size_t size = 0;
  if (rd_kafka_header_get_last(hdrs, name, &v, &size) != RD_KAFKA_RESP_ERR_NO_ERROR || !v) return std::nullopt;
  return std::string_view(static_cast<const char*>(v), size);
}

std::optional<int64_t> kafka_decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t n = 0;
  const char* end = text.data() + text.size();
  auto [at, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || at != end) return std::nullopt;
  return n;
}

std::optional<int64_t> kafka_number_header(const rd_kafka_message_t* m, const char* name) {
  std::optional<std::string_view> text = kafka_header(m, name);
  return text ? kafka_decimal(*text) : std::nullopt;
}

KafkaClient::KafkaClient(rd_kafka_type_t type, std::string who, const std::string& brokers,
                         const std::vector<std::string>& options,
                         const std::vector<std::pair<std::string, std::string>>& defaults,
                         void (*delivery)(rd_kafka_t*, const rd_kafka_message_t*, void*),
                         void (*rebalance)(rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*, void*),
                         void* owner)
    : who_(std::move(who)), brokers_(brokers), owner_(owner) {
  if (brokers.empty()) throw FatalError(who_ + ": no brokers given (brokers: \"host:port,…\")");
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const std::string& name, const std::string& value) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw FatalError(who_ + ": bad option '" + name + "=" + value + "': " + errstr);
    }
  };
  set("bootstrap.servers", brokers);
  for (const auto& [name, value] : defaults) set(name, value);
  for (const auto& o : options) {
    auto [name, value] = split_kafka_option(who_, o);
    set(name, value);
  }
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_error_cb(conf, &KafkaClient::on_error);
  rd_kafka_conf_set_log_cb(conf, &KafkaClient::on_log);
  if (delivery) rd_kafka_conf_set_dr_msg_cb(conf, delivery);
  if (rebalance) rd_kafka_conf_set_rebalance_cb(conf, rebalance);
  rk_ = rd_kafka_new(type, conf, errstr, sizeof errstr);  // takes conf when it succeeds
  if (!rk_) {
    rd_kafka_conf_destroy(conf);
    throw FatalError(who_ + ": " + errstr);
  }
}

std::shared_ptr<KafkaClient> kafka_lookup_client(const std::string& who, const std::string& brokers,
                                                 const std::vector<std::string>& options) {
  std::string key = brokers;
  for (const auto& o : options) key += "\n" + o;
  // No group.id: no group, no offsets committed; nothing is assigned, so
  // nothing is fetched.
  return process_shared<KafkaClient>(key, [&] {
    return std::make_shared<KafkaClient>(RD_KAFKA_CONSUMER, who, brokers, options,
                                         std::vector<std::pair<std::string, std::string>>{
                                             {"enable.auto.commit", "false"}, {"allow.auto.create.topics", "false"}});
  });
}

KafkaClient::~KafkaClient() {
  if (rk_) rd_kafka_destroy(rk_);
}

void KafkaClient::on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaClient*>(opaque);
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  bool fatal = code == RD_KAFKA_RESP_ERR__FATAL || code == RD_KAFKA_RESP_ERR__AUTHENTICATION ||
               code == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED ||
               code == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED ||
               code == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED || code == RD_KAFKA_RESP_ERR__SSL;
  if (fatal) {
    char buf[512];
    std::string why = reason;
    if (code == RD_KAFKA_RESP_ERR__FATAL && rd_kafka_fatal_error(rk, buf, sizeof buf)) why = buf;
    std::lock_guard lock(self->mu_);
    if (self->fatal_.empty()) self->fatal_ = why;
    return;
  }
  // Transport problems: librdkafka retries with backoff; say what is waited
  // for, once per kind of problem (without the "(after 12ms …)" that varies).
  std::string why = reason;
  if (size_t after = why.find(" (after "); after != std::string::npos) why.resize(after);
  self->status(self->who_ + ": waiting for brokers " + self->brokers_ + " (" + why + "); retrying");
}

void KafkaClient::check_fatal() {
  std::lock_guard lock(mu_);
  if (!fatal_.empty()) throw FatalError(who_ + ": " + fatal_);
}

void KafkaClient::status(const std::string& line) {
  std::lock_guard lock(mu_);
  if (line == last_status_) return;
  last_status_ = line;
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void KafkaClient::clear_status() {
  std::lock_guard lock(mu_);
  if (last_status_.empty()) return;
  last_status_.clear();
  std::fprintf(stderr, "%s: brokers %s reachable again\n", who_.c_str(), brokers_.c_str());
  std::fflush(stderr);
}

}  // namespace streamc::rt
