#include "io/repartition_reader.hpp"

#include <algorithm>

#include "io/kafka_client.hpp"
#include "streamc/runtime/values.hpp"

namespace streamc::rt {
namespace {

constexpr const char* kProducer = "streamc.producer";
constexpr const char* kBatch = "streamc.batch";
constexpr const char* kSeq = "streamc.seq";
constexpr const char* kMarker = "streamc.marker";

bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

std::string encode(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : name) {
    if (plain(c)) {
      out += c;
    } else {
      out += '%';
      out += kHex[static_cast<unsigned char>(c) >> 4];
      out += kHex[static_cast<unsigned char>(c) & 15];
    }
  }
  return out;
}

std::optional<std::string> decode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (plain(text[i])) {
      out += text[i];
      continue;
    }
    if (text[i] != '%' || i + 2 >= text.size() || hex(text[i + 1]) < 0 || hex(text[i + 2]) < 0) return std::nullopt;
    out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
    i += 2;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string format_applied(const RepartitionApplied& applied) {
  std::string out;
  for (const auto& [producer, batch] : applied) {
    if (!out.empty()) out += ',';
    out += encode(producer) + ":" + std::to_string(batch);
  }
  return out;
}

// "orders-0:4,orders-3:7" (or nothing) → {orders-0: 4, orders-3: 7}.
std::optional<RepartitionApplied> parse_applied(std::string_view text) {
  RepartitionApplied out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(pos, comma - pos);
    pos = comma + 1;
    const size_t colon = item.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::optional<std::string> producer = decode(item.substr(0, colon));
    std::optional<int64_t> batch = kafka_decimal(item.substr(colon + 1));
    if (!producer || !batch || *batch < 0 || !out.emplace(std::move(*producer), *batch).second) return std::nullopt;
    if (comma == text.size() - 1) return std::nullopt;  // a trailing comma
  }
  return out;
}

}  // namespace

std::string format_repartition_ranges(const std::vector<RepartitionRange>& ranges) {
  std::string out;
  for (const auto& r : ranges) {
    if (!out.empty()) out += ' ';
    out += format_kafka_ranges({r.range}) + " from=" + format_applied(r.from) + " next=" + std::to_string(r.next) +
           " to=" + format_applied(r.to);
  }
  return out;
}

std::vector<RepartitionRange> parse_repartition_ranges(std::string_view line, const std::string& what) {
  const std::vector<std::string_view> tokens = offset_line_words(line);
  std::vector<RepartitionRange> out;
  for (size_t i = 0; i < tokens.size(); i += 4) {
    const char* group_end = i + 3 < tokens.size() ? tokens[i + 3].data() + tokens[i + 3].size() : line.data() + line.size();
    const std::string_view group(tokens[i].data(), static_cast<size_t>(group_end - tokens[i].data()));
    auto bad = [&] {
      return FatalError(what + ": '" + std::string(group) +
                        "' is not a repartition offset range (topic/partition:start-end from=producer:batch,… "
                        "next=offset to=producer:batch,…)");
    };
    if (i + 3 >= tokens.size()) throw bad();
    auto field = [&](std::string_view token, std::string_view name) {
      if (token.substr(0, name.size()) != name) throw bad();
      return token.substr(name.size());
    };
    RepartitionRange r;
    std::vector<KafkaRange> range = parse_kafka_ranges(tokens[i], what);
    std::optional<RepartitionApplied> from = parse_applied(field(tokens[i + 1], "from="));
    std::optional<int64_t> next = kafka_decimal(field(tokens[i + 2], "next="));
    std::optional<RepartitionApplied> to = parse_applied(field(tokens[i + 3], "to="));
    if (range.size() != 1 || !from || !next || !to || *next < range[0].start || *next > range[0].end) throw bad();
    out.push_back({std::move(range[0]), std::move(*from), *next, std::move(*to)});
  }
  return out;
}

bool RepartitionReader::offer(rd_kafka_message_t* m) {
  drop_ready();
  auto bad = [&](const std::string& why) {
    return FatalError(who_ + ": topic '" + topic_ + "' partition " + std::to_string(partition_) + " offset " +
                      std::to_string(m->offset) + ": " + why);
  };
  const std::optional<std::string_view> producer = kafka_header(m, kProducer);
  const std::optional<int64_t> batch = kafka_number_header(m, kBatch);
  const std::optional<int64_t> seq = kafka_number_header(m, kSeq), marker = kafka_number_header(m, kMarker);
  if (!producer || producer->empty() || !batch || *batch < 0 || seq.has_value() == marker.has_value() ||
      seq.value_or(0) < 0 || marker.value_or(0) < 0)
    throw bad(std::string("not a repartition record (it needs the headers ") + kProducer + ", " + kBatch + " and " +
              kSeq + " or " + kMarker + ")");
  std::pair<std::string, int64_t> key{std::string(*producer), *batch};
  auto done = applied_.find(key.first);
  if (done != applied_.end() && key.second <= done->second) return false;  // delivered already
  auto what = [&] { return "batch " + std::to_string(key.second) + " of producer " + key.first; };
  if (seq) {
    Pending& p = pending_[key];
    if (*seq < p.expected) return false;  // sent again by a re-run of the batch
    if (*seq > p.expected)
      throw bad("message " + std::to_string(*seq) + " of " + what() + " comes where message " +
                std::to_string(p.expected) +
                " is due (messages of the batch are missing: the topic's retention removed them before they were "
                "read, or something else wrote to the topic)");
    p.messages.push_back(m);
    ++p.expected;
    return true;
  }
  auto it = pending_.find(key);
  const int64_t came = it == pending_.end() ? 0 : it->second.expected;
  if (came != *marker)
    throw bad("the end marker of " + what() + " counts " + std::to_string(*marker) + " messages, but " +
              std::to_string(came) +
              " came before it (the topic's retention removed them before they were read, or something else wrote "
              "to the topic)");
  if (it != pending_.end()) {
    ready_ = std::move(it->second.messages);
    pending_.erase(it);
  }
  applied_[key.first] = key.second;
  return false;
}

int64_t RepartitionReader::end_range(int64_t end) {
  drop_ready();
  int64_t next = end;
  for (const auto& [key, p] : pending_)
    if (!p.messages.empty()) next = std::min(next, p.messages.front()->offset);
  drop_pending();
  return next;
}

void RepartitionReader::drop_ready() {
  for (rd_kafka_message_t* m : ready_) rd_kafka_message_destroy(m);
  ready_.clear();
}

void RepartitionReader::drop_pending() {
  for (auto& [key, p] : pending_)
    for (rd_kafka_message_t* m : p.messages) rd_kafka_message_destroy(m);
  pending_.clear();
}

}  // namespace streamc::rt
