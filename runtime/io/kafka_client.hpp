// What the Kafka source and sink share: a librdkafka handle made from
// `brokers` and the user's `options` (bad options: one clear error), whose
// errors become one status line on stderr per change ("waiting for …")
// instead of librdkafka's log, and whose fatal errors (authorisation,
// authentication, a fatal producer error) are kept for the caller to throw.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace streamc::rt {

class KafkaClient {
 public:
  // `who` names the connector in messages ("kafka source 'events'").
  // Throws FatalError for an option librdkafka does not accept.
  KafkaClient(rd_kafka_type_t type, std::string who, const std::string& brokers, const std::vector<std::string>& options,
              const std::vector<std::pair<std::string, std::string>>& defaults,
              void (*delivery)(rd_kafka_t*, const rd_kafka_message_t*, void*) = nullptr,
              void (*rebalance)(rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*, void*) = nullptr,
              void* owner = nullptr);
  ~KafkaClient();
  KafkaClient(const KafkaClient&) = delete;
  KafkaClient& operator=(const KafkaClient&) = delete;

  rd_kafka_t* handle() const { return rk_; }
  // What the maker passed as `owner`, for its callbacks (their opaque is
  // this client).
  void* owner() const { return owner_; }
  const std::string& who() const { return who_; }
  const std::string& brokers() const { return brokers_; }
  // Throws FatalError when librdkafka reported an error that retrying
  // cannot cure (authorisation, authentication, a fatal client error).
  void check_fatal();
  // One line on stderr, printed only when it differs from the last one.
  void status(const std::string& line);
  // The status is good again: says so when a problem was printed (the next
  // problem is printed anew).
  void clear_status();

 private:
  static void on_error(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static void on_log(const rd_kafka_t*, int, const char*, const char*) {}
  std::string who_, brokers_;
  void* owner_ = nullptr;
  rd_kafka_t* rk_ = nullptr;
  std::mutex mu_;
  std::string last_status_;
  std::string fatal_;
};

// The one T for `key` in this process while anyone holds it: made by
// `make()` when there is none (each call site keeps its own keys).
template <class T, class Make>
std::shared_ptr<T> process_shared(const std::string& key, const Make& make) {
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<T>> live;
  std::lock_guard lock(mu);
  std::weak_ptr<T>& slot = live[key];
  std::shared_ptr<T> t = slot.lock();
  if (!t) slot = t = make();
  return t;
}

// A consumer that reads nothing, for lookups (metadata, watermarks): one
// per brokers and options in the process, shared by every source and task
// that asks (librdkafka's calls are thread-safe). A consumer's own
// connection makes a lookup wait behind its fetch: the broker answers a
// connection's requests in order, and a fetch at the end of its partitions
// waits there for up to fetch.wait.max.ms (100 ms) before it is answered.
std::shared_ptr<KafkaClient> kafka_lookup_client(const std::string& who, const std::string& brokers,
                                                 const std::vector<std::string>& options);

// Owns a message librdkafka handed out: every message must be destroyed
// before its handle, or rd_kafka_destroy waits for it forever.
struct KafkaMessageDestroy {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using KafkaMessagePtr = std::unique_ptr<rd_kafka_message_t, KafkaMessageDestroy>;

// A header of a message (the last of that name), or nothing when it is
// missing; the view lives as long as the message.
std::optional<std::string_view> kafka_header(const rd_kafka_message_t* m, const char* name);
// A decimal number as the runtime writes it in headers ("-1", "42"), or
// nothing when the text is not one.
std::optional<int64_t> kafka_decimal(std::string_view text);
// A decimal header, or nothing when it is missing or not a number.
std::optional<int64_t> kafka_number_header(const rd_kafka_message_t* m, const char* name);

// "name=value" → {name, value}; throws FatalError naming the entry otherwise.
std::pair<std::string, std::string> split_kafka_option(const std::string& who, const std::string& option);

}  // namespace streamc::rt
