#include "io/decompress.hpp"

#include <zlib.h>
#include <zstd.h>

namespace streamc::rt {

namespace {

bool ends_with(std::string_view s, std::string_view end) {
  return s.size() >= end.size() && s.substr(s.size() - end.size()) == end;
}

[[noreturn]] void corrupt(const std::string& path, const std::string& why) {
  throw FatalError("cannot decompress '" + path + "': " + why);
}

// Room for at least `more` bytes after the output so far.
void make_room(PaddedBuffer& out, size_t more) {
  if (out.size + more + kRecordPadding > out.capacity) out.reserve(std::max(out.size + more, out.capacity * 2));
}

void gunzip(std::string_view in, PaddedBuffer& out, const std::string& path) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) corrupt(path, "zlib could not start");  // 32: gzip or zlib header
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  for (;;) {
    make_room(out, 256 << 10);
    size_t room = out.capacity - kRecordPadding - out.size;
    z.next_out = reinterpret_cast<Bytef*>(out.data.get() + out.size);
    z.avail_out = static_cast<uInt>(std::min<size_t>(room, 1u << 30));
    const uInt before = z.avail_out;
    int rc = inflate(&z, Z_NO_FLUSH);
    out.size += before - z.avail_out;
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      inflateReset(&z);  // another gzip member follows (as `cat a.gz b.gz` makes)
      continue;
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) {
      inflateEnd(&z);
      corrupt(path, "the gzip data is cut short");
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      std::string why = z.msg ? z.msg : "invalid gzip data";
      inflateEnd(&z);
      corrupt(path, why);
    }
  }
  inflateEnd(&z);
}

void unzstd(std::string_view in, PaddedBuffer& out, const std::string& path) {
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  ZSTD_inBuffer src{in.data(), in.size(), 0};
  size_t last = 0;
  while (src.pos < src.size) {
    make_room(out, std::max<size_t>(ZSTD_DStreamOutSize(), 256 << 10));
    ZSTD_outBuffer dst{out.data.get() + out.size, out.capacity - kRecordPadding - out.size, 0};
    last = ZSTD_decompressStream(ctx.get(), &dst, &src);
    if (ZSTD_isError(last)) corrupt(path, ZSTD_getErrorName(last));
    out.size += dst.pos;
    if (dst.pos == 0 && src.pos == src.size && last != 0) break;
  }
  // Flush what the decoder still holds; a frame left open is cut short.
  while (last != 0) {
    make_room(out, ZSTD_DStreamOutSize());
    ZSTD_outBuffer dst{out.data.get() + out.size, out.capacity - kRecordPadding - out.size, 0};
    last = ZSTD_decompressStream(ctx.get(), &dst, &src);
    if (ZSTD_isError(last)) corrupt(path, ZSTD_getErrorName(last));
    out.size += dst.pos;
    if (dst.pos == 0 && last != 0) corrupt(path, "the zstd data is cut short");
  }
}

}  // namespace

Compression compression_of(std::string_view path) {
  if (ends_with(path, ".gz") || ends_with(path, ".gzip")) return Compression::Gzip;
  if (ends_with(path, ".zst") || ends_with(path, ".zstd")) return Compression::Zstd;
  return Compression::None;
}

std::shared_ptr<PaddedBuffer> decompress(std::string_view compressed, Compression c, const std::string& path) {
  auto out = PaddedBuffer::with_capacity(compressed.size() * 4 + 4096);
  if (c == Compression::Gzip) gunzip(compressed, *out, path);
  if (c == Compression::Zstd) unzstd(compressed, *out, path);
  out->seal();
  return out;
}

}  // namespace streamc::rt
