#include "server/sealed.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <vector>

#include "core/files.h"

namespace camroll::server {
namespace {

constexpr char kFileMagic[8] = {'C', 'R', 'S', 'E', 'A', 'L', 'v', '1'};
constexpr char kBlobMagic[4] = {'C', 'R', 'B', '1'};
constexpr size_t kHeader = crypto_secretstream_xchacha20poly1305_HEADERBYTES;
constexpr size_t kOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr uint64_t kFilePrefix = sizeof kFileMagic + kHeader;
static_assert(SecretKey::kSize == crypto_secretstream_xchacha20poly1305_KEYBYTES);

void InitSodium() {
  // Idempotent and thread-safe; fails only without a usable random source.
  if (sodium_init() < 0) std::abort();
}

std::unexpected<Error> SysError(std::string_view what, const std::filesystem::path& path) {
  return Fail(ErrorCode::kIo, fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

std::unexpected<Error> Corrupt(const std::filesystem::path& path, std::string_view why) {
  return Fail(ErrorCode::kInvalidInput,
              fmt::format("{}: {} (damaged, or sealed with another key)", path.string(), why));
}

Status WriteAll(int fd, const uint8_t* p, size_t n, const std::filesystem::path& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return SysError("writing", path);
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Ok();
}

// Reads up to n bytes (fewer only at the end of the file).
Result<size_t> ReadUpTo(int fd, uint8_t* p, size_t n, const std::filesystem::path& path) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return SysError("reading", path);
    if (r == 0) break;
    got += static_cast<size_t>(r);
  }
  return got;
}

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

}  // namespace

SecretKey::~SecretKey() { sodium_memzero(bytes_.data(), bytes_.size()); }

SecretKey SecretKey::Random() {
  InitSodium();
  SecretKey k;
  crypto_secretstream_xchacha20poly1305_keygen(k.data());
  return k;
}

bool IsSealedFile(const std::filesystem::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return false;
  char magic[sizeof kFileMagic];
  auto got = ReadUpTo(fd.get(), reinterpret_cast<uint8_t*>(magic), sizeof magic, path);
  return got && *got == sizeof magic && std::memcmp(magic, kFileMagic, sizeof magic) == 0;
}

Result<uint64_t> PlainSize(uint64_t sealed_size) {
  if (sealed_size < kFilePrefix + kOverhead) {
    return Fail(ErrorCode::kInvalidInput, "too short for a sealed file");
  }
  const uint64_t body = sealed_size - kFilePrefix - kOverhead;  // without the final record's tag
  const uint64_t full = body / (kSealedChunk + kOverhead);
  const uint64_t rest = body % (kSealedChunk + kOverhead);
  if (rest >= kSealedChunk) return Fail(ErrorCode::kInvalidInput, "not the size of a sealed file");
  return full * kSealedChunk + rest;
}

namespace {

// Seals what `read` gives (it fills up to n bytes and returns how many; fewer only at the end)
// into `out`: written beside it, then renamed over it; synced with `durability`.
Status SealStream(const std::function<Result<size_t>(uint8_t*, size_t)>& read,
                  const std::filesystem::path& out, const SecretKey& key, std::string_view context,
                  Durability durability) {
  InitSodium();
  const auto tmp = out.parent_path() / ("." + out.filename().string() + ".sealing");
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) return SysError("creating", tmp);
  auto fail = [&](Error e) {
    ::unlink(tmp.c_str());
    return std::unexpected(std::move(e));
  };
  crypto_secretstream_xchacha20poly1305_state st;
  uint8_t prefix[kFilePrefix];
  std::memcpy(prefix, kFileMagic, sizeof kFileMagic);
  crypto_secretstream_xchacha20poly1305_init_push(&st, prefix + sizeof kFileMagic, key.data());
  if (auto w = WriteAll(fd.get(), prefix, sizeof prefix, tmp); !w) return fail(w.error());
  std::vector<uint8_t> buf(kSealedChunk), sealed(kSealedChunk + kOverhead);
  for (;;) {
    auto got = read(buf.data(), buf.size());
    if (!got) return fail(got.error());
    // A full chunk is followed by at least a (possibly empty) final record.
    const bool last = *got < kSealedChunk;
    unsigned long long len = 0;
    crypto_secretstream_xchacha20poly1305_push(
        &st, sealed.data(), &len, buf.data(), *got, Bytes(context), context.size(),
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    if (auto w = WriteAll(fd.get(), sealed.data(), len, tmp); !w) return fail(w.error());
    if (last) break;
  }
  sodium_memzero(buf.data(), buf.size());
  sodium_memzero(&st, sizeof st);
  if (durability == Durability::kSync && ::fsync(fd.get()) != 0) {
    return fail(SysError("syncing", tmp).error());
  }
  ::close(fd.release());
  if (::rename(tmp.c_str(), out.c_str()) != 0) return fail(SysError("renaming onto", out).error());
  return durability == Durability::kSync ? FsyncDirectory(out.parent_path()) : Ok();
}

}  // namespace

Status SealFile(const std::filesystem::path& plain, const std::filesystem::path& out,
                const SecretKey& key, std::string_view context) {
  Fd in(::open(plain.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return SysError("opening", plain);
  return SealStream([&](uint8_t* p, size_t n) { return ReadUpTo(in.get(), p, n, plain); }, out, key,
                    context, Durability::kSync);
}

Status SealBytes(std::span<const uint8_t> plain, const std::filesystem::path& out,
                 const SecretKey& key, std::string_view context, Durability durability) {
  size_t at = 0;
  return SealStream(
      [&](uint8_t* p, size_t n) -> Result<size_t> {
        const size_t k = std::min(n, plain.size() - at);
        std::memcpy(p, plain.data() + at, k);
        at += k;
        return k;
      },
      out, key, context, durability);
}

struct SealedReader::State {
  std::filesystem::path path;
  int fd = -1;
  std::string context;
  crypto_secretstream_xchacha20poly1305_state st;
  std::vector<uint8_t> sealed = std::vector<uint8_t>(kSealedChunk + kOverhead);
  uint64_t left = 0;  // sealed bytes not read yet
  bool done = false;
  ~State() {
    sodium_memzero(&st, sizeof st);
    if (fd >= 0) ::close(fd);
  }
};

SealedReader::~SealedReader() = default;

Result<std::unique_ptr<SealedReader>> SealedReader::Open(const std::filesystem::path& path,
                                                         const SecretKey& key,
                                                         std::string_view context) {
  InitSodium();
  auto s = std::make_unique<State>();
  s->path = path;
  s->context = std::string(context);
  s->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (s->fd < 0) {
    return errno == ENOENT ? Fail(ErrorCode::kNotFound, path.string() + ": no such file")
                           : SysError("opening", path);
  }
  struct stat sb;
  if (::fstat(s->fd, &sb) != 0) return SysError("reading", path);
  auto size = PlainSize(static_cast<uint64_t>(sb.st_size));
  if (!size) return Corrupt(path, size.error().message());
  uint8_t prefix[kFilePrefix];
  CAMROLL_ASSIGN_OR_RETURN(size_t got, ReadUpTo(s->fd, prefix, sizeof prefix, path));
  if (got != sizeof prefix || std::memcmp(prefix, kFileMagic, sizeof kFileMagic) != 0) {
    return Corrupt(path, "not a sealed file");
  }
  if (crypto_secretstream_xchacha20poly1305_init_pull(&s->st, prefix + sizeof kFileMagic,
                                                      key.data()) != 0) {
    return Corrupt(path, "a bad stream header");
  }
  s->left = static_cast<uint64_t>(sb.st_size) - kFilePrefix;
  std::unique_ptr<SealedReader> r(new SealedReader());
  r->size_ = *size;
  r->state_ = std::move(s);
  return r;
}

Result<bool> SealedReader::Next(std::string& out) {
  out.clear();
  State& s = *state_;
  if (s.done) return false;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(s.left, kSealedChunk + kOverhead));
  CAMROLL_ASSIGN_OR_RETURN(size_t got, ReadUpTo(s.fd, s.sealed.data(), want, s.path));
  if (got != want || got < kOverhead) return Corrupt(s.path, "cut short");
  s.left -= got;
  out.resize(got - kOverhead);
  unsigned long long len = 0;
  unsigned char tag = 0;
  if (crypto_secretstream_xchacha20poly1305_pull(&s.st, reinterpret_cast<uint8_t*>(out.data()),
                                                 &len, &tag, s.sealed.data(), got, Bytes(s.context),
                                                 s.context.size()) != 0) {
    out.clear();
    return Corrupt(s.path, "a record does not verify");
  }
  const bool final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
  if (final != (s.left == 0)) {
    out.clear();
    return Corrupt(s.path, final ? "bytes after the final record" : "the final record is missing");
  }
  s.done = final;
  return !final;
}

Result<std::string> ReadSealedFile(const std::filesystem::path& path, const SecretKey& key,
                                   std::string_view context, uint64_t max_bytes) {
  CAMROLL_ASSIGN_OR_RETURN(auto reader, SealedReader::Open(path, key, context));
  if (reader->size() > max_bytes) {
    return Fail(ErrorCode::kLimit, fmt::format("{}: {} bytes, over the limit of {}", path.string(),
                                               reader->size(), max_bytes));
  }
  std::string all, piece;
  all.reserve(reader->size());
  for (;;) {
    CAMROLL_ASSIGN_OR_RETURN(bool more, reader->Next(piece));
    all += piece;
    if (!more) break;
  }
  return all;
}

Status UnsealFile(const std::filesystem::path& sealed, const std::filesystem::path& out,
                  const SecretKey& key, std::string_view context) {
  CAMROLL_ASSIGN_OR_RETURN(auto reader, SealedReader::Open(sealed, key, context));
  const auto tmp = out.parent_path() / ("." + out.filename().string() + ".unsealing");
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) return SysError("creating", tmp);
  std::string piece;
  for (;;) {
    auto more = reader->Next(piece);
    Status written = more ? WriteAll(fd.get(), Bytes(piece), piece.size(), tmp)
                          : Status(std::unexpected(more.error()));
    if (!written) {
      ::unlink(tmp.c_str());
      return written;
    }
    if (!*more) break;
  }
  ::close(fd.release());
  if (::rename(tmp.c_str(), out.c_str()) != 0) {
    auto err = SysError("renaming onto", out);
    ::unlink(tmp.c_str());
    return err;
  }
  return Ok();
}

Result<std::vector<uint8_t>> SealedFileStore::Read(const std::filesystem::path& path,
                                                   uint64_t max_bytes) const {
  CAMROLL_ASSIGN_OR_RETURN(std::string plain, ReadSealedFile(path, key_, context_, max_bytes));
  std::vector<uint8_t> out(plain.begin(), plain.end());
  sodium_memzero(plain.data(), plain.size());
  return out;
}

Status SealedFileStore::Write(const std::filesystem::path& path,
                              std::span<const uint8_t> bytes) const {
  return SealBytes(bytes, path, key_, context_, Durability::kNone);
}

Status SealedFileStore::Adopt(const std::filesystem::path& path) const {
  return SealFile(path, path, key_, context_);
}

std::string SealBlob(std::string_view plain, const SecretKey& key, std::string_view context) {
  InitSodium();
  std::string out(sizeof kBlobMagic + kHeader + plain.size() + kOverhead, '\0');
  auto* p = reinterpret_cast<uint8_t*>(out.data());
  std::memcpy(p, kBlobMagic, sizeof kBlobMagic);
  crypto_secretstream_xchacha20poly1305_state st;
  crypto_secretstream_xchacha20poly1305_init_push(&st, p + sizeof kBlobMagic, key.data());
  crypto_secretstream_xchacha20poly1305_push(
      &st, p + sizeof kBlobMagic + kHeader, nullptr, Bytes(plain), plain.size(), Bytes(context),
      context.size(), crypto_secretstream_xchacha20poly1305_TAG_FINAL);
  sodium_memzero(&st, sizeof st);
  return out;
}

bool IsSealedBlob(std::string_view blob) {
  return blob.size() >= sizeof kBlobMagic + kHeader + kOverhead &&
         std::memcmp(blob.data(), kBlobMagic, sizeof kBlobMagic) == 0;
}

Result<std::string> OpenBlob(std::string_view sealed, const SecretKey& key,
                             std::string_view context) {
  InitSodium();
  if (!IsSealedBlob(sealed)) return Fail(ErrorCode::kInvalidInput, "not a sealed value");
  const auto* p = Bytes(sealed);
  crypto_secretstream_xchacha20poly1305_state st;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&st, p + sizeof kBlobMagic, key.data()) !=
      0) {
    return Fail(ErrorCode::kInvalidInput, "a sealed value with a bad header");
  }
  const size_t n = sealed.size() - sizeof kBlobMagic - kHeader;
  std::string out(n - kOverhead, '\0');
  unsigned char tag = 0;
  const int rc = crypto_secretstream_xchacha20poly1305_pull(
      &st, reinterpret_cast<uint8_t*>(out.data()), nullptr, &tag, p + sizeof kBlobMagic + kHeader,
      n, Bytes(context), context.size());
  sodium_memzero(&st, sizeof st);
  if (rc != 0 || tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
    sodium_memzero(out.data(), out.size());
    return Fail(ErrorCode::kInvalidInput,
                "a sealed value does not verify (damaged, or sealed with another key)");
  }
  return out;
}

}  // namespace camroll::server
