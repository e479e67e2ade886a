#include "io/kafka_changelog.hpp"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "checkpoint/checkpoint_file.hpp"
#include "base/failure_points.hpp"
#include "io/changelog_cache.hpp"
#include "io/kafka_client.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {
namespace {

constexpr int kLookTimeoutMs = 3000;
// How long a broker may hold a fetch that finds nothing: a restore reads
// what is there; confirm_owner waits for a record just written, and a
// broker that does not answer a held fetch when data arrives (the test
// broker) makes it wait that long.
constexpr int kRestoreWaitMs = 50;
constexpr int kTailWaitMs = 10;
constexpr const char* kEpochHeader = "streamc-epoch";
constexpr const char* kFromHeader = "streamc-from";
constexpr const char* kPartHeader = "streamc-part";

// One record's delivery report. The producer is the process's (shared by
// every task's store), so the report may be served by another thread's
// poll: `done` publishes the rest.
struct Delivery {
  std::atomic<bool> done{false};
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  int64_t offset = -1;
};

// A consumer of assigned changelog partitions (no group offsets), whose
// fetches the broker holds at most `wait_ms` when there is nothing new.
std::vector<std::pair<std::string, std::string>> reader_settings(const std::string& group, int wait_ms) {
  return {{"group.id", group},
          {"enable.auto.commit", "false"},
          {"enable.auto.offset.store", "false"},
          {"auto.offset.reset", "error"},
          {"allow.auto.create.topics", "false"},
          {"fetch.wait.max.ms", std::to_string(wait_ms)}};
}

// The next record `consumer` has, or none yet (an error it retries is one
// status line); a record gone to retention calls `gone(why)`, which throws.
template <class Gone>
KafkaMessagePtr poll_record(KafkaClient& consumer, const Gone& gone) {
  consumer.check_fatal();
  KafkaMessagePtr m(rd_kafka_consumer_poll(consumer.handle(), 200));
  if (!m || m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return nullptr;
  if (m->err) {
    const std::string why = rd_kafka_message_errstr(m.get());
    if (m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE || m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) gone(why);
    consumer.status(consumer.who() + ": cannot read the changelog (" + why + "); retrying");
    return nullptr;
  }
  consumer.clear_status();
  return m;
}

void on_delivery(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* d = static_cast<Delivery*>(m->_private);
  d->err = m->err;
  d->offset = m->offset;
  d->done.store(true, std::memory_order_release);
}

// A record as the topic holds it: the fields the changelog's readers use.
ChangelogRecordView view_of(const rd_kafka_message_t* m) {
  ChangelogRecordView v;
  v.offset = m->offset;
  v.key = std::string_view(static_cast<const char*>(m->key), m->key ? m->key_len : 0);
  if (m->payload) v.value = std::string_view(static_cast<const char*>(m->payload), m->len);
  v.epoch = kafka_header(m, kEpochHeader);
  v.from = kafka_header(m, kFromHeader);
  v.part = kafka_header(m, kPartHeader);
  return v;
}

std::optional<int64_t> number(const std::optional<std::string_view>& text) {
  return text ? kafka_decimal(*text) : std::nullopt;
}

// Whether `key` is a record of `task` ("<task>\t<rel>").
bool of_task(std::string_view key, const std::string& task) {
  return key.size() > task.size() && key.substr(0, task.size()) == task && key[task.size()] == '\t';
}

}  // namespace

struct KafkaChangelogStore::Replay {
  int64_t epoch = 0;               // the epoch in force
  int64_t max_epoch = 0;           // the highest in the task's records
  int64_t first_control = -1;      // offset of the first control record read
  int64_t last_from = -1;          // "from" of the last accepted control record
  bool seen = false;               // any record of the task
  std::map<int64_t, int64_t> controls;  // accepted control record's offset → task bytes up to it
  std::map<std::string, File> files;
  int64_t task_bytes = 0;
  int64_t next = 0;                // the next offset to read
  int64_t claim = -1;              // this owner's claim, once sent
  bool claim_won = false;
  // A file whose parts are arriving: its path, the parts so far, where it began.
  std::string part_rel, part_bytes;
  int64_t parts_seen = 0, part_offset = -1;
  ChangelogCache* keep = nullptr;  // where the task's records read are copied (a new local cache)
  int64_t records = 0;             // the task's records applied
};

KafkaChangelogStore::KafkaChangelogStore(KafkaChangelogOptions options) : o_(std::move(options)) {
  if (o_.task.empty() || o_.task.find('\t') != std::string::npos)
    throw FatalError("kafka changelog '" + o_.topic + "': a task id must be non-empty and have no tab, not '" + o_.task + "'");
  if (o_.topic.empty()) throw FatalError("kafka changelog of task " + o_.task + ": no topic given");
  // One idempotent producer per process and brokers/options, shared by
  // every task's store (as the tail is): a copy with 16 tasks kept 16
  // producers and their broker threads before. A store waits for its own
  // records' reports; what fences a zombie is the epoch in each record, not
  // the producer.
  std::string key = "changelog producer\n" + o_.brokers;
  for (const auto& o : o_.options) key += "\n" + o;
  producer_ = process_shared<KafkaClient>(key, [&] {
    return std::make_shared<KafkaClient>(RD_KAFKA_PRODUCER, "kafka changelog producer", o_.brokers, o_.options,
                                         std::vector<std::pair<std::string, std::string>>{
                                             {"acks", "all"},
                                             {"enable.idempotence", "true"},
                                             {"max.in.flight.requests.per.connection", "1"},
                                             {"linger.ms", "0"},
                                         },
                                         &on_delivery);
  });
  topic_ = rd_kafka_topic_new(producer_->handle(), o_.topic.c_str(), nullptr);
}

std::string KafkaChangelogStore::who() const { return "kafka changelog '" + o_.topic + "' of task " + o_.task; }

void KafkaChangelogStore::fail(const std::string& why) const {
  throw FatalError("kafka changelog topic " + o_.topic + " partition " + std::to_string(partition_) + ", task " +
                   o_.task + ": " + why);
}

std::string KafkaChangelogStore::describe(const std::string& rel) const {
  std::string where = "kafka changelog topic " + o_.topic + " partition " + std::to_string(partition_);
  if (rel.empty()) return where + ", task " + o_.task;
  {
    std::lock_guard lock(mu_);
    auto it = files_.find(rel);
    if (it != files_.end()) where += " offset " + std::to_string(it->second.offset);
  }
  return where + ", task " + o_.task + ", file " + rel;
}

int64_t KafkaChangelogStore::records_written() const {
  std::lock_guard lock(mu_);
  return records_written_;
}

void KafkaChangelogStore::apply(Replay& r, const ChangelogRecordView& m) const {
  r.next = m.offset + 1;
  if (!of_task(m.key, o_.task)) return;
  if (r.keep) r.keep->add(m);
  ++r.records;
  const std::string rel(m.key.substr(o_.task.size() + 1));
  const std::string at = "the record at offset " + std::to_string(m.offset);
  std::optional<int64_t> epoch = number(m.epoch);
  if (!epoch || *epoch < 1) fail(at + " is damaged: no valid " + kEpochHeader + " header");
  r.seen = true;
  const std::string_view value = m.value.value_or(std::string_view());
  r.task_bytes += static_cast<int64_t>(m.key.size() + value.size());
  r.max_epoch = std::max(r.max_epoch, *epoch);
  // A file whose parts were arriving ends unfinished (a crash cut it short;
  // it is not taken) at any record of the task's owner but its next part.
  auto drop_unfinished = [&r] {
    r.part_rel.clear();
    r.part_bytes.clear();
    r.parts_seen = 0;
  };
  if (rel.empty()) {  // a claim or a rewrite marker
    std::optional<int64_t> from = number(m.from);
    if (!m.value || (value != "claim" && value != "live") || !from)
      fail(at + " is damaged: not a claim or a marker of the task");
    if (r.first_control < 0) r.first_control = m.offset;
    // A claim must raise the epoch; a marker comes from the owner in force.
    // (A later reader may have lost the claim to retention: any higher
    // epoch is then the owner whose claim was there.)
    if (*epoch > r.epoch || (value == "live" && *epoch == r.epoch)) {
      drop_unfinished();
      r.epoch = *epoch;
      r.last_from = *from < 0 ? m.offset : *from;
      r.controls[m.offset] = r.task_bytes;
      if (m.offset == r.claim) r.claim_won = true;
    }
    return;
  }
  // "i/n": the i-th of the n records of a large file.
  int64_t part_i = -1, part_n = -1;
  if (const std::optional<std::string_view>& part = m.part) {
    size_t slash = part->find('/');
    auto i = kafka_decimal(part->substr(0, slash)), n = kafka_decimal(slash == std::string::npos ? "" : part->substr(slash + 1));
    if (!i || !n || *i < 0 || *i >= *n || !m.value) fail(at + " is damaged: a bad " + kPartHeader + " header");
    part_i = *i;
    part_n = *n;
  }
  // Records before the first control record this read saw are older than
  // anything the task still needs (checked when the read ends); a zombie's
  // (a lower epoch than the owner's in force) are ignored.
  if (r.first_control < 0 || *epoch < r.epoch) return;
  r.epoch = *epoch;
  const bool next_part = part_i > 0 && part_i == r.parts_seen && rel == r.part_rel;
  if (!next_part) drop_unfinished();
  if (!m.value) {
    r.files.erase(rel);
  } else if (part_i < 0) {
    r.files[rel] = File{std::string(value), m.offset};
  } else if (part_i == 0 || next_part) {
    if (part_i == 0) {
      r.part_rel = rel;
      r.part_offset = m.offset;
    }
    r.part_bytes.append(value);
    if (++r.parts_seen == part_n) {
      r.files[rel] = File{std::move(r.part_bytes), r.part_offset};
      drop_unfinished();
    }
  }
}

std::unique_ptr<KafkaClient> KafkaChangelogStore::reader(int64_t from) const {
  auto consumer = std::make_unique<KafkaClient>(RD_KAFKA_CONSUMER, who(), o_.brokers, o_.options,
                                                reader_settings("streamc-changelog-" + o_.task, kRestoreWaitMs));
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, o_.topic.c_str(), partition_)->offset = from;
  rd_kafka_resp_err_t err = rd_kafka_assign(consumer->handle(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err) fail(std::string("cannot read the partition: ") + rd_kafka_err2str(err));
  return consumer;
}

void KafkaChangelogStore::read_on(std::unique_ptr<KafkaClient>& consumer, Replay& r, int64_t last) const {
  if (r.next > last) return;
  if (!consumer) consumer = reader(r.next);
  auto gone = [&](const std::string& why) {
    fail("records from offset " + std::to_string(r.next) + " on were removed (retention) while being read: " + why);
  };
  while (r.next <= last)
    if (KafkaMessagePtr m = poll_record(*consumer, gone); m && m->offset >= r.next) apply(r, view_of(m.get()));
}

// The tails of a changelog topic's partitions that this process's owners
// confirm against: one consumer for all of them (a consumer per task would
// send a fetch every kTailWaitMs per task while idle). Each partition is
// read once, on from the lowest claim any owner asked from; the claims read
// are kept, and a task's records go to its local cache when it has one.
class ChangelogTail {
 public:
  ChangelogTail(const KafkaChangelogOptions& o, const std::string& who)
      : topic_(o.topic),
        consumer_(RD_KAFKA_CONSUMER, who, o.brokers, o.options, reader_settings("streamc-changelog-tail", kTailWaitMs)) {}
  ~ChangelogTail() { rd_kafka_consumer_close(consumer_.handle()); }

  // The one tail of (brokers, topic) in this process.
  static std::shared_ptr<ChangelogTail> of(const KafkaChangelogOptions& o, const std::string& who) {
    return process_shared<ChangelogTail>(o.brokers + "\n" + o.topic,
                                         [&] { return std::make_shared<ChangelogTail>(o, who); });
  }

  // No more records of `task` for `cache` (its store is gone).
  void forget(int32_t partition, const std::string& task, const ChangelogCache* cache) {
    std::lock_guard lock(mu_);
    if (auto c = caches_.find({partition, task}); c != caches_.end() && c->second.get() == cache) caches_.erase(c);
  }

  // Returns once `partition` was read through offset `through`: the claim
  // of a higher epoch than `epoch` that `task` got after offset `from`
  // (its own claim), or nothing. `fail` reports a record gone to retention.
  // A `cache` (a local cache of the task's records, given at the task's
  // first call) gets every record of the task after `from`, in order.
  struct Claim {
    int64_t offset = -1, epoch = 0;
  };
  template <class Fail>
  Claim newer_claim(int32_t partition, const std::string& task, int64_t epoch, int64_t from, int64_t through,
                    const std::shared_ptr<ChangelogCache>& cache, const Fail& fail) {
    std::lock_guard lock(mu_);
    // The partition is read once, on from the earliest claim asked about:
    // again from an earlier one only (a task whose claim is older than
    // where the reading began), and for a new cache, which must see every
    // record of its task after the claim (a record read again is one the
    // other caches skip). Not from the claim at every call: that read grew
    // with every batch, and failed once retention dropped the claim.
    auto [at, added] = next_.try_emplace(partition, from + 1);
    int64_t& read_from = read_from_.try_emplace(partition, from + 1).first->second;
    if (added || read_from > from + 1 || (cache && at->second > from + 1)) {
      at->second = std::min(at->second, from + 1);
      read_from = std::min(read_from, from + 1);
      reassign();
    }
    if (cache) caches_.insert_or_assign({partition, task}, cache);
    auto gone = [&](const std::string& why) {
      fail("records after offset " + std::to_string(from) + " were removed (retention) before they were read: " + why);
    };
    while (next_[partition] <= through) {
      KafkaMessagePtr m = poll_record(consumer_, gone);
      if (!m) continue;
      int64_t& next = next_[m->partition];
      if (m->offset < next) continue;
      next = m->offset + 1;
      std::string_view key(static_cast<const char*>(m->key), m->key ? m->key_len : 0);
      std::string_view value(static_cast<const char*>(m->payload), m->payload ? m->len : 0);
      const std::optional<int64_t> e = kafka_number_header(m.get(), kEpochHeader);
      if (value == "claim" && !key.empty() && key.back() == '\t' && e)
        claims_[{m->partition, std::string(key.substr(0, key.size() - 1))}][m->offset] = *e;
      if (!caches_.empty())
        if (auto c = caches_.find({m->partition, std::string(key.substr(0, key.find('\t')))}); c != caches_.end())
          c->second->add(view_of(m.get()));
    }
    auto it = claims_.find({partition, task});
    if (it != claims_.end())
      for (auto c = it->second.upper_bound(from); c != it->second.end() && c->first <= through; ++c)
        if (c->second > epoch) return {c->first, c->second};
    return {};
  }

 private:
  // Every partition asked for, each from its next offset.
  void reassign() {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(next_.size()));
    for (const auto& [partition, next] : next_) rd_kafka_topic_partition_list_add(list, topic_.c_str(), partition)->offset = next;
    rd_kafka_resp_err_t err = rd_kafka_assign(consumer_.handle(), list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err) throw FatalError(consumer_.who() + ": cannot read the changelog: " + rd_kafka_err2str(err));
  }

  std::string topic_;
  KafkaClient consumer_;
  std::mutex mu_;
  std::map<int32_t, int64_t> next_;  // per partition read, the next offset
  std::map<int32_t, int64_t> read_from_;  // per partition, from where it was read on without a gap
  std::map<std::pair<int32_t, std::string>, std::map<int64_t, int64_t>> claims_;  // (partition, task) → offset → epoch
  std::map<std::pair<int32_t, std::string>, std::shared_ptr<ChangelogCache>> caches_;  // (partition, task) → its cache
};

KafkaChangelogStore::~KafkaChangelogStore() {
  if (tail_ && cache_) tail_->forget(partition_, o_.task, cache_.get());
  if (topic_) rd_kafka_topic_destroy(topic_);
}

void KafkaChangelogStore::confirm_owner() {
  int64_t through = 0;
  {
    std::lock_guard lock(mu_);
    through = last_written_;
  }
  if (through <= claim_) return;
  if (!tail_) tail_ = ChangelogTail::of(o_, "kafka changelog '" + o_.topic + "'");
  // The local cache is registered at the first confirmation: from then on
  // the tail copies the task's records after the claim into it.
  std::shared_ptr<ChangelogCache> register_cache = cache_registered_ ? nullptr : cache_;
  cache_registered_ = true;
  const ChangelogTail::Claim newer = tail_->newer_claim(partition_, o_.task, epoch_, claim_, through, register_cache,
                                                        [this](const std::string& why) { fail(why); });
  if (newer.offset >= 0)
    throw CheckpointTakenOver("another copy took the task over (its claim of epoch " +
                              std::to_string(newer.epoch) + " is at offset " + std::to_string(newer.offset) +
                              " of kafka changelog topic " + o_.topic + " partition " + std::to_string(partition_) +
                              ", this copy's was epoch " + std::to_string(epoch_) +
                              "): this copy no longer runs it, and its batch since does not count");
  if (cache_) cache_->through(through);
}

std::unique_ptr<KafkaClient> KafkaChangelogStore::restore(Replay& r, ChangelogCache* cache, int64_t low,
                                                          int64_t high) {
  // The cached records count when the partition still holds the last one
  // the cache vouches for (offset `through`, always one of the task's: its
  // claim or a write confirmed since) and it is the same record: the cache
  // then holds every record of the task from the partition's low watermark
  // through it, and the partition is read on after it. The check is the
  // first record of that read.
  std::unique_ptr<KafkaClient> consumer;
  std::optional<ChangelogCache::Contents> cached = cache ? cache->load() : std::nullopt;
  if (cached && (cached->start > low || cached->through < low || cached->through >= high)) cached.reset();
  if (cache) cache->begin(low);
  if (cached) {
    auto last = std::find_if(cached->records.begin(), cached->records.end(),
                             [&](const ChangelogRecordView& v) { return v.offset == cached->through; });
    consumer = reader(cached->through);
    if (last == cached->records.end() || !same_record(*consumer, *last)) {
      cached.reset();
      rd_kafka_consumer_close(consumer->handle());
      consumer.reset();
    }
  }
  if (cached) {
    for (const ChangelogRecordView& v : cached->records)
      if (v.offset >= low) apply(r, v);
    if (o_.stats) o_.stats->cached += r.records;
  }
  const int64_t records_cached = r.records;
  r.next = cached ? cached->through + 1 : low;
  read_on(consumer, r, high - 1);
  if (o_.stats) o_.stats->fetched += r.records - records_cached;
  return consumer;
}

bool KafkaChangelogStore::same_record(KafkaClient& consumer, const ChangelogRecordView& cached) const {
  struct Gone {};
  try {
    for (;;)
      if (KafkaMessagePtr m = poll_record(consumer, [](const std::string&) { throw Gone{}; });
          m && m->offset >= cached.offset)
        return m->offset == cached.offset && view_of(m.get()) == cached;
  } catch (const Gone&) {
    return false;  // gone to retention since the watermarks were read
  }
}

void KafkaChangelogStore::open() {
  if (epoch_ > 0) return;  // open already: a second claim would fence this very store
  rd_kafka_t* rk = producer_->handle();
  // The topic's partition count (a broker that auto-creates topics makes it now).
  int32_t count = 0;
  while (count == 0) {
    producer_->check_fatal();
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, topic_, &md, kLookTimeoutMs);
    if (err) {
      producer_->status(who() + ": waiting for brokers " + o_.brokers + " (" + rd_kafka_err2str(err) + "); retrying");
      continue;
    }
    rd_kafka_resp_err_t terr = md->topic_cnt == 1 ? md->topics[0].err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
    if (!terr) count = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    if (terr == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
      throw FatalError(who() + ": topic '" + o_.topic + "' does not exist on " + o_.brokers);
    if (terr == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
      throw FatalError(who() + ": not authorised to use topic '" + o_.topic + "' on " + o_.brokers);
    if (terr || count == 0) {
      producer_->status(who() + ": waiting for topic '" + o_.topic + "' (" + rd_kafka_err2str(terr) + "); retrying");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      count = 0;
    }
  }
  producer_->clear_status();
  partition_ = rd_kafka_msg_partitioner_murmur2(topic_, o_.task.data(), o_.task.size(), count, nullptr, nullptr);
  int64_t low = 0, high = 0;
  for (;;) {
    producer_->check_fatal();
    rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(rk, o_.topic.c_str(), partition_, &low, &high, kLookTimeoutMs);
    if (!err) break;
    producer_->status(who() + ": waiting for partition " + std::to_string(partition_) + " (" +
                      rd_kafka_err2str(err) + "); retrying");
  }
  producer_->clear_status();

  Replay r;
  r.next = low;
  std::unique_ptr<ChangelogCache> cache;
  if (!o_.cache_dir.empty()) {
    cache = std::make_unique<ChangelogCache>(o_.cache_dir, o_.topic, partition_, o_.task);
    r.keep = cache.get();
  }
  std::unique_ptr<KafkaClient> consumer = restore(r, cache.get(), low, high);
  if (r.seen && (r.first_control < 0 || r.last_from < r.first_control))
    fail("records the task still needs are gone from the topic (retention dropped them; the partition starts at offset " +
         std::to_string(low) + "); its checkpoint cannot be restored");
  // The claim names the oldest control record the restored files rely on:
  // the last one at or before the oldest of them.
  int64_t oldest = -1;
  for (const auto& [rel, f] : r.files) oldest = oldest < 0 ? f.offset : std::min(oldest, f.offset);
  int64_t window = -1;
  for (const auto& [offset, bytes] : r.controls)
    if (offset <= oldest) window = offset;
  std::lock_guard lock(mu_);
  epoch_ = r.max_epoch + 1;
  r.claim = send(Record{"", std::nullopt, "claim", window, {}});
  claim_ = r.claim;  // confirm_owner() looks at what follows it
  const int64_t records_before_claim = r.records;
  read_on(consumer, r, r.claim);
  if (consumer) rd_kafka_consumer_close(consumer->handle());
  if (o_.stats) o_.stats->fetched += r.records - records_before_claim;
  if (!r.claim_won)
    fail("another copy claimed the task at the same time (epoch " + std::to_string(epoch_) + "); this one stops");
  if (cache) {
    cache->through(r.claim);
    cache->commit();
    cache_ = std::move(cache);
  }
  files_ = std::move(r.files);
  live_bytes_ = 0;
  for (const auto& [rel, f] : files_) live_bytes_ += static_cast<int64_t>(f.bytes.size());
  task_bytes_ = r.task_bytes;
  window_offset_ = window >= 0 ? window : r.claim;
  window_bytes_ = r.controls.at(window_offset_);
}

int64_t KafkaChangelogStore::send(const Record& rec) {
  const std::string key = o_.task + "\t" + std::string(rec.rel);
  const std::string epoch = std::to_string(epoch_);
  const std::string from_text = std::to_string(rec.from);
  const bool has_value = rec.control || rec.value;
  const std::string_view body = rec.control ? std::string_view(rec.control) : rec.value.value_or(std::string_view());
  rd_kafka_headers_t* hdrs = rd_kafka_headers_new(3);
  rd_kafka_header_add(hdrs, kEpochHeader, -1, epoch.data(), static_cast<ssize_t>(epoch.size()));
  if (rec.control) rd_kafka_header_add(hdrs, kFromHeader, -1, from_text.data(), static_cast<ssize_t>(from_text.size()));
  if (!rec.part.empty()) rd_kafka_header_add(hdrs, kPartHeader, -1, rec.part.data(), static_cast<ssize_t>(rec.part.size()));
  const std::string what = rec.control ? std::string("a ") + rec.control + " record" : "the record of " + std::string(rec.rel);
  Delivery d;
  rd_kafka_t* rk = producer_->handle();
  for (;;) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_RKT(topic_), RD_KAFKA_V_PARTITION(partition_), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key.data(), key.size()),
        RD_KAFKA_V_VALUE(has_value ? const_cast<char*>(body.data()) : nullptr, has_value ? body.size() : 0),
        RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(&d), RD_KAFKA_V_END);
    if (!err) break;  // the message owns the headers now
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_headers_destroy(hdrs);
      fail("cannot send " + what + ": " + rd_kafka_err2str(err));
    }
    rd_kafka_poll(rk, 10);
  }
  while (!d.done.load(std::memory_order_acquire)) {
    rd_kafka_poll(rk, 100);
    if (!d.done.load(std::memory_order_acquire)) producer_->check_fatal();
  }
  if (d.err) fail(what + " was not delivered: " + rd_kafka_err2str(d.err));
  ++records_written_;
  last_written_ = std::max(last_written_, d.offset);
  task_bytes_ += static_cast<int64_t>(key.size() + body.size());
  return d.offset;
}

int64_t KafkaChangelogStore::send_file(const std::string& rel, std::string_view bytes) {
  const auto size = static_cast<int64_t>(bytes.size());
  const int64_t max = std::max<int64_t>(o_.record_bytes, 1);
  if (size <= max) return send(Record{rel, bytes, nullptr, -1, {}});
  const int64_t n = (size + max - 1) / max;
  int64_t first = -1;
  for (int64_t i = 0; i < n; ++i) {
    int64_t offset = send(Record{rel, bytes.substr(static_cast<size_t>(i * max), static_cast<size_t>(max)), nullptr, -1,
                                 std::to_string(i) + "/" + std::to_string(n)});
    if (i == 0) first = offset;
  }
  return first;
}

void KafkaChangelogStore::write(const std::string& rel, std::string_view bytes, const char* probe) {
  if (probe) failure_point(probe);  // a record is whole or not sent: a crash here loses it all
  std::lock_guard lock(mu_);
  int64_t offset = send_file(rel, bytes);
  File& f = files_[rel];
  live_bytes_ += static_cast<int64_t>(bytes.size()) - static_cast<int64_t>(f.bytes.size());
  f = File{std::string(bytes), offset};
  maybe_rewrite();
}

void KafkaChangelogStore::remove(const std::string& rel) {
  std::lock_guard lock(mu_);
  auto it = files_.find(rel);
  if (it == files_.end()) return;
  send(Record{rel, std::nullopt, nullptr, -1, {}});
  live_bytes_ -= static_cast<int64_t>(it->second.bytes.size());
  files_.erase(it);
  maybe_rewrite();
}

void KafkaChangelogStore::maybe_rewrite() {
  if (task_bytes_ - window_bytes_ <= std::max(o_.rewrite_bytes, 2 * live_bytes_)) return;
  // The marker first: every live file is then rewritten after it, so a
  // reader needs nothing older than the marker.
  const int64_t bytes_at_marker = task_bytes_;
  const int64_t marker = send(Record{"", std::nullopt, "live", -1, {}});
  for (auto& [rel, f] : files_)
    if (f.offset < marker) f.offset = send_file(rel, f.bytes);
  window_offset_ = marker;
  window_bytes_ = bytes_at_marker;
}

std::optional<std::string> KafkaChangelogStore::read(const std::string& rel) const {
  std::lock_guard lock(mu_);
  auto it = files_.find(rel);
  if (it == files_.end()) return std::nullopt;
  return it->second.bytes;
}

std::vector<int64_t> KafkaChangelogStore::list(const std::string& rel_dir, std::string_view suffix) const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  const std::string prefix = rel_dir + "/";
  for (auto it = files_.lower_bound(prefix); it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    if (auto n = file_number(std::string_view(it->first).substr(prefix.size()), suffix)) out.push_back(*n);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::unique_ptr<CheckpointStore> make_kafka_changelog_store(const std::string& brokers,
                                                            const std::vector<std::string>& options,
                                                            const std::string& topic, const std::string& task,
                                                            const std::string& cache_dir,
                                                            std::shared_ptr<ChangelogRestoreStats> stats) {
  KafkaChangelogOptions o;
  o.brokers = brokers;
  o.options = options;
  o.topic = topic;
  o.task = task;
  o.cache_dir = cache_dir;
  o.stats = std::move(stats);
  return std::make_unique<KafkaChangelogStore>(std::move(o));
}

}  // namespace streamc::rt
