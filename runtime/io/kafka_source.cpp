#include "io/kafka_source.hpp"
#include "io/kafka_group.hpp"
#include "io/repartition_reader.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <random>

namespace streamc::rt {
namespace {

constexpr int kLookTimeoutMs = 3000;
// A batch's messages are copied into pieces of this size, one partition's
// messages to a piece.
constexpr size_t kPiece = size_t{256} << 10;

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string where(const std::string& topic, int32_t partition) {
  return "topic '" + topic + "' partition " + std::to_string(partition);
}

}  // namespace

std::string format_kafka_ranges(const std::vector<KafkaRange>& ranges) {
  std::string out;
  for (const auto& r : ranges) {
    if (!out.empty()) out += ' ';
    out += r.topic + "/" + std::to_string(r.partition) + ":" + std::to_string(r.start) + "-" + std::to_string(r.end);
  }
  return out;
}

std::vector<std::string_view> offset_line_words(std::string_view line) {
  std::vector<std::string_view> out;
  for (size_t pos = 0; pos < line.size();) {
    size_t space = line.find(' ', pos);
    if (space == std::string_view::npos) space = line.size();
    if (space > pos) out.push_back(line.substr(pos, space - pos));
    pos = space + 1;
  }
  return out;
}

std::vector<KafkaRange> parse_kafka_ranges(std::string_view line, const std::string& what) {
  std::vector<KafkaRange> out;
  auto bad = [&](std::string_view item) -> FatalError {
    return FatalError(what + ": '" + std::string(item) + "' is not a Kafka offset range (topic/partition:start-end)");
  };
  auto number = [&](std::string_view text, std::string_view item) {
    int64_t v = 0;
    if (text.empty()) throw bad(item);
    for (char c : text) {
      if (c < '0' || c > '9') throw bad(item);
      v = v * 10 + (c - '0');
    }
    return v;
  };
  for (std::string_view item : offset_line_words(line)) {
    size_t colon = item.rfind(':');
    size_t slash = item.rfind('/', colon);
    size_t dash = colon == std::string_view::npos ? colon : item.find('-', colon);
    if (colon == std::string_view::npos || slash == std::string_view::npos || slash == 0 || dash == std::string_view::npos)
      throw bad(item);
    KafkaRange r;
    r.topic = std::string(item.substr(0, slash));
    r.partition = static_cast<int32_t>(number(item.substr(slash + 1, colon - slash - 1), item));
    r.start = number(item.substr(colon + 1, dash - colon - 1), item);
    r.end = number(item.substr(dash + 1), item);
    if (r.end < r.start) throw bad(item);
    out.push_back(std::move(r));
  }
  return out;
}

void cap_kafka_ranges(std::vector<KafkaRange>& ranges, int64_t limit) {
  if (limit <= 0) return;
  double total = 0;
  for (const auto& r : ranges) total += static_cast<double>(r.end - r.start);
  if (total <= static_cast<double>(limit)) return;
  for (auto& r : ranges) {
    const double lag = static_cast<double>(r.end - r.start);
    if (lag <= 0) continue;
    const double prorate = static_cast<double>(limit) * (lag / total);
    const auto take = static_cast<int64_t>(prorate < 1 ? std::ceil(prorate) : std::floor(prorate));
    r.end = std::min(r.end, r.start + take);
  }
}

KafkaSource::KafkaSource(std::string name, KafkaSourceOptions options, SourceOptions format)
    : Source(std::move(name)), options_(std::move(options)), format_(format) {
  const std::string who = "kafka source '" + name_ + "'";
  if (options_.topics.empty()) throw FatalError(who + ": no topic given");
  if (options_.max_offsets_per_batch < 0)
    throw FatalError(who + ": max_offsets_per_batch must be positive, not " + std::to_string(options_.max_offsets_per_batch));
  // An internal topic holds what the program wrote to it: all of it.
  if (options_.repartition) options_.starting = KafkaStarting::Earliest;
  std::random_device rd;
  char group[64];
  std::snprintf(group, sizeof group, "streamc-source-%08x%08x", rd(), rd());
  // No consumer group membership (assign, not subscribe) and no committed
  // offsets: the checkpoint keeps the offsets, as in Spark. The group id is
  // only what librdkafka's consumer needs to exist.
  client_ = std::make_unique<KafkaClient>(RD_KAFKA_CONSUMER, who, options_.brokers, options_.options,
                                          std::vector<std::pair<std::string, std::string>>{
                                              {"group.id", group},
                                              {"enable.auto.commit", "false"},
                                              {"enable.auto.offset.store", "false"},
                                              {"auto.offset.reset", "error"},
                                              {"enable.partition.eof", "true"},
                                              {"allow.auto.create.topics", "false"},
                                              {"fetch.wait.max.ms", "100"},
                                          });
  queue_ = rd_kafka_queue_get_consumer(client_->handle());
  lookup_ = kafka_lookup_client(who, options_.brokers, options_.options);
}

KafkaSource::~KafkaSource() {
  // Every message (fetched ahead, or kept by a repartition reader) and the
  // queue go back to librdkafka before the consumer closes: a reference
  // still held makes rd_kafka_destroy wait for ever.
  partitions_.clear();
  if (queue_) rd_kafka_queue_destroy(queue_);
  if (client_) rd_kafka_consumer_close(client_->handle());
}

std::string KafkaSource::signature() const {
  std::string topics;
  for (const auto& t : options_.topics) topics += (topics.empty() ? "" : ",") + t;
  return "kafka topics=[" + topics + "]";
}

void KafkaSource::start(RunMode mode) { mode_ = mode; }

bool KafkaSource::complete() const {
  // --once reads what the brokers have at its first look: until a look
  // succeeds (brokers reachable), the batch waits.
  if (!looked_once_) const_cast<KafkaSource*>(this)->look();
  return looked_once_;
}

std::string KafkaSource::last_offset() const {
  return options_.repartition ? format_repartition_ranges(last_repartition_) : format_kafka_ranges(last_ranges_);
}

RepartitionReader& KafkaSource::reader(Partition& p) {
  if (!p.reader) p.reader = std::make_unique<RepartitionReader>(client_->who(), p.topic, p.partition);
  return *p.reader;
}

void KafkaSource::restore(std::string_view last_offset, const std::vector<std::string>&) {
  if (last_offset.empty()) return;
  const std::string what = "kafka source '" + name_ + "': checkpoint offsets";
  auto restore_at = [&](const KafkaRange& r, int64_t next) -> Partition& {
    Partition& p = partitions_[{r.topic, r.partition}];
    p.topic = r.topic;
    p.partition = r.partition;
    p.next = next;
    return p;
  };
  if (options_.repartition) {
    for (auto& r : parse_repartition_ranges(last_offset, what)) reader(restore_at(r.range, r.next)).set_applied(std::move(r.to));
  } else {
    for (const auto& r : parse_kafka_ranges(last_offset, what)) restore_at(r, r.end);
  }
  looked_once_ = false;
  restored_ = true;
}

void KafkaSource::replay(std::string_view offset, const std::vector<std::string>&) {
  const std::string what = "kafka source '" + name_ + "': checkpoint offsets";
  if (options_.repartition) {
    replay_repartition_ = parse_repartition_ranges(offset, what);
    replay_.emplace();
    for (const auto& r : replay_repartition_) replay_->push_back(r.range);
  } else {
    replay_ = parse_kafka_ranges(offset, what);
  }
}

bool KafkaSource::look() {
  // The first look goes through the consumer, not yet fetching: it learns
  // its topics' leaders there, so its first fetch does not wait for them.
  rd_kafka_t* rk = looked_once_ ? lookup_->handle() : client_->handle();
  bool added = false;
  for (const auto& topic : options_.topics) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, kLookTimeoutMs);
    rd_kafka_topic_destroy(rkt);
    if (err) {
      client_->check_fatal();
      lookup_->check_fatal();
      client_->status(client_->who() + ": waiting for brokers " + client_->brokers() + " (metadata of topic '" + topic +
                      "': " + rd_kafka_err2str(err) + "); retrying");
      return false;
    }
    const rd_kafka_metadata_topic_t* t = md->topic_cnt == 1 ? &md->topics[0] : nullptr;
    rd_kafka_resp_err_t terr = t ? t->err : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART;
    int count = t ? t->partition_cnt : 0;
    rd_kafka_metadata_destroy(md);
    if (terr == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
      throw FatalError(client_->who() + ": topic '" + topic + "' does not exist on " + client_->brokers());
    if (terr == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
      throw FatalError(client_->who() + ": not authorised to read topic '" + topic + "' on " + client_->brokers());
    if (terr) {
      client_->status(client_->who() + ": waiting for topic '" + topic + "' (" + rd_kafka_err2str(terr) + "); retrying");
      return false;
    }
    for (int32_t i = 0; i < count; ++i) {
      if (pinned_ && *pinned_ != Key{topic, i}) continue;
      auto [it, fresh] = partitions_.try_emplace({topic, i});
      if (fresh || it->second.topic.empty()) {
        it->second.topic = topic;
        it->second.partition = i;
        added = true;
      }
    }
  }
  // Every partition's earliest and latest offsets, two requests per leader
  // (ListOffsets with the timestamps -2 and -1, as the watermark query sends
  // them one partition at a time).
  for (const int64_t which : {int64_t{RD_KAFKA_OFFSET_BEGINNING}, int64_t{RD_KAFKA_OFFSET_END}}) {
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size()));
    for (const auto& [key, p] : partitions_) rd_kafka_topic_partition_list_add(list, p.topic.c_str(), p.partition)->offset = which;
    rd_kafka_resp_err_t err = rd_kafka_offsets_for_times(rk, list, kLookTimeoutMs);
    std::string failed;
    for (int i = 0; i < list->cnt && !err; ++i) {
      const rd_kafka_topic_partition_t& e = list->elems[i];
      auto it = partitions_.find({e.topic, e.partition});
      if (e.err || e.offset < 0 || it == partitions_.end()) {
        err = e.err ? e.err : RD_KAFKA_RESP_ERR__FAIL;
        failed = where(e.topic, e.partition);
        break;
      }
      (which == RD_KAFKA_OFFSET_END ? it->second.latest : it->second.earliest) = e.offset;
    }
    rd_kafka_topic_partition_list_destroy(list);
    if (err) {
      client_->check_fatal();
      lookup_->check_fatal();
      client_->status(client_->who() + ": waiting for the offsets of " + (failed.empty() ? "its partitions" : failed) +
                      " (" + rd_kafka_err2str(err) + "); retrying");
      return false;
    }
  }
  if (added) assigned_ = false;
  if (!looked_once_) {
    // The first look: a new query starts where `starting` says; in a bounded
    // mode reading stops at what is there now.
    for (auto& [key, p] : partitions_) {
      if (p.next < 0 && !restored_) p.next = options_.starting == KafkaStarting::Earliest ? p.earliest : p.latest;
      if (mode_ != RunMode::Continuous) p.stop_at = p.latest;
    }
    looked_once_ = true;
  }
  count_pending();
  client_->clear_status();
  return true;
}

void KafkaSource::lost(const std::string& topic, int32_t partition, int64_t from, int64_t to) {
  if (options_.fail_on_data_loss)
    throw FatalError(client_->who() + ": offsets " + std::to_string(from) + " to " + std::to_string(to - 1) + " of " +
                     where(topic, partition) +
                     " are gone from the broker (retention?); data was lost. fail_on_data_loss: false skips them");
  lost_total_ += to - from;
  std::fprintf(stderr, "%s: offsets %lld to %lld of %s are gone from the broker; skipped (%lld lost so far)\n",
               client_->who().c_str(), static_cast<long long>(from), static_cast<long long>(to - 1),
               where(topic, partition).c_str(), static_cast<long long>(lost_total_));
  std::fflush(stderr);
}

std::vector<KafkaRange> KafkaSource::plan_ranges() {
  std::vector<KafkaRange> ranges;
  for (auto& [key, p] : partitions_) {
    if (p.next < 0) p.next = p.earliest;  // a partition added later: from its earliest offset
    // Where the batch starts is not where the consumer reads: it is
    // assigned anew (fetch).
    if (p.next < p.earliest) {
      lost(p.topic, p.partition, p.next, p.earliest);
      p.next = p.earliest;
      assigned_ = false;
    } else if (p.next > p.latest) {
      // The partition has fewer offsets than were read (deleted and made anew).
      if (options_.fail_on_data_loss)
        throw FatalError(client_->who() + ": " + where(p.topic, p.partition) + " ends at offset " +
                         std::to_string(p.latest) + ", before offset " + std::to_string(p.next) +
                         " that was already read (was the topic deleted?); fail_on_data_loss: false reads it anew");
      p.next = p.earliest;
      assigned_ = false;
    }
    int64_t end = p.latest;
    if (mode_ != RunMode::Continuous) end = std::min(end, std::max(p.stop_at, p.next));
    ranges.push_back({p.topic, p.partition, p.next, end});
  }
  if (mode_ != RunMode::Once && !options_.repartition) cap_kafka_ranges(ranges, options_.max_offsets_per_batch);
  return ranges;
}

void KafkaSource::assign() {
  // Assigned at the start of this batch's ranges; messages fetched ahead of
  // an old assignment are dropped.
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(static_cast<int>(partitions_.size()));
  for (auto& [key, p] : partitions_) {
    p.ahead.clear();
    rd_kafka_topic_partition_list_add(list, p.topic.c_str(), p.partition)->offset = p.next;
  }
  rd_kafka_resp_err_t err = rd_kafka_assign(client_->handle(), list);
  rd_kafka_topic_partition_list_destroy(list);
  if (err) throw FatalError(client_->who() + ": cannot assign its partitions: " + rd_kafka_err2str(err));
  assigned_ = true;
}

void KafkaSource::room_for(Partition& p, size_t bytes, SourceIntake& intake) {
  if (p.at && static_cast<size_t>(p.piece_end - p.at) >= bytes) return;
  // A new piece (a message larger than a piece gets one of its own size),
  // followed by kRecordPadding zeros (ReadRegion::commit).
  const size_t size = std::max(kPiece, bytes);
  if (!region_ || region_->room() < size) {
    region_ = size + kRecordPadding <= ReadRegion::kReserve / 4 ? ReadRegion::take() : ReadRegion::take(size + kRecordPadding);
    if (!region_)
      throw FatalError(client_->who() + ": out of address space for a batch's messages (" + where(p.topic, p.partition) +
                       "); max_offsets_per_batch bounds a batch");
    intake.buffers.push_back(region_);
  }
  p.at = region_->next();
  region_->commit(size);
  p.piece_end = p.at + size;
}

void KafkaSource::take(Partition& p, const rd_kafka_message_t* m, SourceIntake& intake) {
  const size_t key_len = options_.raw && m->key ? m->key_len : 0;
  char* const piece = p.piece_end;
  room_for(p, key_len + m->len, intake);
  const char* key_at = p.at;
  if (key_len) {
    std::memcpy(p.at, m->key, key_len);
    p.at += key_len;
  }
  char* value_at = p.at;
  if (m->len) std::memcpy(value_at, m->payload, m->len);
  p.at += m->len;
  if (p.spans.empty() || p.piece_end != piece || p.spans.back().offset + static_cast<int64_t>(p.spans.back().count) != m->offset)
    p.spans.push_back({value_at, value_at, p.values.size(), 0, p.topic, p.partition, m->offset});
  KafkaSpan& span = p.spans.back();
  ++span.count;
  span.end = p.at;
  p.values.emplace_back(value_at, m->len);
  if (options_.raw) {
    KafkaMessage km;
    if (m->key) km.key = std::string_view(key_at, key_len);
    km.topic = p.topic;
    km.partition = p.partition;
    km.offset = m->offset;
    km.timestamp = Timestamp{rd_kafka_message_timestamp(m, nullptr) * 1000};
    p.messages.push_back(km);
  }
}

void KafkaSource::fetch(std::vector<KafkaRange>& ranges, bool exact, SourceIntake& intake) {
  // Per range: its partition, the offset reading has reached and where
  // its offsets not read before start.
  struct Reading {
    Partition* part;
    KafkaRange* range;
    int64_t reached;
    int64_t unread;
  };
  std::vector<Reading> reading;
  reading.reserve(ranges.size());
  // Which reading a message belongs to: by topic (few), then partition.
  struct TopicReadings {
    std::string_view name;
    std::vector<int> by_partition;  // index into `reading`, -1: none
  };
  std::vector<TopicReadings> topics;
  bool moved = !assigned_;
  region_.reset();  // pieces of the last batch's region are the last batch's
  for (auto& r : ranges) {
    auto [it, fresh] = partitions_.try_emplace({r.topic, r.partition});
    Partition& p = it->second;
    if (fresh) {
      p.topic = r.topic;
      p.partition = r.partition;
    }
    // A replay, a skip over lost offsets, a repartition source reading
    // again from an incomplete producer batch: the consumer moves.
    const int64_t at = read_position(p);
    if (at != r.start) moved = true;
    p.next = r.start;
    p.values.clear();
    p.spans.clear();
    p.messages.clear();
    p.at = p.piece_end = nullptr;
    // Room for the range's views up front (kept for the next batches).
    p.values.reserve(static_cast<size_t>(std::min<int64_t>(r.end - r.start, int64_t{1} << 22)));
    auto t = std::find_if(topics.begin(), topics.end(), [&](const TopicReadings& x) { return x.name == p.topic; });
    if (t == topics.end()) t = topics.insert(topics.end(), {p.topic, {}});
    if (t->by_partition.size() <= static_cast<size_t>(r.partition)) t->by_partition.resize(r.partition + 1, -1);
    t->by_partition[r.partition] = static_cast<int>(reading.size());
    reading.push_back({&p, &r, r.start, options_.repartition && at > r.start && at <= r.end ? at : r.start});
  }
  if (moved) assign();
  size_t open = 0;
  // Messages already fetched ahead come first.
  for (auto& rd : reading) {
    std::vector<KafkaMessagePtr> later;
    for (auto& m : rd.part->ahead) {
      const int64_t offset = m->offset;
      if (offset >= rd.range->end) {
        later.push_back(std::move(m));
      } else if (offset >= rd.range->start) {
        accept(*rd.part, std::move(m), intake);
        rd.reached = offset + 1;
      }
    }
    rd.part->ahead = std::move(later);
    if (!rd.part->ahead.empty()) rd.reached = std::max(rd.reached, rd.range->end);
    if (rd.reached < rd.range->end) ++open;
  }
  // Reading has stalled when nothing arrives for this long (a broker down).
  const int64_t stall_ms = std::max<int64_t>(3000, 2 * intake.interval_us / 1000);
  int64_t deadline = steady_ms() + stall_ms;
  rd_kafka_message_t* got[4096];
  // The messages of `got` not taken yet when one stops the batch (a
  // FatalError) are destroyed.
  struct Unhandled {
    rd_kafka_message_t** got;
    ssize_t from = 0, to = 0;
    ~Unhandled() {
      for (ssize_t k = from; k < to; ++k) rd_kafka_message_destroy(got[k]);
    }
  } unhandled{got};
  const rd_kafka_topic_t* last_rkt = nullptr;
  const TopicReadings* last_topic = nullptr;
  while (open > 0) {
    client_->check_fatal();
    // What has arrived, without waiting for a full array; when nothing has,
    // wait (briefly) for one message.
    ssize_t n = rd_kafka_consume_batch_queue(queue_, 0, got, std::size(got));
    if (n == 0) {
      got[0] = rd_kafka_consume_queue(queue_, 100);
      n = got[0] ? 1 : 0;
    }
    if (n > 0) deadline = steady_ms() + stall_ms;
    unhandled.to = n;
    for (ssize_t k = 0; k < n; ++k) {
      KafkaMessagePtr m(got[k]);
      unhandled.from = k + 1;
      if (m->rkt != last_rkt) {
        last_rkt = m->rkt;
        const std::string_view name = m->rkt ? rd_kafka_topic_name(m->rkt) : "";
        auto t = std::find_if(topics.begin(), topics.end(), [&](const TopicReadings& x) { return x.name == name; });
        last_topic = t == topics.end() ? nullptr : &*t;
      }
      Reading* rd = nullptr;
      if (last_topic && m->partition >= 0 && static_cast<size_t>(m->partition) < last_topic->by_partition.size() &&
          last_topic->by_partition[m->partition] >= 0)
        rd = &reading[static_cast<size_t>(last_topic->by_partition[m->partition])];
      if (m->err) {
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
          // Reading has reached the partition's end: offsets below it that
          // never came are not there (a compacted topic's gaps).
          if (rd && rd->reached < rd->range->end && m->offset >= rd->range->end) {
            rd->reached = m->offset;
            --open;
          }
        } else if ((m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE || m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET) && rd) {
          // The offset to read is no longer in the log (auto.offset.reset=error).
          int64_t lo = 0, hi = 0;
          rd_kafka_query_watermark_offsets(lookup_->handle(), rd->part->topic.c_str(), rd->part->partition, &lo, &hi,
                                           kLookTimeoutMs);
          if (rd->reached < lo) {
            lost(rd->part->topic, rd->part->partition, rd->reached, std::min(lo, rd->range->end));
            if (lo >= rd->range->end && rd->reached < rd->range->end) --open;
            rd->reached = std::min(lo, rd->range->end);
            // The fetcher stopped at the error (auto.offset.reset=error) and
            // a seek does not start it again: the consumer is assigned anew,
            // this partition from where its offsets are, the others from
            // their ranges' starts (what was read again is dropped).
            rd->part->next = rd->reached;
            assign();
          }
        } else {
          client_->status(client_->who() + ": " + (rd ? where(rd->part->topic, rd->part->partition) + ": " : "") +
                          rd_kafka_message_errstr(m.get()) + "; retrying");
        }
        continue;
      }
      if (!rd || m->offset < rd->reached) continue;
      if (m->offset >= rd->range->end) {
        rd->part->ahead.push_back(std::move(m));
        if (rd->reached < rd->range->end) {
          rd->reached = rd->range->end;
          --open;
        }
        continue;
      }
      rd->reached = m->offset + 1;
      accept(*rd->part, std::move(m), intake);
      if (rd->reached >= rd->range->end) --open;
    }
    if (open > 0 && steady_ms() > deadline) {
      // A replay must re-read its logged ranges; --once reads what it saw.
      if (exact || mode_ == RunMode::Once) {
        client_->status(client_->who() + ": waiting for brokers " + client_->brokers() + " for the rest of " +
                        (exact ? "a logged batch" : "the batch") + "; retrying");
        deadline = steady_ms() + stall_ms;
        continue;
      }
      // A new batch ends where its messages stopped; the rest comes next time.
      client_->status(client_->who() + ": waiting for messages from " + client_->brokers() +
                      "; this batch ends at what has arrived");
      for (auto& rd : reading) rd.range->end = std::min(rd.range->end, rd.reached);
      break;
    }
  }
  if (open == 0) client_->clear_status();

  // The partitions' values, in partition order, are the records.
  size_t count = 0;
  for (const auto& rd : reading) count += rd.part->values.size();
  intake.records.reserve(intake.records.size() + count);
  if (options_.raw && intake.kafka_messages) intake.kafka_messages->reserve(intake.kafka_messages->size() + count);
  for (auto& rd : reading) {
    Partition& p = *rd.part;
    const size_t base = intake.records.size();
    intake.records.insert(intake.records.end(), p.values.begin(), p.values.end());
    if (intake.kafka_spans)
      for (KafkaSpan s : p.spans) {
        s.first += base;
        intake.kafka_spans->push_back(s);
      }
    if (options_.raw && intake.kafka_messages)
      intake.kafka_messages->insert(intake.kafka_messages->end(), p.messages.begin(), p.messages.end());
    p.values.clear();
    p.spans.clear();
    p.messages.clear();
    p.at = p.piece_end = nullptr;
    if (options_.repartition) {
      p.read_to = rd.range->end;
      p.next = reader(p).end_range(rd.range->end);
    } else {
      p.next = rd.range->end;
    }
    offsets_done_.fetch_add(std::max<int64_t>(0, rd.range->end - rd.unread), std::memory_order_relaxed);
  }
  region_.reset();
  delivered_ += static_cast<int64_t>(count);
  count_pending();
}

void KafkaSource::accept(Partition& p, KafkaMessagePtr m, SourceIntake& intake) {
  if (!options_.repartition) {
    take(p, m.get(), intake);
    return;
  }
  RepartitionReader& r = reader(p);
  if (r.offer(m.get())) m.release();  // the reader destroys it
  for (const rd_kafka_message_t* record : r.ready()) take(p, record, intake);
}

void KafkaSource::count_pending() {
  int64_t pending = 0;
  for (const auto& [key, p] : partitions_)
    if (p.next >= 0) pending += std::max<int64_t>(0, p.latest - read_position(p));
  offsets_pending_.store(pending, std::memory_order_relaxed);
}

bool KafkaSource::poll(SourceIntake intake) {
  client_->check_fatal();
  const bool new_query = !looked_once_ && !restored_;
  std::vector<KafkaRange> ranges;
  bool read = true, exact = false;
  if (replay_) {
    ranges = std::move(*replay_);
    replay_.reset();
    exact = true;
    // A repartition source re-runs the batch from what was delivered before it.
    for (auto& r : replay_repartition_) {
      Partition& p = partitions_[{r.range.topic, r.range.partition}];
      p.topic = r.range.topic;
      p.partition = r.range.partition;
      reader(p).set_applied(std::move(r.from));
    }
    replay_repartition_.clear();
  } else if (intake.no_data || !look()) {
    // Nothing this batch: the same offsets again.
    read = false;
    for (const auto& [key, p] : partitions_)
      if (p.next >= 0) ranges.push_back({p.topic, p.partition, p.next, p.next});
  } else {
    ranges = plan_ranges();
  }
  std::vector<RepartitionApplied> from;
  if (options_.repartition)
    for (const auto& r : ranges) {
      auto it = partitions_.find({r.topic, r.partition});
      from.push_back(it != partitions_.end() && it->second.reader ? it->second.reader->applied() : RepartitionApplied{});
    }
  if (read) fetch(ranges, exact, intake);
  if (options_.repartition) {
    last_repartition_.clear();
    for (size_t i = 0; i < ranges.size(); ++i) {
      Partition& p = partitions_.at({ranges[i].topic, ranges[i].partition});
      last_repartition_.push_back({ranges[i], std::move(from[i]), p.next, reader(p).applied()});
    }
  }
  last_ranges_ = std::move(ranges);
  starts_query_ = new_query && looked_once_;
  if (mode_ == RunMode::Continuous || !looked_once_) return false;
  for (const auto& [key, p] : partitions_)
    if (p.stop_at >= 0 && read_position(p) < p.stop_at) return false;
  return true;
}

bool KafkaSource::has_news() const {
  if (!looked_once_ || replay_) return true;
  for (const auto& [key, p] : partitions_) {
    if (!p.ahead.empty()) return true;
    int64_t lo = 0, hi = 0;
    if (rd_kafka_get_watermark_offsets(client_->handle(), p.topic.c_str(), p.partition, &lo, &hi) == 0 &&
        hi > read_position(p))
      return true;
  }
  return false;
}

std::optional<Source::OffsetsReport> KafkaSource::offsets_report() const {
  // {"topic":{"0":12,"1":3}} as Spark's KafkaSourceOffset prints it.
  auto json = [&](auto offset_of) {
    std::string out = "{";
    std::string topic;
    bool first_topic = true, first = true;
    for (const auto& r : last_ranges_) {
      if (r.topic != topic) {
        if (!first_topic) out += "},";
        first_topic = false;
        first = true;
        topic = r.topic;
        append_json_string(out, topic);
        out += ":{";
      }
      if (!first) out += ',';
      first = false;
      out += "\"" + std::to_string(r.partition) + "\":" + std::to_string(offset_of(r));
    }
    if (!first_topic) out += '}';
    return out + "}";
  };
  OffsetsReport rep;
  rep.start = json([](const KafkaRange& r) { return r.start; });
  rep.end = json([](const KafkaRange& r) { return r.end; });
  auto latest_of = [&](const KafkaRange& r) {
    auto it = partitions_.find({r.topic, r.partition});
    return it == partitions_.end() ? r.end : std::max(it->second.latest, r.end);
  };
  rep.latest = json(latest_of);
  if (!last_ranges_.empty()) {
    rep.min_behind = INT64_MAX;
    double sum = 0;
    for (const auto& r : last_ranges_) {
      int64_t behind = latest_of(r) - r.end;
      rep.min_behind = std::min(rep.min_behind, behind);
      rep.max_behind = std::max(rep.max_behind, behind);
      sum += static_cast<double>(behind);
    }
    rep.avg_behind = sum / static_cast<double>(last_ranges_.size());
  }
  return rep;
}

}  // namespace streamc::rt
