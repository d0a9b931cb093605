#include "media/format.h"

#include <cstring>

namespace camroll {
namespace {

bool StartsWith(std::span<const uint8_t> head, size_t offset, std::string_view magic) {
  return head.size() >= offset + magic.size() &&
         std::memcmp(head.data() + offset, magic.data(), magic.size()) == 0;
}

// ISO BMFF files start with a 'ftyp' box: size(4) 'ftyp' major_brand(4) minor(4) compatible*.
Format SniffIsoBmff(std::span<const uint8_t> head) {
  if (!StartsWith(head, 4, "ftyp") || head.size() < 12) return Format::kUnknown;
  uint32_t box_size = (uint32_t{head[0]} << 24) | (uint32_t{head[1]} << 16) |
                      (uint32_t{head[2]} << 8) | uint32_t{head[3]};
  size_t end = std::min<size_t>(head.size(), box_size < 16 ? 16 : box_size);
  auto brand_at = [&](size_t pos) {
    return std::string_view(reinterpret_cast<const char*>(head.data() + pos), 4);
  };
  bool heif = false, avif = false, qt = false, mp4 = false;
  for (size_t pos = 8; pos + 4 <= end; pos += 4) {
    if (pos == 12) continue;  // minor version, not a brand
    std::string_view b = brand_at(pos);
    if (b == "heic" || b == "heix" || b == "heim" || b == "heis" || b == "hevc" || b == "hevx" ||
        b == "mif1" || b == "msf1") {
      heif = true;
    }
    if (b == "avif" || b == "avis") avif = true;
    if (b == "qt  ") qt = true;
    if (b == "isom" || b == "iso2" || b == "mp41" || b == "mp42" || b == "avc1" || b == "M4V " ||
        b == "3gp4" || b == "3gp5" || b == "dash" || b == "iso4" || b == "iso5" || b == "iso6") {
      mp4 = true;
    }
  }
  std::string_view major = brand_at(8);
  if (major == "avif" || major == "avis") return Format::kAvif;
  if (major == "qt  ") return Format::kMov;
  if (heif && (major == "heic" || major == "heix" || major == "mif1" || major == "msf1" ||
               major == "hevc" || major == "heim" || major == "heis")) {
    return Format::kHeif;
  }
  if (avif) return Format::kAvif;
  if (mp4) return Format::kMp4;
  if (qt) return Format::kMov;
  if (heif) return Format::kHeif;
  return Format::kUnknown;
}

}  // namespace

Format SniffFormat(std::span<const uint8_t> head) {
  if (StartsWith(head, 0, "\xFF\xD8\xFF")) return Format::kJpeg;
  if (StartsWith(head, 0, "\x89PNG\r\n\x1A\n")) return Format::kPng;
  if (StartsWith(head, 0, "RIFF") && StartsWith(head, 8, "WEBP")) return Format::kWebp;
  if (StartsWith(head, 0, "GIF87a") || StartsWith(head, 0, "GIF89a")) return Format::kGif;
  if (StartsWith(head, 0, std::string_view("II*\0", 4)) ||
      StartsWith(head, 0, std::string_view("MM\0*", 4))) {
    return Format::kTiff;
  }
  return SniffIsoBmff(head);
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kJpeg:
      return "jpeg";
    case Format::kHeif:
      return "heif";
    case Format::kAvif:
      return "avif";
    case Format::kPng:
      return "png";
    case Format::kWebp:
      return "webp";
    case Format::kGif:
      return "gif";
    case Format::kTiff:
      return "tiff";
    case Format::kMp4:
      return "mp4";
    case Format::kMov:
      return "mov";
    case Format::kUnknown:
      break;
  }
  return "unknown";
}

std::string_view FormatMime(Format format) {
  switch (format) {
    case Format::kJpeg:
      return "image/jpeg";
    case Format::kHeif:
      return "image/heic";
    case Format::kAvif:
      return "image/avif";
    case Format::kPng:
      return "image/png";
    case Format::kWebp:
      return "image/webp";
    case Format::kGif:
      return "image/gif";
    case Format::kTiff:
      return "image/tiff";
    case Format::kMp4:
      return "video/mp4";
    case Format::kMov:
      return "video/quicktime";
    case Format::kUnknown:
      break;
  }
  return "application/octet-stream";
}

bool IsVideo(Format format) { return format == Format::kMp4 || format == Format::kMov; }

bool IsSupported(Format format) {
  switch (format) {
    case Format::kJpeg:
    case Format::kHeif:
    case Format::kAvif:
    case Format::kPng:
    case Format::kWebp:
    case Format::kMp4:
    case Format::kMov:
      return true;
    default:
      return false;
  }
}

}  // namespace camroll
