#include "server/sealed_db.h"

#include <fmt/format.h>
#include <sodium.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <vector>

#include "core/log.h"

namespace camroll::server {

namespace {

constexpr int64_t kPage = kSealedPageSize;
constexpr int64_t kData = kSealedPageSize - kSealedReserve;  // the sealed part of a page
constexpr int64_t kWalHeader = 32;
constexpr int64_t kFrameHeader = 24;
constexpr unsigned char kAd[] = "camroll sealed page";
static_assert(kSealedReserve == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                                    crypto_aead_xchacha20poly1305_ietf_ABYTES);

std::atomic<int> next_id{0};

}  // namespace

struct SealedVfs::State {
  sqlite3_vfs vfs;  // first: SQLite hands this pointer back
  sqlite3_vfs* real = nullptr;
  SecretKey key;
  std::string name;
};

namespace {

enum class Kind { kPlain, kDb, kWal };

struct SealedFile {
  sqlite3_file base;  // first: SQLite's view
  sqlite3_file* real;
  const SealedVfs::State* state;
  Kind kind;
};

SealedFile* Cast(sqlite3_file* f) { return reinterpret_cast<SealedFile*>(f); }

// Where the sealed page that holds byte `at` begins and ends; nullopt for bytes outside pages
// (the WAL header and frame headers).
struct Region {
  int64_t begin, end;
};
std::optional<Region> RegionAt(Kind kind, int64_t at) {
  if (kind == Kind::kDb) {
    const int64_t b = at / kPage * kPage;
    return Region{b, b + kPage};
  }
  if (at < kWalHeader) return std::nullopt;
  const int64_t frame = (at - kWalHeader) / (kFrameHeader + kPage);
  const int64_t data = kWalHeader + frame * (kFrameHeader + kPage) + kFrameHeader;
  if (at < data) return std::nullopt;
  return Region{data, data + kPage};
}
// In a WAL, the first byte after header byte `at` that starts a page.
int64_t NextWalPage(int64_t at) {
  if (at < kWalHeader) return kWalHeader + kFrameHeader;
  const int64_t frame = (at - kWalHeader) / (kFrameHeader + kPage);
  return kWalHeader + frame * (kFrameHeader + kPage) + kFrameHeader;
}

bool AllZero(const uint8_t* p, size_t n) {
  return std::all_of(p, p + n, [](uint8_t b) { return b == 0; });
}

// Opens a sealed page in place: its data part becomes plaintext and its reserve zeros (what
// SQLite's own copy of the page holds, so the WAL's checksums match). False if it does not verify.
bool OpenPage(const SecretKey& key, uint8_t* page) {
  if (AllZero(page, kPage)) return true;  // never written (a hole)
  uint8_t plain[kData];
  const uint8_t* nonce = page + kData;
  const uint8_t* tag = nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(plain, nullptr, page, kData, tag, kAd,
                                                          sizeof kAd, nonce, key.data()) != 0) {
    return false;
  }
  std::memcpy(page, plain, kData);
  std::memset(page + kData, 0, kSealedReserve);
  sodium_memzero(plain, sizeof plain);
  return true;
}

void SealPage(const SecretKey& key, const uint8_t* plain, uint8_t* out) {
  uint8_t* nonce = out + kData;
  uint8_t* tag = nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out, tag, nullptr, plain, kData, kAd,
                                                      sizeof kAd, nullptr, nonce, key.data());
}

int Close(sqlite3_file* f) {
  SealedFile* s = Cast(f);
  const int rc = s->real->pMethods ? s->real->pMethods->xClose(s->real) : SQLITE_OK;
  s->real->pMethods = nullptr;
  return rc;
}

int Read(sqlite3_file* f, void* out, int amount, sqlite3_int64 offset) {
  SealedFile* s = Cast(f);
  sqlite3_file* real = s->real;
  if (s->kind == Kind::kPlain) return real->pMethods->xRead(real, out, amount, offset);
  auto* dst = static_cast<uint8_t*>(out);
  const int64_t end = offset + amount;
  // A read of a whole WAL frame (header and page) is SQLite recovering the log: a page that
  // does not verify there is a torn write, and reads as zeros, which fail the frame's checksum.
  const bool recovering = s->kind == Kind::kWal && amount == kFrameHeader + kPage;
  bool short_read = false;
  std::vector<uint8_t> page(kPage);
  for (int64_t at = offset; at < end;) {
    auto region = RegionAt(s->kind, at);
    if (!region) {
      const int64_t until = std::min(end, NextWalPage(at));
      const int rc =
          real->pMethods->xRead(real, dst + (at - offset), static_cast<int>(until - at), at);
      if (rc == SQLITE_IOERR_SHORT_READ) {
        short_read = true;
      } else if (rc != SQLITE_OK) {
        return rc;
      }
      at = until;
      continue;
    }
    int rc = real->pMethods->xRead(real, page.data(), kPage, region->begin);
    if (rc == SQLITE_IOERR_SHORT_READ) {
      short_read = true;  // zero-filled past the end
      rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK) return rc;
    if (!OpenPage(s->state->key, page.data())) {
      if (!recovering) {
        Log(LogLevel::kError, "a sealed database page does not verify (damaged, or another key)");
        return SQLITE_IOERR_DATA;
      }
      std::fill(page.begin(), page.end(), 0);
    }
    const int64_t until = std::min(end, region->end);
    std::memcpy(dst + (at - offset), page.data() + (at - region->begin),
                static_cast<size_t>(until - at));
    at = until;
  }
  sodium_memzero(page.data(), page.size());
  return short_read ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int Write(sqlite3_file* f, const void* in, int amount, sqlite3_int64 offset) {
  SealedFile* s = Cast(f);
  sqlite3_file* real = s->real;
  if (s->kind == Kind::kPlain) return real->pMethods->xWrite(real, in, amount, offset);
  const auto* src = static_cast<const uint8_t*>(in);
  if (!RegionAt(s->kind, offset)) {
    // A WAL header or frame header: not secret.
    if (RegionAt(s->kind, offset + amount - 1)) return SQLITE_IOERR_WRITE;  // not SQLite's way
    return real->pMethods->xWrite(real, in, amount, offset);
  }
  if (amount % kPage != 0 || RegionAt(s->kind, offset)->begin != offset ||
      (s->kind == Kind::kWal && amount != kPage)) {
    Log(LogLevel::kError, "sealed database: a write of {} bytes at {} is not whole pages", amount,
        offset);
    return SQLITE_IOERR_WRITE;
  }
  std::vector<uint8_t> sealed(static_cast<size_t>(amount));
  for (int64_t p = 0; p < amount; p += kPage) {
    const uint8_t* page = src + p;
    // Sealing overwrites the last 40 bytes, and reading gives back zeros there: so they must be
    // zeros, which they always are when SQLite leaves them as its reserve. A database opened
    // without the reserve fails here as soon as a page uses them, before anything is lost.
    if (!AllZero(page + kData, kSealedReserve)) {
      Log(LogLevel::kError,
          "sealed database: a page uses its reserved bytes (opened without reserve_bytes {}?)",
          kSealedReserve);
      return SQLITE_IOERR_WRITE;
    }
    SealPage(s->state->key, page, sealed.data() + p);
  }
  return real->pMethods->xWrite(real, sealed.data(), amount, offset);
}

// Everything else is the real file's.
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Cast(f)->real->pMethods->xTruncate(Cast(f)->real, size);
}
int Sync(sqlite3_file* f, int flags) {
  return Cast(f)->real->pMethods->xSync(Cast(f)->real, flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Cast(f)->real->pMethods->xFileSize(Cast(f)->real, size);
}
int Lock(sqlite3_file* f, int level) {
  return Cast(f)->real->pMethods->xLock(Cast(f)->real, level);
}
int Unlock(sqlite3_file* f, int level) {
  return Cast(f)->real->pMethods->xUnlock(Cast(f)->real, level);
}
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Cast(f)->real->pMethods->xCheckReservedLock(Cast(f)->real, out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  if (op == SQLITE_FCNTL_MMAP_SIZE) {
    // Memory-mapped reads would bypass Read: none.
    if (arg) *static_cast<sqlite3_int64*>(arg) = 0;
    return SQLITE_OK;
  }
  return Cast(f)->real->pMethods->xFileControl(Cast(f)->real, op, arg);
}
int SectorSize(sqlite3_file* f) { return Cast(f)->real->pMethods->xSectorSize(Cast(f)->real); }
int DeviceCharacteristics(sqlite3_file* f) {
  return Cast(f)->real->pMethods->xDeviceCharacteristics(Cast(f)->real);
}
int ShmMap(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return Cast(f)->real->pMethods->xShmMap(Cast(f)->real, region, size, extend, out);
}
int ShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Cast(f)->real->pMethods->xShmLock(Cast(f)->real, offset, n, flags);
}
void ShmBarrier(sqlite3_file* f) { Cast(f)->real->pMethods->xShmBarrier(Cast(f)->real); }
int ShmUnmap(sqlite3_file* f, int del) {
  return Cast(f)->real->pMethods->xShmUnmap(Cast(f)->real, del);
}

const sqlite3_io_methods kMethods = {2,  // no xFetch: SQLite cannot map pages past Read
                                     Close,       Read,       Write,
                                     Truncate,    Sync,       FileSize,
                                     Lock,        Unlock,     CheckReservedLock,
                                     FileControl, SectorSize, DeviceCharacteristics,
                                     ShmMap,      ShmLock,    ShmBarrier,
                                     ShmUnmap,    nullptr,    nullptr};

SealedVfs::State* StateOf(sqlite3_vfs* vfs) {
  return static_cast<SealedVfs::State*>(vfs->pAppData);
}

int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  SealedVfs::State* state = StateOf(vfs);
  SealedFile* s = Cast(file);
  std::memset(s, 0, sizeof *s);
  s->real = reinterpret_cast<sqlite3_file*>(s + 1);
  s->state = state;
  s->kind = (flags & SQLITE_OPEN_MAIN_DB) ? Kind::kDb
            : (flags & SQLITE_OPEN_WAL)   ? Kind::kWal
                                          : Kind::kPlain;
  const int rc = state->real->xOpen(state->real, name, s->real, flags, out_flags);
  // SQLite calls xClose even when xOpen fails, if pMethods is set.
  s->base.pMethods = s->real->pMethods ? &kMethods : nullptr;
  return rc;
}

int Delete(sqlite3_vfs* v, const char* name, int sync) {
  return StateOf(v)->real->xDelete(StateOf(v)->real, name, sync);
}
int Access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  return StateOf(v)->real->xAccess(StateOf(v)->real, name, flags, out);
}
int FullPathname(sqlite3_vfs* v, const char* name, int n, char* out) {
  return StateOf(v)->real->xFullPathname(StateOf(v)->real, name, n, out);
}
void* DlOpen(sqlite3_vfs* v, const char* name) {
  return StateOf(v)->real->xDlOpen(StateOf(v)->real, name);
}
void DlError(sqlite3_vfs* v, int n, char* out) {
  StateOf(v)->real->xDlError(StateOf(v)->real, n, out);
}
void (*DlSym(sqlite3_vfs* v, void* h, const char* sym))(void) {
  return StateOf(v)->real->xDlSym(StateOf(v)->real, h, sym);
}
void DlClose(sqlite3_vfs* v, void* h) { StateOf(v)->real->xDlClose(StateOf(v)->real, h); }
int Randomness(sqlite3_vfs* v, int n, char* out) {
  return StateOf(v)->real->xRandomness(StateOf(v)->real, n, out);
}
int Sleep(sqlite3_vfs* v, int us) { return StateOf(v)->real->xSleep(StateOf(v)->real, us); }
int CurrentTime(sqlite3_vfs* v, double* out) {
  return StateOf(v)->real->xCurrentTime(StateOf(v)->real, out);
}
int GetLastError(sqlite3_vfs* v, int n, char* out) {
  return StateOf(v)->real->xGetLastError(StateOf(v)->real, n, out);
}
int CurrentTimeInt64(sqlite3_vfs* v, sqlite3_int64* out) {
  return StateOf(v)->real->xCurrentTimeInt64(StateOf(v)->real, out);
}

}  // namespace

Result<std::unique_ptr<SealedVfs>> SealedVfs::Register(const SecretKey& key) {
  if (sodium_init() < 0) return Fail(ErrorCode::kInternal, "libsodium could not be initialised");
  auto state = std::make_unique<State>();
  state->real = sqlite3_vfs_find(nullptr);
  if (!state->real || state->real->iVersion < 2) {
    return Fail(ErrorCode::kInternal, "SQLite has no usable default VFS");
  }
  state->key = key;
  state->name = fmt::format("camroll-sealed-{}", next_id++);
  sqlite3_vfs& v = state->vfs;
  std::memset(&v, 0, sizeof v);
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(sizeof(SealedFile)) + state->real->szOsFile;
  v.mxPathname = state->real->mxPathname;
  v.zName = state->name.c_str();
  v.pAppData = state.get();
  v.xOpen = Open;
  v.xDelete = Delete;
  v.xAccess = Access;
  v.xFullPathname = FullPathname;
  v.xDlOpen = DlOpen;
  v.xDlError = DlError;
  v.xDlSym = DlSym;
  v.xDlClose = DlClose;
  v.xRandomness = Randomness;
  v.xSleep = Sleep;
  v.xCurrentTime = CurrentTime;
  v.xGetLastError = GetLastError;
  v.xCurrentTimeInt64 = CurrentTimeInt64;
  if (sqlite3_vfs_register(&v, 0) != SQLITE_OK) {
    return Fail(ErrorCode::kInternal, "registering the sealed database VFS failed");
  }
  return std::unique_ptr<SealedVfs>(new SealedVfs(std::move(state)));
}

SealedVfs::SealedVfs(std::unique_ptr<State> state) : state_(std::move(state)) {}

SealedVfs::~SealedVfs() {
  if (state_) sqlite3_vfs_unregister(&state_->vfs);
}

sqlite::OpenOptions SealedVfs::Options() const {
  sqlite::OpenOptions o;
  o.vfs = state_->name;
  o.reserve_bytes = kSealedReserve;
  return o;
}

const std::string& SealedVfs::name() const { return state_->name; }

bool IsPlainSqliteFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char head[16] = {};
  in.read(head, sizeof head);
  return in.gcount() == sizeof head && std::memcmp(head, "SQLite format 3", 16) == 0;
}

}  // namespace camroll::server
