// COPY text and binary formats for the postgres sink's rows (streamc/runtime/postgres.hpp).
#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

#include <sys/mman.h>

#include "streamc/runtime/postgres.hpp"

namespace streamc::rt {

void append_copy_text(std::string& out, std::string_view s) {
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char* esc = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : nullptr;
    if (!esc) continue;
    out.append(s.data() + run, i - run);
    out.append(esc);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

void append_copy_float(std::string& out, double v) {
  if (std::isnan(v)) {
    out.append("NaN");
  } else if (std::isinf(v)) {
    out.append(v < 0 ? "-Infinity" : "Infinity");
  } else {
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
  }
}

void append_copy_duration(std::string& out, Duration d) {
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, d.micros);
  out.append(buf, res.ptr);
  out.append(" microseconds");
}

CopyChunks::~CopyChunks() {
  for (const Block& b : blocks_) std::free(b.data);
}

void CopyChunks::clear() {
  chunks_.clear();
  block_ = 0;
  used_ = 0;
}

void CopyChunks::add(std::string_view data) {
  constexpr size_t kBlock = 2 << 20;
  while (block_ < blocks_.size() && blocks_[block_].size - used_ < data.size()) {
    ++block_;
    used_ = 0;
  }
  if (block_ == blocks_.size()) {
    // Huge pages where the kernel has them (2 MiB aligned, madvise'd): one
    // page fault per block instead of 512.
    const size_t size = (std::max(data.size(), kBlock) + kBlock - 1) / kBlock * kBlock;
    auto* p = static_cast<char*>(std::aligned_alloc(kBlock, size));
    if (!p) throw std::bad_alloc();
    madvise(p, size, MADV_HUGEPAGE);
    blocks_.push_back({p, size});
    used_ = 0;
  }
  char* at = blocks_[block_].data + used_;
  std::memcpy(at, data.data(), data.size());
  used_ += data.size();
  chunks_.emplace_back(at, data.size());
}

std::string CopyChunks::joined() const {
  std::string all;
  for (std::string_view c : chunks_) all += c;
  return all;
}

void CopyChunks::trim() {
  const size_t keep = chunks_.empty() ? 0 : block_ + 1;
  for (size_t i = keep; i < blocks_.size(); ++i) std::free(blocks_[i].data);
  if (blocks_.size() > keep) blocks_.resize(keep);
}

void append_copy_binary_header(std::string& out) {
  out.append("PGCOPY\n\377\r\n\0", 11);
  out.append(8, '\0');  // flags (no OIDs), header extension length
}

void append_copy_binary_trailer(std::string& out) { out.append("\377\377", 2); }

int64_t postgres_timestamp(Timestamp t) {
  constexpr int64_t kEpoch2000 = 946'684'800'000'000;  // 2000-01-01 in microseconds since 1970
  int64_t v;
  // INT64_MIN and INT64_MAX are -infinity and infinity to the server; a
  // time that far (or farther) out is not a timestamptz: out of range.
  if (__builtin_sub_overflow(t.micros, kEpoch2000, &v) || v == std::numeric_limits<int64_t>::min())
    return std::numeric_limits<int64_t>::min() + 1;
  return v;
}

namespace {

// Reads a binary COPY stream (for messages: a malformed one ends the read).
struct BinaryReader {
  std::string_view in;
  bool ok = true;
  uint64_t be(size_t bytes) {
    if (in.size() < bytes) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i) v = v << 8 | static_cast<unsigned char>(in[i]);
    in.remove_prefix(bytes);
    return v;
  }
};

// One field's bytes in COPY text (as append_copy_row writes that value).
void append_binary_as_text(std::string& out, std::string_view v, const std::string& sql_type) {
  BinaryReader r{v};
  if (sql_type == "bigint") {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(r.be(8)));
    out.append(buf, res.ptr);
  } else if (sql_type == "double precision") {
    append_copy_float(out, std::bit_cast<double>(r.be(8)));
  } else if (sql_type == "boolean") {
    out.push_back(r.be(1) ? 't' : 'f');
  } else if (sql_type == "timestamptz") {
    append_timestamp_iso(out, Timestamp{static_cast<int64_t>(r.be(8) + 946'684'800'000'000)});  // wraps, never UB
  } else if (sql_type == "interval") {
    append_copy_duration(out, Duration{static_cast<int64_t>(r.be(8))});
  } else if (sql_type == "jsonb") {
    append_copy_text(out, v.substr(std::min<size_t>(1, v.size())));
  } else {
    append_copy_text(out, v);
  }
}

}  // namespace

std::string copy_binary_row_as_text(std::string_view stream, long row, const std::vector<std::string>& sql_types) {
  BinaryReader r{stream};
  r.be(11 + 4);
  r.be(static_cast<size_t>(r.be(4)));  // the header extension
  for (long at = 1; r.ok; ++at) {
    const auto fields = static_cast<int16_t>(r.be(2));
    if (!r.ok || fields < 0) break;
    std::string line;
    for (int16_t f = 0; f < fields && r.ok; ++f) {
      const auto len = static_cast<int32_t>(r.be(4));
      if (at == row && f > 0) line.push_back('\t');
      if (len < 0) {
        if (at == row) line.append("\\N");
        continue;
      }
      if (r.in.size() < static_cast<size_t>(len)) return "";
      if (at == row) append_binary_as_text(line, r.in.substr(0, static_cast<size_t>(len)),
                                           static_cast<size_t>(f) < sql_types.size() ? sql_types[f] : "text");
      r.in.remove_prefix(static_cast<size_t>(len));
    }
    if (at == row) return r.ok ? line : "";
  }
  return "";
}

}  // namespace streamc::rt
