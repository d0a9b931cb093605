#include "core/tar_gz.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

namespace camroll {
namespace {

// A gzip stream read in order (multi-member gzip files included).
class GzipReader {
 public:
  explicit GzipReader(std::FILE* f) : f_(f) {
    std::memset(&z_, 0, sizeof(z_));
    ok_ = inflateInit2(&z_, 16 + MAX_WBITS) == Z_OK;
  }
  ~GzipReader() { inflateEnd(&z_); }
  GzipReader(const GzipReader&) = delete;
  GzipReader& operator=(const GzipReader&) = delete;

  // Fills exactly n bytes; fails on a truncated or corrupt stream.
  Status Read(uint8_t* out, size_t n) {
    if (!ok_) return Fail(ErrorCode::kInternal, "zlib did not start");
    z_.next_out = out;
    z_.avail_out = static_cast<uInt>(n);
    while (z_.avail_out > 0) {
      if (z_.avail_in == 0) {
        size_t got = std::fread(in_, 1, sizeof(in_), f_);
        if (got == 0) return Fail(ErrorCode::kInvalidInput, "tar.gz ends early");
        z_.next_in = in_;
        z_.avail_in = static_cast<uInt>(got);
      }
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // Another gzip member may follow.
        if (z_.avail_out > 0 && inflateReset(&z_) != Z_OK) {
          return Fail(ErrorCode::kInvalidInput, "tar.gz: bad gzip member");
        }
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Fail(ErrorCode::kInvalidInput,
                    std::string("tar.gz: ") + (z_.msg != nullptr ? z_.msg : "corrupt data"));
      }
    }
    return Ok();
  }

  Status Skip(uint64_t n) {
    uint8_t buf[16384];
    while (n > 0) {
      size_t chunk = static_cast<size_t>(std::min<uint64_t>(n, sizeof(buf)));
      CAMROLL_RETURN_IF_ERROR(Read(buf, chunk));
      n -= chunk;
    }
    return Ok();
  }

 private:
  std::FILE* f_;
  z_stream z_;
  bool ok_ = false;
  uint8_t in_[65536];
};

Result<uint64_t> Octal(const uint8_t* p, size_t n) {
  // GNU base-256 for sizes of 8 GiB and more.
  if (p[0] & 0x80) {
    uint64_t v = p[0] & 0x7f;
    for (size_t i = 1; i < n; ++i) v = (v << 8) | p[i];
    return v;
  }
  uint64_t v = 0;
  size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == 0)) ++i;
  for (; i < n && p[i] >= '0' && p[i] <= '7'; ++i) v = v * 8 + (p[i] - '0');
  return v;
}

std::string Field(const uint8_t* p, size_t n) {
  size_t len = 0;
  while (len < n && p[len] != 0) ++len;
  return std::string(reinterpret_cast<const char*>(p), len);
}

// The `path` record of a pax extended header ("<len> path=<value>\n" records).
std::string PaxPath(const std::vector<uint8_t>& data) {
  std::string s(data.begin(), data.end());
  size_t pos = 0;
  while (pos < s.size()) {
    size_t space = s.find(' ', pos);
    if (space == std::string::npos) break;
    size_t len = std::strtoull(s.c_str() + pos, nullptr, 10);
    if (len == 0 || pos + len > s.size()) break;
    std::string record = s.substr(space + 1, pos + len - space - 2);  // drop the newline
    if (record.rfind("path=", 0) == 0) return record.substr(5);
    pos += len;
  }
  return "";
}

}  // namespace

Status ReadTarGz(const std::filesystem::path& file,
                 const std::function<bool(const std::string& name)>& want,
                 const std::function<Status(TarMember member)>& sink, uint64_t max_member_bytes) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!f) return Fail(ErrorCode::kIo, "cannot open " + file.string());
  auto gz = std::make_unique<GzipReader>(f.get());
  std::string long_name;
  uint8_t header[512];
  while (true) {
    auto st = gz->Read(header, 512);
    if (!st) return std::unexpected(st.error().Context(file.filename().string()));
    bool zero = std::all_of(header, header + 512, [](uint8_t b) { return b == 0; });
    if (zero) return Ok();  // end of archive
    uint64_t sum = 0;
    for (int i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : header[i];
    CAMROLL_ASSIGN_OR_RETURN(uint64_t stored_sum, Octal(header + 148, 8));
    if (sum != stored_sum) {
      return Fail(ErrorCode::kInvalidInput, file.filename().string() + ": bad tar header checksum");
    }
    CAMROLL_ASSIGN_OR_RETURN(uint64_t size, Octal(header + 124, 12));
    char type = static_cast<char>(header[156]);
    std::string name = Field(header, 100);
    if (std::memcmp(header + 257, "ustar", 5) == 0) {
      std::string prefix = Field(header + 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    if (!long_name.empty()) {
      name = long_name;
      long_name.clear();
    }
    uint64_t padded = (size + 511) / 512 * 512;
    bool regular = type == '0' || type == '\0' || type == '7';
    if (type == 'L' || type == 'x') {
      if (size > (1u << 20)) return Fail(ErrorCode::kLimit, "tar extended header too large");
      std::vector<uint8_t> data(padded);
      CAMROLL_RETURN_IF_ERROR(gz->Read(data.data(), padded));
      data.resize(size);
      long_name = type == 'L' ? Field(data.data(), data.size()) : PaxPath(data);
      continue;
    }
    if (regular && want(name)) {
      if (size > max_member_bytes) {
        return Fail(ErrorCode::kLimit,
                    fmt::format("{}: member {} has {} bytes (limit {})", file.filename().string(),
                                name, size, max_member_bytes));
      }
      TarMember m;
      m.name = name;
      m.bytes.resize(size);
      CAMROLL_RETURN_IF_ERROR(gz->Read(m.bytes.data(), size));
      CAMROLL_RETURN_IF_ERROR(gz->Skip(padded - size));
      CAMROLL_RETURN_IF_ERROR(sink(std::move(m)));
    } else {
      CAMROLL_RETURN_IF_ERROR(gz->Skip(padded));
    }
  }
}

}  // namespace camroll
