#include "checkpoint/checkpoint.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <random>

#include "checkpoint/checkpoint_file.hpp"
#include "base/failure_points.hpp"

namespace streamc::rt {
namespace {

std::string new_uuid() {
  std::random_device rd;
  unsigned char b[16];
  for (auto& x : b) x = static_cast<unsigned char>(rd());
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

[[noreturn]] void damaged(const std::string& path, const std::string& why) {
  throw FatalError("checkpoint file '" + path + "' is damaged: " + why);
}

int64_t number(const std::string& text, const std::string& path) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end || errno) damaged(path, "'" + text + "' is not a number");
  return v;
}

// "key value" → value, for a line that must start with key.
std::string field(const std::string& line, std::string_view key, const std::string& path) {
  if (line.size() <= key.size() || line.compare(0, key.size(), key) != 0 || line[key.size()] != ' ')
    damaged(path, "expected '" + std::string(key) + " …', found '" + line.substr(0, 60) + "'");
  return line.substr(key.size() + 1);
}

// "a=(x) b=y" → the value of each key, for naming what changed.
std::vector<std::pair<std::string, std::string>> parts_of(const std::string& sig) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < sig.size()) {
    size_t eq = sig.find('=', pos);
    if (eq == std::string::npos) break;
    size_t end = eq + 1;
    int depth = 0;
    while (end < sig.size() && (depth > 0 || sig[end] != ' ')) {
      if (sig[end] == '(' || sig[end] == '{' || sig[end] == '[') ++depth;
      if (sig[end] == ')' || sig[end] == '}' || sig[end] == ']') --depth;
      ++end;
    }
    out.emplace_back(sig.substr(pos, eq - pos), sig.substr(eq + 1, end - eq - 1));
    pos = end + 1;
  }
  return out;
}

std::string what_changed(const std::string& old_sig, const std::string& new_sig) {
  auto a = parts_of(old_sig), b = parts_of(new_sig);
  std::string out;
  for (const auto& [k, v] : b) {
    std::string was;
    bool found = false;
    for (const auto& [k2, v2] : a)
      if (k2 == k) {
        was = v2;
        found = true;
      }
    if (found && was != v) out += (out.empty() ? "" : "; ") + k + " changed from " + was + " to " + v;
  }
  if (out.empty()) out = "'" + old_sig + "' became '" + new_sig + "'";
  return out;
}

}  // namespace

std::string describe_plan_change(const Signatures& old_sources, const Signatures& new_sources,
                                 const Signatures& old_states, const Signatures& new_states) {
  for (size_t i = 0; i < std::max(old_sources.size(), new_sources.size()); ++i) {
    if (i >= old_sources.size())
      return "the program has a new source '" + new_sources[i].first + "' (" + new_sources[i].second +
             "); the checkpoint's sources are fixed";
    if (i >= new_sources.size())
      return "the program no longer has the source '" + old_sources[i].first + "' that the checkpoint reads";
    if (old_sources[i] != new_sources[i])
      return "source #" + std::to_string(i) + " changed from '" + old_sources[i].first + ": " + old_sources[i].second +
             "' to '" + new_sources[i].first + ": " + new_sources[i].second + "'";
  }
  for (const auto& [name, sig] : old_states) {
    bool found = false;
    for (const auto& [n2, s2] : new_states)
      if (n2 == name) {
        found = true;
        if (s2 != sig) return "the state of " + name + " cannot be reused: " + what_changed(sig, s2);
      }
    if (!found) return "the checkpoint has state for " + name + " (" + sig + "), which the program no longer has";
  }
  for (const auto& [name, sig] : new_states) {
    bool found = false;
    for (const auto& [n2, s2] : old_states) found = found || n2 == name;
    if (!found) return "the program has a new stateful operator " + name + " (" + sig + ") that the checkpoint has no state for";
  }
  return "";
}

Checkpoint::Checkpoint(std::string dir) : store_(std::make_unique<DirStore>(std::move(dir))) {}

Checkpoint::Checkpoint(std::unique_ptr<CheckpointStore> store) : store_(std::move(store)) {}

std::string Checkpoint::read_file(const std::string& rel, std::string_view kind) const {
  std::optional<std::string> bytes = store_->read(rel);
  if (!bytes) throw FatalError("checkpoint file '" + store_->describe(rel) + "' is missing");
  return decode_checkpoint_file(*bytes, kind, store_->describe(rel));
}

void Checkpoint::open(const Signatures& sources, const Signatures& states) {
  store_->open();
  const std::string meta_path = store_->describe("metadata");
  std::optional<std::string> meta = store_->read("metadata");
  if (!meta) {
    query_id_ = new_uuid();
    std::string text = "version " + std::to_string(kFormatVersion) + "\nid " + query_id_ + "\n";
    for (const auto& [name, sig] : sources) text += "source " + name + "\t" + sig + "\n";
    for (const auto& [name, sig] : states) text += "state " + name + "\t" + sig + "\n";
    store_->write("metadata", encode_checkpoint_file("metadata", text));
  } else {
    auto lines = lines_of(decode_checkpoint_file(*meta, "metadata", meta_path));
    if (lines.size() < 2) damaged(meta_path, "too short");
    int64_t version = number(field(lines[0], "version", meta_path), meta_path);
    if (version != kFormatVersion)
      throw FatalError("checkpoint '" + store_->describe("") + "' has format version " + std::to_string(version) + "; this program reads version " +
                       std::to_string(kFormatVersion));
    query_id_ = field(lines[1], "id", meta_path);
    Signatures old_sources, old_states;
    for (size_t i = 2; i < lines.size(); ++i) {
      const std::string& l = lines[i];
      bool is_source = l.rfind("source ", 0) == 0;
      if (!is_source && l.rfind("state ", 0) != 0) damaged(meta_path, "unexpected line '" + l.substr(0, 60) + "'");
      std::string rest = l.substr(is_source ? 7 : 6);
      size_t tab = rest.find('\t');
      if (tab == std::string::npos) damaged(meta_path, "unexpected line '" + l.substr(0, 60) + "'");
      (is_source ? old_sources : old_states).emplace_back(rest.substr(0, tab), rest.substr(tab + 1));
    }
    std::string change = describe_plan_change(old_sources, sources, old_states, states);
    if (!change.empty())
      throw FatalError("checkpoint '" + store_->describe("") + "' belongs to another plan: " + change +
                       " (use a new checkpoint directory, or undo the change)");
  }
  auto commits = store_->list("commits");
  auto offsets = store_->list("offsets");
  if (!commits.empty()) {
    last_committed_ = commits.back();
    const std::string rel = "commits/" + std::to_string(last_committed_);
    const std::string path = store_->describe(rel);
    auto lines = lines_of(read_file(rel, "commit"));
    if (lines.empty() || number(field(lines[0], "batch", path), path) != last_committed_)
      damaged(path, "it names another batch");
  }
  if (!offsets.empty() && offsets.back() > last_committed_) {
    if (offsets.back() != last_committed_ + 1)
      throw FatalError("checkpoint '" + store_->describe("") + "': offsets/" + std::to_string(offsets.back()) +
                       " follows commit " + std::to_string(last_committed_) + " with a gap");
    pending_ = read_offsets(offsets.back());
  }
}

LoggedBatch Checkpoint::read_offsets(int64_t batch) const {
  const std::string rel = "offsets/" + std::to_string(batch);
  const std::string path = store_->describe(rel);
  auto lines = lines_of(read_file(rel, "offsets"));
  if (lines.size() < 3) damaged(path, "too short");
  LoggedBatch b;
  b.batch = number(field(lines[0], "batch", path), path);
  if (b.batch != batch) damaged(path, "it names batch " + std::to_string(b.batch));
  b.time_us = number(field(lines[1], "time", path), path);
  b.no_data = field(lines[2], "data", path) == "none";
  for (size_t i = 3; i < lines.size(); ++i) {
    std::string v = field(lines[i] + (lines[i] == "source" ? " " : ""), "source", path);
    b.offsets.push_back(v);
  }
  return b;
}

std::vector<std::string> Checkpoint::read_source_log(const std::string& source, int64_t batch) const {
  return lines_of(read_file("sources/" + source + "/" + std::to_string(batch), "source-log"));
}

std::vector<std::string> Checkpoint::read_source_history(const std::string& source, int64_t last) const {
  const std::string dir = "sources/" + source;
  // The newest compact file at or below `last` (a newer one belongs to a
  // batch whose offsets never landed), then the batches after it.
  int64_t base = -1;
  for (int64_t c : store_->list(dir, ".compact"))
    if (c <= last) base = c;
  std::vector<std::string> out;
  if (base >= 0) out = lines_of(read_file(dir + "/" + std::to_string(base) + ".compact", "source-log"));
  for (int64_t b = base + 1; b <= last; ++b)
    for (auto& f : read_source_log(source, b)) out.push_back(std::move(f));
  return out;
}

namespace {

int64_t monotonic_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void Checkpoint::write_file(const std::string& rel, std::string_view kind, std::string_view payload) const {
  const int64_t start = monotonic_us();
  store_->write(rel, encode_checkpoint_file(kind, payload));
  write_us_.fetch_add(monotonic_us() - start, std::memory_order_relaxed);
  written_bytes_.fetch_add(static_cast<int64_t>(payload.size()), std::memory_order_relaxed);
}

void Checkpoint::write_source_log(const std::string& source, int64_t batch, const std::vector<std::string>& log) {
  const std::string dir = "sources/" + source;
  std::string text;
  for (const auto& l : log) text += l + "\n";
  write_file(dir + "/" + std::to_string(batch), "source-log", text);
  if ((batch + 1) % kCompactEvery != 0) return;
  // Spark's compactible file log: every kCompactEvery batches one file holds
  // every file taken so far (the previous compact file plus the batches
  // since), so a restart reads a few files, not one per batch. What the
  // previous compact file covers is removed; that file and the batches after
  // it stay, for a restart whose last batch is older than this one.
  const int64_t previous = batch - kCompactEvery;
  const std::string previous_path = dir + "/" + std::to_string(previous) + ".compact";
  std::vector<std::string> all;
  int64_t from = 0;  // a checkpoint without compact files has every batch's log
  std::optional<std::string> previous_bytes;
  if (previous >= 0) previous_bytes = store_->read(previous_path);
  if (previous_bytes) {
    all = lines_of(decode_checkpoint_file(*previous_bytes, "source-log", store_->describe(previous_path)));
    from = previous + 1;
  }
  for (int64_t b = from; b < batch; ++b)
    for (auto& f : read_source_log(source, b)) all.push_back(std::move(f));
  all.insert(all.end(), log.begin(), log.end());
  text.clear();
  for (const auto& l : all) text += l + "\n";
  write_file(dir + "/" + std::to_string(batch) + ".compact", "source-log", text);
  for (int64_t b : store_->list(dir))
    if (b <= previous) store_->remove(dir + "/" + std::to_string(b));
  for (int64_t c : store_->list(dir, ".compact"))
    if (c < previous) store_->remove(dir + "/" + std::to_string(c) + ".compact");
}

void Checkpoint::write_offsets(const LoggedBatch& b) {
  std::string text = "batch " + std::to_string(b.batch) + "\ntime " + std::to_string(b.time_us) + "\ndata " +
                     (b.no_data ? "none" : "new") + "\n";
  for (const auto& o : b.offsets) text += "source " + o + "\n";
  write_file("offsets/" + std::to_string(b.batch), "offsets", text);
  // Before the batch's output may leave (a zombie's offsets would differ
  // from its next owner's for the same batch id).
  store_->confirm_owner();
}

void Checkpoint::write_commit(int64_t batch) {
  write_file("commits/" + std::to_string(batch), "commit", "batch " + std::to_string(batch) + "\n");
  last_committed_ = batch;
  pending_.reset();
}

void Checkpoint::encode_state(PersistentState& state, bool snapshot, std::string& bytes) {
  bytes.clear();
  bytes.append(checkpoint_file_header(snapshot ? "snapshot" : "delta"));
  StateWriter w(bytes);
  state.save(w, snapshot);
}

void Checkpoint::write_state(const std::string& op, int64_t version, std::string& bytes, bool snapshot) const {
  const int64_t start = monotonic_us();
  seal_checkpoint_file(bytes);
  store_->write(state_dir(op) + "/" + std::to_string(version) + (snapshot ? ".snapshot" : ".delta"), bytes,
                snapshot ? "mid-background-snapshot" : "mid-state-snapshot");
  write_us_.fetch_add(monotonic_us() - start, std::memory_order_relaxed);
  written_bytes_.fetch_add(static_cast<int64_t>(bytes.size()), std::memory_order_relaxed);
}

void Checkpoint::restore_state(const std::string& op, int64_t version, PersistentState& state) {
  const std::string dir = state_dir(op);
  // Files of versions after `version` come from a batch that never committed.
  for (const char* suffix : {".snapshot", ".delta"})
    for (int64_t v : store_->list(dir, suffix))
      if (v > version) store_->remove(dir + "/" + std::to_string(v) + suffix);
  if (version == 0) return;
  int64_t base = 0;
  for (int64_t v : store_->list(dir, ".snapshot"))
    if (v <= version) base = v;
  auto load = [&](int64_t v, bool snapshot) {
    const std::string rel = dir + "/" + std::to_string(v) + (snapshot ? ".snapshot" : ".delta");
    const std::string path = store_->describe(rel);
    std::string payload = read_file(rel, snapshot ? "snapshot" : "delta");
    try {
      StateReader r(payload);
      state.load(r, snapshot);
      if (!r.done()) damaged(path, "unexpected bytes after the state");
    } catch (const StateFormatError& e) {
      damaged(path, e.what());
    }
  };
  if (base > 0) load(base, true);
  for (int64_t v = base + 1; v <= version; ++v) load(v, false);
}

void Checkpoint::clean(int64_t batch, const std::vector<std::string>& ops) {
  constexpr int64_t kKeepBatches = 100;
  if (batch >= kKeepBatches && batch % 10 == 0) {
    for (const char* sub : {"offsets", "commits"})
      for (int64_t b : store_->list(sub))
        if (b < batch - kKeepBatches) store_->remove(std::string(sub) + "/" + std::to_string(b));
  }
  for (const auto& op : ops) {
    const std::string dir = state_dir(op);
    auto snaps = store_->list(dir, ".snapshot");
    if (snaps.size() < 2) continue;
    int64_t keep_from = snaps[snaps.size() - 2];
    for (const char* suffix : {".snapshot", ".delta"})
      for (int64_t v : store_->list(dir, suffix))
        if (v < keep_from) store_->remove(dir + "/" + std::to_string(v) + suffix);
  }
}

}  // namespace streamc::rt
