#include "server/tar.h"

#include <fmt/format.h>

#include <cstring>

namespace camroll::server {
namespace {

void Octal(char* field, size_t width, uint64_t value) {
  // width-1 octal digits and a NUL.
  const std::string text = fmt::format("{:0{}o}", value, width - 1);
  std::memcpy(field, text.data(), width - 1);
  field[width - 1] = '\0';
}

std::string Padding(uint64_t size) { return std::string((512 - size % 512) % 512, '\0'); }

}  // namespace

Result<std::string> TarHeader(const std::string& name, uint64_t size, int64_t mtime) {
  std::string block(512, '\0');
  std::string prefix, base = name;
  if (name.size() > 100) {
    const auto cut = name.rfind('/', name.size() - 1);
    size_t split = std::string::npos;
    for (size_t p = name.find('/'); p != std::string::npos && p <= 155; p = name.find('/', p + 1)) {
      if (name.size() - p - 1 <= 100) {
        split = p;
        break;
      }
    }
    (void)cut;
    if (split == std::string::npos) {
      return Fail(ErrorCode::kLimit, "a name too long for a tar archive: " + name);
    }
    prefix = name.substr(0, split);
    base = name.substr(split + 1);
  }
  if (size >= (uint64_t{1} << 33)) return Fail(ErrorCode::kLimit, "a file over 8 GiB in an export");
  std::memcpy(&block[0], base.data(), base.size());
  Octal(&block[100], 8, 0644);
  Octal(&block[108], 8, 0);
  Octal(&block[116], 8, 0);
  Octal(&block[124], 12, size);
  Octal(&block[136], 12, static_cast<uint64_t>(std::max<int64_t>(mtime, 0)));
  std::memset(&block[148], ' ', 8);
  block[156] = '0';
  std::memcpy(&block[257],
              "ustar\0"
              "00",
              8);
  std::memcpy(&block[345], prefix.data(), prefix.size());
  unsigned sum = 0;
  for (unsigned char c : block) sum += c;
  const std::string checksum = fmt::format("{:06o}", sum);
  std::memcpy(&block[148], checksum.data(), 6);
  block[154] = '\0';
  block[155] = ' ';
  return block;
}

Result<bool> TarStream::Next(std::string& out) {
  out.clear();
  if (finished_) return false;
  if (in_file_ && source_.next) {
    CAMROLL_ASSIGN_OR_RETURN(bool more, source_.next(out));
    if (out.size() > remaining_ || (!more && out.size() != remaining_)) {
      return Fail(ErrorCode::kIo, "a file changed size while it was exported");
    }
    remaining_ -= out.size();
    if (!more) {
      out += Padding(size_);
      source_ = {};
      in_file_ = false;
      ++index_;
    }
    return true;
  }
  if (in_file_) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, 1 << 20));
    out.resize(n);
    in_.read(out.data(), static_cast<std::streamsize>(n));
    if (static_cast<size_t>(in_.gcount()) != n) {
      return Fail(ErrorCode::kIo, "a file changed size while it was exported");
    }
    remaining_ -= n;
    if (remaining_ == 0) {
      out += Padding(size_);
      in_.close();
      in_file_ = false;
      ++index_;
    }
    return true;
  }
  if (index_ == items_.size()) {
    out.assign(1024, '\0');
    finished_ = true;
    return true;
  }
  const TarItem& item = items_[index_];
  if (item.open) {
    CAMROLL_ASSIGN_OR_RETURN(source_, item.open());
    size_ = remaining_ = source_.size;
    CAMROLL_ASSIGN_OR_RETURN(out, TarHeader(item.name, size_, 0));
    in_file_ = true;
    return true;
  }
  if (item.file.empty()) {
    CAMROLL_ASSIGN_OR_RETURN(out, TarHeader(item.name, item.bytes.size(), 0));
    out += item.bytes;
    out += Padding(item.bytes.size());
    ++index_;
    return true;
  }
  std::error_code ec;
  size_ = std::filesystem::file_size(item.file, ec);
  if (ec) return Fail(ErrorCode::kIo, "exporting " + item.file.string() + ": " + ec.message());
  CAMROLL_ASSIGN_OR_RETURN(out, TarHeader(item.name, size_, 0));
  in_.open(item.file, std::ios::binary);
  if (!in_) return Fail(ErrorCode::kIo, "opening " + item.file.string());
  remaining_ = size_;
  in_file_ = size_ > 0;
  if (!in_file_) {
    in_.close();
    ++index_;
  }
  return true;
}

}  // namespace camroll::server
