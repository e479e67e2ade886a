// `streamc graph`: the checked plan as a Graphviz DOT graph. Sources and
// tables, one box per fused stage listing the operators it runs inline,
// the materialized nodes between stages (state kept across batches drawn
// as a 3-D box), and the sinks; edges carry the element types.
#pragma once

#include <string>

#include "plan/plan.hpp"

namespace streamc::plan {

std::string plan_to_dot(const Plan& plan);

}  // namespace streamc::plan
