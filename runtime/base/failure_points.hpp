// Named failure points (Redpanda's failure probes) for recovery tests:
// STREAMC_FAIL_AT=POINT[:N] kills the process with SIGKILL, exactly like
// `kill -9`, the Nth time (default: the first) POINT is reached;
// STREAMC_STOP_AT=POINT[:N] stops it there with SIGSTOP instead (a long
// pause, as of a machine that froze), until the test sends SIGCONT:
//
//   before-offsets      a batch that read records is about to log its offsets
//   after-offsets       offsets/<batch> is durable, the batch has not run
//   mid-sink-write      half of a files sink's part file is written (temp name)
//   before-commit       every sink committed, commits/<batch> not written
//   mid-state-snapshot  half of a state file on the commit path (a delta; at a
//                       snapshot version too) is written
//   mid-background-snapshot  half of a snapshot is written (by the snapshot
//                       writer, which the commit does not wait for)
//   repartition-before-markers  the rows of a batch that wrote to a repartition
//                       topic are delivered, its end markers not sent
//   repartition-after-markers   its end markers are delivered too, the batch
//                       not committed
#pragma once

#include <string_view>

namespace streamc::rt {

// Kills the process when STREAMC_FAIL_AT names `point` and its count is due.
void failure_point(std::string_view point);
// Whether STREAMC_FAIL_AT names `point` (for work only a test of it needs,
// such as making sure what precedes it has reached the broker).
bool failure_point_armed(std::string_view point);

}  // namespace streamc::rt
