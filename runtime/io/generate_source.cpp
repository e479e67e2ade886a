#include "io/generate_source.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace streamc::rt {
namespace {

// floor(rate * span_us / 1e6) without overflow.
int64_t rows_in(int64_t rate, int64_t span_us) {
  if (span_us <= 0) return 0;
  __int128 n = static_cast<__int128>(rate) * span_us / 1'000'000;
  return n > INT64_MAX ? INT64_MAX : static_cast<int64_t>(n);
}

}  // namespace

GenerateSource::GenerateSource(std::string name, GenerateOptions options)
    : Source(std::move(name)), options_(options) {
  if (options_.rows_per_second < 0)
    throw FatalError("source '" + name_ + "': generate rate must not be negative");
  if (options_.rows_per_batch < 0)
    throw FatalError("source '" + name_ + "': generate rows_per_batch must not be negative");
  if (options_.total_rows < -1)
    throw FatalError("source '" + name_ + "': generate total_rows must be -1 (unbounded) or more");
}

void GenerateSource::start(RunMode mode) {
  mode_ = mode;
  if (mode != RunMode::Continuous && options_.total_rows < 0)
    throw FatalError(std::string("source '") + name_ + "': generate needs total_rows under " +
                     (mode == RunMode::Once ? "--once" : "--available-now"));
}

namespace {
std::vector<int64_t> numbers(std::string_view text, size_t want, const std::string& who) {
  std::vector<int64_t> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string part(text.substr(pos, end - pos));
    char* stop = nullptr;
    long long v = std::strtoll(part.c_str(), &stop, 10);
    if (part.empty() || *stop) break;
    out.push_back(v);
    pos = end + 1;
  }
  if (out.size() != want) throw FatalError(who + ": bad offset '" + std::string(text) + "' in the checkpoint");
  return out;
}
}  // namespace

std::string GenerateSource::last_offset() const {
  return std::to_string(last_.first_value) + " " + std::to_string(last_.count) + " " +
         std::to_string(last_.first_time.micros) + " " + std::to_string(last_.step_us) + " " +
         std::to_string(first_time_us_.value_or(0)) + " " + std::to_string(batches_);
}

void GenerateSource::restore(std::string_view last_offset, const std::vector<std::string>&) {
  if (last_offset.empty()) return;
  auto v = numbers(last_offset, 6, "source '" + name_ + "'");
  emitted_ = v[0] + v[1];
  first_time_us_ = v[4];
  batches_ = v[5];
}

void GenerateSource::replay(std::string_view offset, const std::vector<std::string>&) {
  auto v = numbers(offset, 6, "source '" + name_ + "'");
  replay_ = GeneratedRange{v[0], v[1], Timestamp{v[2]}, v[3]};
  first_time_us_ = v[4];
  batches_ = v[5] - 1;
}

bool GenerateSource::poll(SourceIntake intake) {
  if (replay_) {
    last_ = *replay_;
    replay_.reset();
    if (intake.generated) *intake.generated = last_;
    emitted_ = last_.first_value + last_.count;
    ++batches_;
    return mode_ != RunMode::Continuous && emitted_ >= options_.total_rows;
  }
  if (!first_time_us_) first_time_us_ = intake.time.micros;
  const int64_t interval = intake.interval_us;
  int64_t want;
  if (mode_ == RunMode::Once) {
    want = options_.total_rows - emitted_;
  } else if (options_.rows_per_batch > 0) {
    want = options_.rows_per_batch;
  } else if (mode_ == RunMode::AvailableNow) {
    // Batches run back to back: rate × interval per batch, at least one row.
    int64_t target = rows_in(options_.rows_per_second, (batches_ + 1) * interval);
    want = std::max<int64_t>(1, target - emitted_);
  } else {
    // Rows due by the end of this batch's interval, counted from the first
    // batch: exactly rate × interval per batch on the manual clock; a batch
    // that starts late catches up.
    int64_t target = rows_in(options_.rows_per_second, intake.time.micros - *first_time_us_ + interval);
    want = target - emitted_;
  }
  if (options_.total_rows >= 0) want = std::min(want, options_.total_rows - emitted_);
  want = std::max<int64_t>(want, 0);
  if (intake.no_data) want = 0;
  ++batches_;
  last_ = GeneratedRange{emitted_, want, intake.time, want > 0 ? interval / want : 0};
  if (intake.generated) *intake.generated = last_;
  emitted_ += want;
  return mode_ != RunMode::Continuous && emitted_ >= options_.total_rows;
}

}  // namespace streamc::rt
