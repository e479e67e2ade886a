// The --ui server over real HTTP on 127.0.0.1: status codes, content types,
// progress records newest last, metrics that count what batches report.
#include "ui/ui_server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.hpp"

namespace streamc::rt {
namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

BatchProgress batch(int64_t id, int64_t rows) {
  BatchProgress p;
  p.id = "query-id";
  p.run_id = "run-id";
  p.name = "wordcount";
  p.batch_id = id;
  p.duration_us = 2500;
  p.add_batch_us = 2000;
  SourceProgress s;
  s.name = "lines";
  s.input_rows = rows;
  s.rejected_rows = 1;
  s.backlog = SourceBacklog{3, 7, "files"};
  s.rejected_by_reason = {{"malformed_json", 1}};
  p.sources.push_back(s);
  p.states.push_back({"aggregate#0", 42, 5, 4096, 2});
  p.sinks.push_back({"counts", "files out", rows * 2});
  return p;
}

class UiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = free_port();
    server_ = std::make_unique<UiServer>("127.0.0.1", port_, UiInfo{"wordcount", {{"port", "9999"}}, Clock::now_us()});
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_connection_timeout(5, 0);
    client_->set_read_timeout(5, 0);
  }
  int port_ = 0;
  std::unique_ptr<UiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(UiServerTest, HealthIsOkWhileRunningAnd503AfterFailure) {
  auto r = client_->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  server_->loop_ended("source 'lines': cannot read 'in/a.txt'");
  r = client_->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "failed: source 'lines': cannot read 'in/a.txt'\n");
  r = client_->Get("/status");
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("\"status\":\"failed\""), std::string::npos) << r->body;
}

TEST_F(UiServerTest, ProgressIsAnArrayNewestLastKeepingTheLastHundred) {
  auto r = client_->Get("/progress");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(r->body, "[]\n");
  for (int64_t i = 0; i < 105; ++i) server_->batch_done(batch(i, 10));
  r = client_->Get("/progress");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body.find("\"batchId\":4,"), std::string::npos);
  size_t first = r->body.find("\"batchId\":5,"), last = r->body.find("\"batchId\":104,");
  ASSERT_NE(first, std::string::npos);
  ASSERT_NE(last, std::string::npos);
  EXPECT_LT(first, last);
  EXPECT_EQ(r->body.front(), '[');
}

TEST_F(UiServerTest, MetricsCountWhatBatchesReport) {
  server_->batch_done(batch(0, 10));
  server_->batch_done(batch(1, 5));
  auto r = client_->Get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r->body;
  for (const char* line : {
           "streamc_batches_total{query=\"wordcount\"} 2\n",
           "streamc_input_rows_total{query=\"wordcount\",source=\"lines\"} 15\n",
           "streamc_output_rows_total{query=\"wordcount\",sink=\"counts\"} 30\n",
           "streamc_rejected_records_total{query=\"wordcount\",reason=\"malformed_json\",source=\"lines\"} 2\n",
           "streamc_late_rows_dropped_total{query=\"wordcount\",operator=\"aggregate#0\"} 4\n",
           "streamc_state_rows{query=\"wordcount\",operator=\"aggregate#0\"} 42\n",
           "streamc_state_memory_bytes{query=\"wordcount\",operator=\"aggregate#0\"} 4096\n",
           "streamc_source_lag{query=\"wordcount\",source=\"lines\",unit=\"files\"} 7\n",
           "streamc_batch_phase_seconds_total{query=\"wordcount\",phase=\"addBatch\"} 0.004\n",
           "streamc_batch_duration_seconds_count{query=\"wordcount\"} 2\n",
           "streamc_last_batch_id{query=\"wordcount\"} 1\n",
       })
    EXPECT_NE(m.find(line), std::string::npos) << line << " not in\n" << m;
}

// A trigger that found nothing new (Structured Streaming) ran no batch: its
// idle record is kept for /progress, counts no batch, and updates the lag.
TEST_F(UiServerTest, AnIdleTriggerCountsNoBatch) {
  server_->batch_done(batch(0, 10));
  server_->batch_done(batch(1, 5));
  BatchProgress idle = batch(2, 0);
  idle.idle = true;
  idle.duration_us = 0;
  idle.add_batch_us = 0;
  idle.sources[0].backlog = SourceBacklog{3, 4, "files"};
  idle.sources[0].rejected_by_reason.clear();
  idle.states.clear();
  server_->batch_done(idle);
  auto r = client_->Get("/metrics");
  ASSERT_TRUE(r);
  for (const char* line : {
           "streamc_batches_total{query=\"wordcount\"} 2\n",
           "streamc_last_batch_id{query=\"wordcount\"} 1\n",
           "streamc_batch_duration_seconds_count{query=\"wordcount\"} 2\n",
           "streamc_source_lag{query=\"wordcount\",source=\"lines\",unit=\"files\"} 4\n",
       })
    EXPECT_NE(r->body.find(line), std::string::npos) << line << " not in\n" << r->body;
  r = client_->Get("/progress");
  ASSERT_TRUE(r);
  EXPECT_NE(r->body.find("\"batchId\":2,"), std::string::npos) << r->body;
}

TEST_F(UiServerTest, PageIsOneSelfContainedHtmlFile) {
  auto r = client_->Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r->body.find("<script>"), std::string::npos);
  EXPECT_EQ(r->body.find("<script src"), std::string::npos);  // nothing fetched from elsewhere
  EXPECT_EQ(r->body.find("http://", r->body.find("<script>")), r->body.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(client_->Get("/nothing-here")->status, 404);
}

TEST(UiServer, APortInUseIsOneClearError) {
  const int port = free_port();
  UiServer first("127.0.0.1", port, UiInfo{"a", {}, 0});
  try {
    UiServer second("127.0.0.1", port, UiInfo{"b", {}, 0});
    FAIL() << "bound twice";
  } catch (const FatalError& e) {
    EXPECT_NE(std::string(e.what()).find("--ui: cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace streamc::rt
