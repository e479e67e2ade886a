// The Kafka side of a consumer-group member (io/group_membership.hpp):
// one consumer that subscribes to the source's topics and the program's
// repartition topics (made first when missing: io/kafka_internal_topic.hpp)
// in the group with the cooperative-sticky assignor and reads nothing. Its
// assigned partitions are paused at once; each task reads its partition
// with its own assigned (not subscribed) consumer, from the offsets in its
// checkpoint, exactly as a source without a group does
// (io/kafka_source.hpp). Kafka decides who runs what; the offsets committed
// to the group are not used.
#pragma once

#include <memory>

#include "io/group_membership.hpp"
#include "streamc/runtime/api.hpp"

namespace streamc::rt {

// `source` names the Kafka source in messages.
std::unique_ptr<GroupMembership> make_kafka_group_member(const std::string& source, const KafkaSourceOptions& options);

}  // namespace streamc::rt
