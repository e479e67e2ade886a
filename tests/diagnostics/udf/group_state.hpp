// A map_groups_with_state function whose state is not the operator's.
#pragma once

#include <streamc/udf.hpp>

#include <cstdint>
#include <string_view>
#include <vector>

struct Click {
  std::string_view user;
  int64_t n;
};

/// count_clicks(user, rows, state): the user's clicks so far.
STREAMC_UDF inline int64_t count_clicks(std::string_view user, const std::vector<Click>& rows,
                                        streamc::GroupState<double>& state) {
  (void)user;
  state.update(state.get_option().value_or(0) + static_cast<double>(rows.size()));
  return static_cast<int64_t>(state.get());
}
