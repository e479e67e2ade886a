// The internal topics of a consumer group (repartition topics, DESIGN.md
// "Scale-out") are made by the binary, not by the user: the group member
// before it subscribes to them, a repartition sink before its first batch.
//
// A topic that is missing is created with the admin API (CreateTopics) with
// as many partitions as `partitions_like` and the broker's default
// replication (1 where the broker does not take -1). A broker that cannot
// create topics that way (librdkafka's mock cluster has no controller, so
// CreateTopics would only time out; a user not allowed to) is asked for the
// topic's metadata instead, which brokers that auto-create topics answer by
// making it (the mock: with 4 partitions). Then the metadata must show it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace streamc::rt {

// Returns the topic's partition count once the metadata shows it. `who`
// names the caller in messages ("kafka sink 'by_country'"); `brokers` and
// `options` are the caller's. Waits for brokers that do not answer (one
// status line); throws FatalError when the topic cannot be made.
int32_t ensure_internal_topic(const std::string& who, const std::string& brokers,
                              const std::vector<std::string>& options, const std::string& topic,
                              const std::string& partitions_like);

}  // namespace streamc::rt
