// A Kafka test broker: librdkafka's mock cluster (rdkafka_mock.h), which
// speaks the real Kafka protocol over TCP on 127.0.0.1 to clients in any
// process (kcat, compiled pipelines). There is no Kafka server in Debian.
//
//   test_broker [--brokers N] [--topic NAME:PARTITIONS]...
//
// Prints one line, the bootstrap servers ("127.0.0.1:PORT,…"), then reads
// commands on stdin, one per line, answering each with "ok" or "error: …":
//
//   topic NAME PARTITIONS     create a topic
//   leader TOPIC PART BROKER  move a partition's leader (BROKER -1: none)
//   down BROKER | up BROKER   disconnect a broker and refuse connections / accept again (-1: all)
//   missing TOPIC             answer for TOPIC as Kafka does for a topic that does not exist
//                             (the mock would otherwise create any topic a client asks for)
//   denied TOPIC              answer for TOPIC as Kafka does when the client may not use it
//   writes denied|allowed     answer every Produce request (any topic) as Kafka does when the
//                             client may not write the topic / stop doing so (the metadata
//                             still shows the topic: a sink's deliveries fail mid-run)
//   quit                      stop (so does the end of stdin, or SIGTERM)
//
// Known limits of the mock (librdkafka 2.0.2): it keeps only about 5 MiB
// per partition, implements no transactions, read_committed or
// offsets_for_times, and auto-creates any topic a client looks up (with 4
// partitions, unless created here first).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

// A Kafka broker sets TCP_NODELAY on its connections; the mock does not, so
// an answer to a second request in flight on a connection waited for the
// client's delayed acknowledgement (about 40 ms: a batch's commit waited
// that long). Set on the mock's listening sockets, the accepted connections
// inherit it (Linux copies the option to them).
void no_delay_on_listeners() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* e = readdir(dir)) {
    const int fd = std::atoi(e->d_name);
    if (fd <= 2 || fd == dirfd(dir)) continue;
    int listening = 0, protocol = 0, one = 1;
    socklen_t len = sizeof listening;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
    len = sizeof protocol;
    if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len) != 0 || protocol != IPPROTO_TCP) continue;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  closedir(dir);
}

int usage(const char* why) {
  std::fprintf(stderr, "test_broker: %s\nusage: test_broker [--brokers N] [--topic NAME:PARTITIONS]...\n", why);
  return 2;
}

bool create_topic(rd_kafka_mock_cluster_t* mc, const std::string& name, int partitions, std::string& error) {
  if (name.empty() || partitions < 1) {
    error = "a topic needs a name and at least one partition";
    return false;
  }
  rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name.c_str(), partitions, 1);
  if (err) {
    error = "cannot create topic '" + name + "': " + rd_kafka_err2str(err);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int brokers = 1;
  std::vector<std::pair<std::string, int>> topics;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--brokers" && i + 1 < argc) {
      brokers = std::atoi(argv[++i]);
      if (brokers < 1) return usage("--brokers needs a number of at least 1");
    } else if (a == "--topic" && i + 1 < argc) {
      std::string t = argv[++i];
      size_t colon = t.rfind(':');
      int parts = colon == std::string::npos ? 1 : std::atoi(t.c_str() + colon + 1);
      topics.emplace_back(t.substr(0, colon), parts);
    } else {
      return usage(("unknown argument '" + a + "'").c_str());
    }
  }
  std::signal(SIGPIPE, SIG_IGN);

  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof errstr);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    std::fprintf(stderr, "test_broker: %s\n", errstr);
    return 1;
  }
  rd_kafka_mock_cluster_t* mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) {
    std::fprintf(stderr, "test_broker: cannot start the mock cluster\n");
    return 1;
  }
  for (const auto& [name, parts] : topics) {
    std::string error;
    if (!create_topic(mc, name, parts, error)) {
      std::fprintf(stderr, "test_broker: %s\n", error.c_str());
      return 1;
    }
  }
  no_delay_on_listeners();
  std::printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
  std::fflush(stdout);

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    std::string error;
    bool ok = true;
    if (cmd.empty()) {
      continue;
    } else if (cmd == "quit") {
      break;
    } else if (cmd == "topic") {
      std::string name;
      int parts = 0;
      in >> name >> parts;
      ok = create_topic(mc, name, parts, error);
    } else if (cmd == "down" || cmd == "up") {
      int id = -2;
      in >> id;
      rd_kafka_resp_err_t err = id < -1 ? RD_KAFKA_RESP_ERR__INVALID_ARG
                                        : cmd == "down" ? rd_kafka_mock_broker_set_down(mc, id)
                                                        : rd_kafka_mock_broker_set_up(mc, id);
      if (err) {
        ok = false;
        error = cmd + ": " + rd_kafka_err2str(err);
      }
      if (cmd == "up") no_delay_on_listeners();
    } else if (cmd == "missing" || cmd == "denied") {
      std::string topic;
      in >> topic;
      rd_kafka_mock_topic_set_error(mc, topic.c_str(),
                                    cmd == "missing" ? RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
                                                     : RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
    } else if (cmd == "writes") {
      std::string how;
      in >> how;
      constexpr int16_t kProduce = 0;  // the Produce request's API key
      rd_kafka_mock_clear_request_errors(mc, kProduce);
      if (how == "denied") {
        // One error per request, for many more requests than any test sends.
        std::vector<rd_kafka_resp_err_t> errs(100000, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
        rd_kafka_mock_push_request_errors_array(mc, kProduce, errs.size(), errs.data());
      } else if (how != "allowed") {
        ok = false;
        error = "writes: 'denied' or 'allowed', not '" + how + "'";
      }
    } else if (cmd == "leader") {
      std::string topic;
      int part = -1, id = -2;
      in >> topic >> part >> id;
      rd_kafka_resp_err_t err = rd_kafka_mock_partition_set_leader(mc, topic.c_str(), part, id);
      if (err) {
        ok = false;
        error = "leader: " + std::string(rd_kafka_err2str(err));
      }
    } else {
      ok = false;
      error = "unknown command '" + cmd + "' (topic, leader, down, up, missing, denied, writes, quit)";
    }
    std::printf(ok ? "ok\n" : "error: %s\n", error.c_str());
    std::fflush(stdout);
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
