#include "core/files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace camroll {
namespace {

std::unexpected<Error> ErrnoError(std::string_view what, const std::filesystem::path& path) {
  int err = errno;
  ErrorCode code = (err == ENOENT || err == ENOTDIR) ? ErrorCode::kNotFound
                   : (err == EACCES || err == EPERM) ? ErrorCode::kPermission
                                                     : ErrorCode::kIo;
  return Fail(code, fmt::format("{} {}: {}", what, path.string(), std::strerror(err)));
}

Status WriteAll(int fd, const uint8_t* data, size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("writing", path);
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Ok();
}

Status SyncDir(const std::filesystem::path& dir) {
  Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoError("opening directory", dir);
  if (::fsync(fd.get()) != 0) return ErrnoError("syncing directory", dir);
  return Ok();
}

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Result<FileStat> StatFile(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoError("stat", path);
  FileStat out;
  out.size = static_cast<uint64_t>(st.st_size);
  out.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  out.inode = st.st_ino;
  out.regular = S_ISREG(st.st_mode);
  return out;
}

Result<size_t> ReadFileInto(const std::filesystem::path& path, uint64_t max_bytes,
                            std::vector<uint8_t>& buffer) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoError("opening", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError("stat", path);
  if (!S_ISREG(st.st_mode)) return Fail(ErrorCode::kUnsupported, "not a regular file");
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size > max_bytes) {
    return Fail(ErrorCode::kLimit,
                fmt::format("file is {} bytes, over the limit of {} bytes", size, max_bytes));
  }
  if (buffer.size() < size) buffer.resize(size);
  size_t done = 0;
  while (done < size) {
    ssize_t n = ::read(fd.get(), buffer.data() + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("reading", path);
    }
    if (n == 0) break;  // the file shrank while we read it
    done += static_cast<size_t>(n);
  }
  return done;
}

Result<std::vector<uint8_t>> ReadFile(const std::filesystem::path& path, uint64_t max_bytes) {
  std::vector<uint8_t> data;
  CAMROLL_ASSIGN_OR_RETURN(size_t size, ReadFileInto(path, max_bytes, data));
  data.resize(size);
  return data;
}

Status WriteFileAtomic(const std::filesystem::path& path, std::span<const uint8_t> data,
                       Durability durability) {
  // Unique per process and thread, so that concurrent writers of one path do not collide.
  static std::atomic<uint64_t> counter{0};
  std::filesystem::path tmp = path;
  tmp += fmt::format(".tmp{}.{}", ::getpid(), counter.fetch_add(1));
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) return ErrnoError("creating", tmp);
  if (auto st = WriteAll(fd.get(), data.data(), data.size(), tmp); !st) {
    ::unlink(tmp.c_str());
    return st;
  }
  if (durability == Durability::kSync && ::fsync(fd.get()) != 0) {
    auto err = ErrnoError("syncing", tmp);
    ::unlink(tmp.c_str());
    return err;
  }
  ::close(fd.release());
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto err = ErrnoError("renaming onto", path);
    ::unlink(tmp.c_str());
    return err;
  }
  if (durability == Durability::kNone) return Ok();
  return SyncDir(path.parent_path());
}

Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data,
                       Durability durability) {
  return WriteFileAtomic(
      path, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data.data()), data.size()),
      durability);
}

Status LinkOrCopy(const std::filesystem::path& target, const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (::link(target.c_str(), path.c_str()) == 0) return Ok();
  std::filesystem::copy_file(target, path, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) {
    return Fail(ErrorCode::kIo,
                fmt::format("copying {} to {}: {}", target.string(), path.string(), ec.message()));
  }
  return Ok();
}

Status EnsureDirectory(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    return Fail(ErrorCode::kIo,
                fmt::format("creating directory {}: {}", path.string(), ec.message()));
  }
  return Ok();
}

Status FsyncDirectory(const std::filesystem::path& dir) { return SyncDir(dir); }

}  // namespace camroll
