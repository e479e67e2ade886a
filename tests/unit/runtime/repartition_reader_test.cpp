// The repartition protocol against librdkafka's mock cluster: repartition
// sinks play the producing tasks (crashing mid-batch and re-running
// batches), repartition sources pinned to one partition each play the
// consuming tasks (io/repartition_reader.hpp), the group member makes the
// internal topic it subscribes to, and both sides run as group tasks do
// (a batch loop on the changelog store) through batches that fail midway.
#include "io/repartition_reader.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "core/batch_loop.hpp"
#include "error_of.hpp"
#include "io/kafka_changelog.hpp"
#include "io/kafka_group.hpp"
#include "io/kafka_internal_topic.hpp"
#include "io/kafka_source.hpp"
#include "kafka_mock_cluster.hpp"
#include "test_dir.hpp"

namespace streamc::rt {
namespace {

using testing::error_of;
using testing::MockCluster;

constexpr const char* kTopic = "g-by_user-repartition";
constexpr int kPartitions = 4;  // what the mock makes a topic with

TEST(RepartitionRanges, FormatAndParseRoundTrip) {
  std::vector<RepartitionRange> ranges = {
      {{"g-per_country-repartition", 2, 100, 250}, {{"orders-0", 4}, {"orders-3", 7}}, 180, {{"orders-0", 5}, {"orders-3", 8}}},
      {{"t", 0, 5, 5}, {}, 5, {{"my prog,1:x%", 0}}}};
  const std::string line = format_repartition_ranges(ranges);
  EXPECT_EQ(line,
            "g-per_country-repartition/2:100-250 from=orders-0:4,orders-3:7 next=180 to=orders-0:5,orders-3:8 "
            "t/0:5-5 from= next=5 to=my%20prog%2C1%3Ax%25:0");
  auto back = parse_repartition_ranges(line, "test");
  ASSERT_EQ(back.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back[i].range.topic, ranges[i].range.topic);
    EXPECT_EQ(back[i].range.partition, ranges[i].range.partition);
    EXPECT_EQ(back[i].range.start, ranges[i].range.start);
    EXPECT_EQ(back[i].range.end, ranges[i].range.end);
    EXPECT_EQ(back[i].from, ranges[i].from);
    EXPECT_EQ(back[i].next, ranges[i].next);
    EXPECT_EQ(back[i].to, ranges[i].to);
  }
  EXPECT_TRUE(parse_repartition_ranges("", "test").empty());
}

TEST(RepartitionRanges, DamagedLinesAreNamed) {
  for (const char* bad : {"t/0:1-5", "t/0:1-5 from= next=3", "t/0:1-5 from= next=6 to=", "t/0:1-5 from= next=0 to=",
                          "t/0:1-5 from=a next=3 to=", "t/0:1-5 from=a:1,a:2 next=3 to=", "t/0:1-5 to= next=3 from=",
                          "t/0:1-5 from=a:x next=3 to=", "t/0:1-5 from=a:1, next=3 to=", "t/0:1-5 from=a:-1 next=3 to=",
                          "t/0:1-5 from= next=3 to=%zz:1", "t/0:1-5 from= next=3 to=:1", "t/0:1 from= next=1 to=",
                          "t/0:1-5 from= next=3 to= t/1:0-0"}) {
    std::string err = error_of([&] { parse_repartition_ranges(bad, "checkpoint offsets/3"); });
    EXPECT_NE(err.find("checkpoint offsets/3"), std::string::npos) << bad << ": " << err;
  }
}

// ---------------------------------------------------------------- tasks

int32_t partition_of(std::string_view key) {
  return rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), kPartitions, nullptr, nullptr);
}

// A row "KEY rest" is keyed by KEY; a row "- rest" has a null key.
std::optional<std::string_view> key_of(const std::string& row) {
  std::string_view key = std::string_view(row).substr(0, row.find(' '));
  if (key == "-") return std::nullopt;
  return key;
}

// A producing task: the repartition sink of sub-topology 1.
class Producer {
 public:
  Producer(const MockCluster& k, const std::string& task, const std::string& topic = kTopic)
      : sink_("by_user", options(k, topic)) {
    sink_.set_producer(task);
  }
  static KafkaSinkOptions options(const MockCluster& k, const std::string& topic) {
    KafkaSinkOptions o;
    o.topic = topic;
    o.brokers = k.brokers();
    o.format = FileFormat::Text;
    o.repartition = true;
    o.partitions_like = "orders";
    o.options = {"linger.ms=0"};
    return o;
  }
  // One batch's rows; `commit`: false stops before the end markers (a crash
  // after the rows were sent).
  void run(int64_t batch, const std::vector<std::string>& rows, bool commit = true) {
    sink_.begin_batch(batch);
    Batch b;
    sink_.write(b, rows, key_of);
    if (commit) sink_.commit(batch);
  }
  void commit(int64_t batch) { sink_.commit(batch); }

 private:
  KafkaSink sink_;
};

// The messages in the topic.
int64_t messages(MockCluster& k) {
  int64_t n = 0;
  for (int p = 0; p < kPartitions; ++p) n += k.end_offset(kTopic, p);
  return n;
}

// Waits until the topic holds `n` messages (a producer that did not commit
// has not waited for them).
void wait_for_messages(MockCluster& k, int64_t n) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (messages(k) < n && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(messages(k), n);
}

// A consuming task: the repartition source of sub-topology 2, pinned to
// one partition.
class Consumer {
 public:
  Consumer(const MockCluster& k, int32_t partition, const std::string& restore = {}, const std::string& topic = kTopic)
      : source_("by_user", options(k, topic), SourceOptions{}) {
    source_.pin(topic, partition);
    if (!restore.empty()) source_.restore(restore, {});
    source_.start(RunMode::Continuous);
  }
  static KafkaSourceOptions options(const MockCluster& k, const std::string& topic) {
    KafkaSourceOptions o;
    o.topics = {topic};
    o.brokers = k.brokers();
    o.group = "g";
    o.repartition = true;
    return o;
  }
  void replay(const std::string& line) { source_.replay(line, {}); }
  // One batch's records; `line` is what the batch loop logs for it.
  std::vector<std::string> batch() {
    std::vector<std::string_view> records;
    std::vector<std::shared_ptr<const void>> buffers;
    std::vector<KafkaSpan> spans;
    SourceIntake in{records, buffers};
    in.kafka_spans = &spans;
    source_.poll(in);
    line = source_.last_offset();
    size_t spanned = 0;
    for (const KafkaSpan& s : spans) {
      EXPECT_EQ(s.first, spanned);
      spanned += s.count;
    }
    EXPECT_EQ(spanned, records.size());
    return {records.begin(), records.end()};
  }
  bool has_news() const { return source_.has_news(); }
  // The consumer learns of new messages from its fetches: within seconds.
  bool news_soon() const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!has_news() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return has_news();
  }
  std::string line;

 private:
  KafkaSource source_;
};

// The rows of `rows` that go to partition `p`, in order.
std::vector<std::string> on(int32_t p, const std::vector<std::string>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    if (partition_of(key_of(r).value_or("")) == p) out.push_back(r);
  return out;
}

std::vector<std::string> rows(const std::string& tag, int first_user, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("u" + std::to_string(first_user + i) + " " + tag + "#" + std::to_string(i));
  return out;
}

std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(Repartition, EveryProducerBatchIsDeliveredOnceCompleteInMarkerOrder) {
  MockCluster k;
  k.create_topic("orders", 8);  // the mock makes the internal topic with its own 4
  std::vector<std::string> a0 = rows("a0", 0, 12), b0 = rows("b0", 5, 10), a1 = rows("a1", 3, 9), b1 = rows("b1", 0, 10);
  a0.push_back("- a0#null");
  {
    Producer a(k, "orders-0"), b(k, "orders-1");
    a.run(0, a0);
    b.run(0, b0);
    a.run(1, a1);
  }
  {
    // orders-0 re-runs batch 1 after a crash that followed its commit;
    // orders-1 crashed in batch 1 after 4 of its rows, then re-runs it whole.
    Producer a(k, "orders-0");
    a.run(1, a1);
    Producer b(k, "orders-1");
    const int64_t before = messages(k);
    b.run(1, std::vector<std::string>(b1.begin(), b1.begin() + 4), false);
    wait_for_messages(k, before + 4);
  }
  Producer b(k, "orders-1");
  b.run(1, b1);
  std::set<int32_t> used;
  for (int32_t p = 0; p < kPartitions; ++p) {
    Consumer c(k, p);
    EXPECT_EQ(c.batch(), concat({on(p, a0), on(p, b0), on(p, a1), on(p, b1)})) << "partition " << p;
    EXPECT_TRUE(c.batch().empty());
    if (!on(p, concat({a0, b0, a1, b1})).empty()) used.insert(p);
    // Everything was delivered: the next batch starts at the end.
    const int64_t end = k.end_offset(kTopic, p);
    EXPECT_NE(c.line.find(" next=" + std::to_string(end) + " "), std::string::npos) << c.line;
  }
  EXPECT_GT(used.size(), 1u);
}

TEST(Repartition, ABatchIsDeliveredWhenItsMarkerComesAndReplaysAndRestoresAreExact) {
  MockCluster k;
  k.create_topic("orders", 2);
  const auto a0 = rows("a0", 0, 16), b0 = rows("b0", 0, 16), a1 = rows("a1", 0, 16), a2 = rows("a2", 0, 16);
  Producer a(k, "orders-0"), b(k, "orders-1");
  a.run(0, a0);
  // orders-1's batch 0 is written but not committed yet.
  const int64_t before = messages(k);
  b.run(0, b0, false);
  wait_for_messages(k, before + static_cast<int64_t>(b0.size()));
  for (int p = 0; p < kPartitions; ++p) ASSERT_FALSE(on(p, a0).empty()) << "16 users cover every partition";

  std::vector<std::unique_ptr<Consumer>> tasks;
  std::vector<std::string> committed(kPartitions);  // the line of each task's last batch
  for (int p = 0; p < kPartitions; ++p) {
    tasks.push_back(std::make_unique<Consumer>(k, p));
    EXPECT_EQ(tasks[p]->batch(), on(p, a0));
    committed[p] = tasks[p]->line;
  }
  // orders-1's messages are read again from its batch's first one, and
  // only after its marker delivered.
  b.commit(0);
  a.run(1, a1);
  std::vector<std::string> logged(kPartitions);
  for (int p = 0; p < kPartitions; ++p) {
    EXPECT_TRUE(tasks[p]->news_soon());
    EXPECT_EQ(tasks[p]->batch(), concat({on(p, b0), on(p, a1)}));
    logged[p] = tasks[p]->line;
    EXPECT_NE(logged[p].find(" from=orders-0:0 "), std::string::npos) << logged[p];
    EXPECT_NE(logged[p].find(" to=orders-0:1,orders-1:0"), std::string::npos) << logged[p];
  }
  // A re-run of the logged batch (restored from the batch before it)
  // delivers exactly its records, whatever came since.
  a.run(2, a2);
  for (int p = 0; p < kPartitions; ++p) {
    Consumer rerun(k, p, committed[p]);
    rerun.replay(logged[p]);
    EXPECT_EQ(rerun.batch(), concat({on(p, b0), on(p, a1)}));
    EXPECT_EQ(rerun.line, logged[p]);
    // A restart after the batch's commit goes on exactly after it.
    Consumer next(k, p, logged[p]);
    EXPECT_EQ(next.batch(), on(p, a2));
    EXPECT_TRUE(next.batch().empty());
    // An idle task has no news, though it reads again from an incomplete batch.
    EXPECT_FALSE(next.has_news());
  }
}

TEST(Repartition, AnIncompleteBatchIsReadAgainNotHeldAndAnIdleTaskHasNoNews) {
  MockCluster k;
  k.create_topic("orders", 1);
  const auto a0 = rows("a0", 0, 16), b0 = rows("b0", 0, 16);
  Producer a(k, "orders-0");
  a.run(0, a0, false);
  wait_for_messages(k, static_cast<int64_t>(a0.size()));
  const int32_t p = partition_of("u0");
  Consumer c(k, p);
  EXPECT_TRUE(c.batch().empty());
  EXPECT_NE(c.line.find(" next=0 "), std::string::npos) << c.line;  // from its first message again
  EXPECT_FALSE(c.has_news());
  EXPECT_TRUE(c.batch().empty());
  Producer b(k, "orders-1");
  b.run(0, b0);
  EXPECT_TRUE(c.news_soon());
  EXPECT_EQ(c.batch(), on(p, b0));
  EXPECT_NE(c.line.find(" next=0 "), std::string::npos) << c.line;
  a.commit(0);
  EXPECT_EQ(c.batch(), on(p, a0));
  EXPECT_NE(c.line.find(" next=" + std::to_string(k.end_offset(kTopic, p)) + " "), std::string::npos) << c.line;
}

TEST(Repartition, ProtocolErrorsNameTopicPartitionAndOffset) {
  MockCluster k;
  k.create_topic("gap", 1);
  using H = std::vector<std::pair<std::string, std::string>>;
  auto data = [](const char* producer, const char* batch, const char* seq) {
    return H{{"streamc.producer", producer}, {"streamc.batch", batch}, {"streamc.seq", seq}};
  };
  k.send("gap", 0, "u1", "x", data("orders-0", "0", "0"));
  k.send("gap", 0, "u1", "y", data("orders-0", "0", "2"));
  std::string err = error_of([&] { Consumer(k, 0, {}, "gap").batch(); });
  EXPECT_NE(err.find("topic 'gap' partition 0 offset 1: message 2 of batch 0 of producer orders-0 comes where message 1 "
                     "is due"),
            std::string::npos)
      << err;

  k.create_topic("short", 1);
  k.send("short", 0, "u1", "x", data("orders-0", "3", "0"));
  k.send("short", 0, std::nullopt, "", {{"streamc.producer", "orders-0"}, {"streamc.batch", "3"}, {"streamc.marker", "2"}});
  err = error_of([&] { Consumer(k, 0, {}, "short").batch(); });
  EXPECT_NE(err.find("topic 'short' partition 0 offset 1: the end marker of batch 3 of producer orders-0 counts 2 "
                     "messages, but 1 came before it"),
            std::string::npos)
      << err;

  k.create_topic("plain", 1);
  k.send("plain", 0, "u1", "x", {});
  err = error_of([&] { Consumer(k, 0, {}, "plain").batch(); });
  EXPECT_NE(err.find("topic 'plain' partition 0 offset 0: not a repartition record"), std::string::npos) << err;

  err = error_of([&] { Consumer(k, 0, "plain/0:0-1 next=1"); });
  EXPECT_NE(err.find("kafka source 'by_user': checkpoint offsets: 'plain/0:0-1 next=1' is not a repartition offset "
                     "range"),
            std::string::npos)
      << err;
}

// ------------------------------------------------------- through batch loops

std::function<std::unique_ptr<CheckpointStore>()> changelog(const MockCluster& k, const TaskId& task) {
  return [brokers = k.brokers(), name = task.name()] {
    return make_kafka_changelog_store(brokers, {}, "g-changelog", name);
  };
}

// Sub-topology 1 as the task orders-0 runs it: a files source (a file a
// batch) whose lines go to the repartition sink keyed by their first word.
// Batch `fail` sends half its rows, then fails (its offsets are logged).
void run_producer(const MockCluster& k, const std::string& input, int64_t fail = -1) {
  RunOptions o;
  o.mode = RunMode::AvailableNow;
  ProgramEngine engine(o);
  engine.set_program_name("words");
  engine.set_task({"orders", 0});
  engine.use_checkpoint_store(changelog(k, {"orders", 0}));
  SourceOptions so;
  so.max_files_per_batch = 1;
  SourceId in = engine.add_files_source("lines", input + "/*.txt", so);
  KafkaSink& sink = add_kafka_sink(engine, "by_word", Producer::options(k, kTopic));
  engine.set_batch_function([&](Batch& b) {
    std::vector<std::string> lines(b.records(in).begin(), b.records(in).end());
    if (b.id() == fail) lines.resize(lines.size() / 2);
    sink.write(b, lines, key_of);
    if (b.id() == fail) throw FatalError("crash");
  });
  std::atomic<int> stop{0};
  BatchLoop loop(engine, Clock::manual(1'700'000'000'000'000), stop);
  loop.run();
}

// Sub-topology 2's task of partition `p`: the records of each batch it
// runs (a re-run must see the same). Batch `fail` fails after its poll.
void run_consumer(const MockCluster& k, int32_t p, std::map<int64_t, std::vector<std::string>>& batches,
                  int64_t fail = -1) {
  RunOptions o;
  o.batches_only_with_data = true;
  ProgramEngine engine(o);
  engine.set_program_name("words");
  engine.set_task({kTopic, p});
  engine.use_checkpoint_store(changelog(k, {kTopic, p}));
  SourceId in = add_kafka_source(engine, "by_word", Consumer::options(k, kTopic), SourceOptions{});
  engine.set_batch_function([&](Batch& b) {
    std::vector<std::string> got(b.records(in).begin(), b.records(in).end());
    auto [it, first] = batches.try_emplace(b.id(), got);
    if (!first) EXPECT_EQ(it->second, got) << "partition " << p << ": batch " << b.id() << " re-run";
    if (b.id() == fail) throw FatalError("crash");
  });
  std::atomic<int> stop{0};
  BatchLoop loop(engine, Clock::manual(1'700'000'000'000'000), stop);
  loop.start();
  // Until three triggers in a row run no batch.
  for (int idle = 0, i = 0; idle < 3 && i < 30; ++i) {
    const int64_t before = loop.batches_run();
    loop.step(Clock::now_us());
    idle = loop.batches_run() == before ? idle + 1 : 0;
  }
  loop.finish();
}

TEST(Repartition, TasksThatFailMidBatchReRunTheirBatchesAndEveryRowArrivesOnce) {
  MockCluster k;
  k.create_topic("orders", 1);
  testing::TestDir dir;
  std::vector<std::string> all;
  for (int f = 1; f <= 3; ++f) {
    std::string text;
    for (int i = 0; i < 12; ++i) {
      all.push_back("u" + std::to_string((i * 7 + f) % 10) + " f" + std::to_string(f) + "#" + std::to_string(i));
      text += all.back() + "\n";
    }
    dir.write("in/" + std::to_string(f) + ".txt", text, 1'700'000'000 + f);
  }
  // orders-0 commits batch 0 (file 1) and fails in batch 1 (file 2).
  EXPECT_EQ(error_of([&] { run_producer(k, dir / "in", 1); }), "crash");
  std::vector<std::map<int64_t, std::vector<std::string>>> seen(kPartitions);
  const int32_t q = partition_of("u1");
  EXPECT_EQ(error_of([&] { run_consumer(k, q, seen[q], 0); }), "crash");  // its first batch reads from the earliest offset
  for (int32_t p = 0; p < kPartitions; ++p) run_consumer(k, p, seen[p]);
  // orders-0 re-runs batch 1 (file 2) whole, then runs file 3.
  run_producer(k, dir / "in");
  for (int32_t p = 0; p < kPartitions; ++p) run_consumer(k, p, seen[p]);
  std::multiset<std::string> got;
  for (int32_t p = 0; p < kPartitions; ++p)
    for (const auto& [batch, records] : seen[p])
      for (const auto& r : records) {
        EXPECT_EQ(partition_of(*key_of(r)), p) << r;
        got.insert(r);
      }
  EXPECT_EQ(got, std::multiset<std::string>(all.begin(), all.end()));
}

TEST(Repartition, AGroupMemberMakesItsInternalTopicsAndRunsTheirPartitionsAsTasks) {
  MockCluster k;
  k.create_topic("orders", 2);
  KafkaSourceOptions o;
  o.topics = {"orders"};
  o.brokers = k.brokers();
  o.group = "g";
  o.internal_topics = {"g-by_user-repartition"};
  o.options = {"session.timeout.ms=6000", "heartbeat.interval.ms=200"};
  auto member = make_kafka_group_member("orders", o);
  member->join([](const TaskId&) {});
  std::set<std::string> tasks;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (tasks.size() < 2 + kPartitions && std::chrono::steady_clock::now() < deadline) {
    for (const TaskId& t : member->poll()) tasks.insert(t.name());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  member->leave();
  EXPECT_EQ(tasks, (std::set<std::string>{"orders-0", "orders-1", "g-by_user-repartition-0", "g-by_user-repartition-1",
                                          "g-by_user-repartition-2", "g-by_user-repartition-3"}));
  std::string err = error_of([&] { ensure_internal_topic("test", k.brokers(), {}, "g-x-repartition", "nothere"); });
  EXPECT_NE(err.find("test: cannot make the internal topic 'g-x-repartition': topic 'nothere', whose partition count "
                     "it takes, does not exist"),
            std::string::npos)
      << err;
}

}  // namespace
}  // namespace streamc::rt
