#include "media/metadata.h"

#include <fmt/format.h>
#include <libheif/heif.h>

#include <cmath>
#include <cstring>
#include <exiv2/exiv2.hpp>
#include <memory>
#include <mutex>
#include <regex>

#include "media/codec_util.h"

namespace camroll {
namespace {

std::string Trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c) && c != '\0'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

const Exiv2::Exifdatum* FindExif(const Exiv2::ExifData& exif, const char* key) {
  auto it = exif.findKey(Exiv2::ExifKey(key));
  if (it == exif.end() || it->count() == 0) return nullptr;
  return &*it;
}

std::string ExifString(const Exiv2::ExifData& exif, const char* key) {
  const Exiv2::Exifdatum* d = FindExif(exif, key);
  return d ? Trim(d->toString()) : std::string();
}

std::string XmpString(const Exiv2::XmpData& xmp, const char* key) {
  auto it = xmp.findKey(Exiv2::XmpKey(key));
  return it == xmp.end() ? std::string() : Trim(it->toString());
}

std::optional<double> RationalAt(const Exiv2::Exifdatum& d, long i) {
  if (d.count() <= i) return std::nullopt;
  // Unsigned rationals read directly: phones write GPS seconds such as 2564660003/100000000,
  // whose numerator overflows the signed conversion of toRational().
  if (const auto* u = dynamic_cast<const Exiv2::URationalValue*>(&d.value())) {
    const Exiv2::URational& r = u->value_.at(static_cast<size_t>(i));
    if (r.second == 0) return std::nullopt;
    return static_cast<double>(r.first) / static_cast<double>(r.second);
  }
  Exiv2::Rational r = d.toRational(i);
  if (r.second == 0) return std::nullopt;
  return static_cast<double>(r.first) / static_cast<double>(r.second);
}

// GPSLatitude / GPSLongitude: three rationals (degrees, minutes, seconds) and an N/S or E/W ref.
std::optional<double> GpsCoordinate(const Exiv2::ExifData& exif, const char* key,
                                    const char* ref_key, char negative_ref) {
  const Exiv2::Exifdatum* d = FindExif(exif, key);
  if (!d) return std::nullopt;
  auto deg = RationalAt(*d, 0);
  if (!deg) return std::nullopt;
  double value =
      *deg + RationalAt(*d, 1).value_or(0) / 60.0 + RationalAt(*d, 2).value_or(0) / 3600.0;
  std::string ref = ExifString(exif, ref_key);
  if (!ref.empty() && std::toupper(static_cast<unsigned char>(ref[0])) == negative_ref) {
    value = -value;
  }
  return value;
}

void ReadGps(const Exiv2::ExifData& exif, MediaMetadata& md) {
  auto lat = GpsCoordinate(exif, "Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLatitudeRef", 'S');
  auto lon = GpsCoordinate(exif, "Exif.GPSInfo.GPSLongitude", "Exif.GPSInfo.GPSLongitudeRef", 'W');
  if (lat && lon) {
    GpsFix fix{*lat, *lon, std::nullopt};
    if (const auto* alt = FindExif(exif, "Exif.GPSInfo.GPSAltitude")) {
      if (auto a = RationalAt(*alt, 0)) {
        bool below = false;
        if (const auto* ref = FindExif(exif, "Exif.GPSInfo.GPSAltitudeRef")) {
          below = ref->toLong() == 1;
        }
        fix.altitude_m = below ? -*a : *a;
      }
    }
    md.gps = fix;
  }
  // GPS time: UTC, from the satellites. Lets us derive the UTC offset of a local EXIF time.
  std::string date = ExifString(exif, "Exif.GPSInfo.GPSDateStamp");
  const auto* time = FindExif(exif, "Exif.GPSInfo.GPSTimeStamp");
  if (date.size() >= 10 && time) {
    auto day = ParseExifDateTime(date.substr(0, 10) + " 00:00:00");
    auto h = RationalAt(*time, 0), m = RationalAt(*time, 1), s = RationalAt(*time, 2);
    if (day && h && m && s && *h >= 0 && *h < 24 && *m >= 0 && *m < 60 && *s >= 0 && *s < 61) {
      md.gps_utc = *day + static_cast<int64_t>(*h) * 3600 + static_cast<int64_t>(*m) * 60 +
                   static_cast<int64_t>(*s);
    }
  }
}

void ReadTime(const Exiv2::ExifData& exif, const Exiv2::XmpData& xmp, MediaMetadata& md) {
  struct Candidate {
    const char* date_key;
    const char* offset_key;
    const char* subsec_key;
    TimeSource source;
  };
  static constexpr Candidate kCandidates[] = {
      {"Exif.Photo.DateTimeOriginal", "Exif.Photo.OffsetTimeOriginal",
       "Exif.Photo.SubSecTimeOriginal", TimeSource::kExifOriginal},
      {"Exif.Photo.DateTimeDigitized", "Exif.Photo.OffsetTimeDigitized",
       "Exif.Photo.SubSecTimeDigitized", TimeSource::kExifDigitized},
      {"Exif.Image.DateTime", "Exif.Photo.OffsetTime", "Exif.Photo.SubSecTime",
       TimeSource::kExifModified},
  };
  for (const Candidate& c : kCandidates) {
    std::string text = ExifString(exif, c.date_key);
    if (text.empty()) continue;
    auto local = ParseExifDateTime(text);
    if (!local) {
      md.notes.push_back(fmt::format("unreadable {} '{}'", c.date_key, text));
      continue;
    }
    md.taken = LocalTime{*local, std::nullopt};
    md.time_source = c.source;
    if (auto offset = ParseUtcOffset(ExifString(exif, c.offset_key))) {
      md.taken->offset_minutes = offset;
      md.offset_source = OffsetSource::kExif;
    }
    std::string subsec = ExifString(exif, c.subsec_key);
    if (!subsec.empty() && std::isdigit(static_cast<unsigned char>(subsec[0]))) {
      subsec = (subsec + "000").substr(0, 3);
      if (std::all_of(subsec.begin(), subsec.end(), ::isdigit)) md.subsec_ms = std::stoi(subsec);
    }
    break;
  }
  // XMP carries ISO 8601 with an offset; use it when EXIF had no time, or to supply the offset.
  for (const char* key :
       {"Xmp.exif.DateTimeOriginal", "Xmp.photoshop.DateCreated", "Xmp.xmp.CreateDate"}) {
    std::string text = XmpString(xmp, key);
    if (text.empty()) continue;
    auto t = ParseIso8601(text);
    if (!t) continue;
    if (!md.taken) {
      md.taken = t;
      md.time_source = TimeSource::kXmp;
      if (t->offset_minutes) md.offset_source = OffsetSource::kXmp;
    } else if (!md.taken->offset_minutes && t->offset_minutes &&
               t->local_seconds == md.taken->local_seconds) {
      md.taken->offset_minutes = t->offset_minutes;
      md.offset_source = OffsetSource::kXmp;
    }
    break;
  }
  // No recorded offset: the GPS clock (UTC) taken at about the same moment gives it. Offsets are
  // multiples of 15 minutes; a fix older than that rounding can absorb is not trusted.
  if (md.taken && !md.taken->offset_minutes && md.gps_utc) {
    int64_t diff = md.taken->local_seconds - *md.gps_utc;
    int64_t quarters = std::llround(static_cast<double>(diff) / 900.0);
    if (std::llabs(diff - quarters * 900) <= 300 && std::llabs(quarters) <= 14 * 4) {
      md.taken->offset_minutes = static_cast<int>(quarters * 15);
      md.offset_source = OffsetSource::kGps;
    }
  }
}

void ReadOrientation(const Exiv2::ExifData& exif, MediaMetadata& md) {
  const auto* d = FindExif(exif, "Exif.Image.Orientation");
  if (!d) return;
  long value = d->toLong();
  if (value >= 1 && value <= 8) {
    md.orientation = static_cast<int>(value);
  } else {
    md.notes.push_back(fmt::format("invalid EXIF orientation {}; treated as 1", value));
  }
}

void FillFromExif(const Exiv2::ExifData& exif, const Exiv2::XmpData& xmp, MediaMetadata& md,
                  bool use_orientation) {
  md.has_exif = !exif.empty();
  if (use_orientation) ReadOrientation(exif, md);
  ReadGps(exif, md);
  ReadTime(exif, xmp, md);
  md.make = ExifString(exif, "Exif.Image.Make");
  md.model = ExifString(exif, "Exif.Image.Model");
  md.software = ExifString(exif, "Exif.Image.Software");
  md.user_comment = ExifString(exif, "Exif.Photo.UserComment");
  if (md.user_comment.empty()) md.user_comment = XmpString(xmp, "Xmp.exif.UserComment");
  // "charset=Ascii Screenshot" → "Screenshot"
  if (md.user_comment.rfind("charset=", 0) == 0) {
    auto space = md.user_comment.find(' ');
    md.user_comment = space == std::string::npos ? "" : md.user_comment.substr(space + 1);
  }
}

Result<MediaMetadata> ReadHeifMetadata(std::span<const uint8_t> bytes, Format format) {
  CAMROLL_ASSIGN_OR_RETURN(internal::HeifFile file, internal::OpenHeif(bytes));
  heif_image_handle* handle = file.primary.get();
  MediaMetadata md;
  md.format = format;
  // libheif reports the size after the file's own transforms (irot/imir), which the decoder
  // applies; the EXIF orientation tag of a HEIF file must therefore not be applied again.
  md.width = heif_image_handle_get_width(handle);
  md.height = heif_image_handle_get_height(handle);

  heif_item_id id = 0;
  if (heif_image_handle_get_list_of_metadata_block_IDs(handle, "Exif", &id, 1) == 1) {
    size_t size = heif_image_handle_get_metadata_size(handle, id);
    std::vector<uint8_t> block(size);
    if (size > 4 &&
        heif_image_handle_get_metadata(handle, id, block.data()).code == heif_error_Ok) {
      // The block starts with a 4-byte big-endian offset to the TIFF header.
      size_t offset = 4 + ((size_t{block[0]} << 24) | (size_t{block[1]} << 16) |
                           (size_t{block[2]} << 8) | size_t{block[3]});
      if (offset + 6 <= size && std::memcmp(block.data() + offset, "Exif\0\0", 6) == 0) {
        offset += 6;
      }
      if (offset < size) {
        Exiv2::ExifData exif;
        Exiv2::ExifParser::decode(exif, block.data() + offset,
                                  static_cast<uint32_t>(size - offset));
        FillFromExif(exif, Exiv2::XmpData(), md, /*use_orientation=*/false);
      } else {
        md.notes.push_back("HEIF Exif block with a bad TIFF offset");
      }
    }
  }
  return md;
}

const std::regex& FileNameDateTimeRegex() {
  // date: 20260418 | 2026-04-18 | 2026_04_18; separator; time: 200512 | 20.05.12 | 20-05-12
  static const std::regex re(
      R"((?:^|[^0-9])((?:19|20)\d\d)[-_.]?(\d\d)[-_.]?(\d\d)(?:[ _T-]|\s*at\s*)(\d\d)[.:\-_]?(\d\d)[.:\-_]?(\d\d)(?:[^0-9]|\d{0,3}(?:[^0-9]|$)|$))",
      std::regex::icase | std::regex::optimize);
  return re;
}

const std::regex& FileNameDateRegex() {
  static const std::regex re(R"((?:^|[^0-9])((?:19|20)\d\d)-?(\d\d)-?(\d\d)(?:[^0-9]|$))",
                             std::regex::optimize);
  return re;
}

}  // namespace

std::string_view TimeSourceName(TimeSource source) {
  switch (source) {
    case TimeSource::kNone:
      return "none";
    case TimeSource::kExifOriginal:
      return "exif_original";
    case TimeSource::kExifDigitized:
      return "exif_digitized";
    case TimeSource::kExifModified:
      return "exif_modified";
    case TimeSource::kXmp:
      return "xmp";
    case TimeSource::kVideoLocal:
      return "video_local";
    case TimeSource::kVideoUtc:
      return "video_utc";
    case TimeSource::kFileName:
      return "file_name";
    case TimeSource::kFileModified:
      return "file_modified";
  }
  return "none";
}

std::string_view OffsetSourceName(OffsetSource source) {
  switch (source) {
    case OffsetSource::kNone:
      return "none";
    case OffsetSource::kExif:
      return "exif";
    case OffsetSource::kGps:
      return "gps";
    case OffsetSource::kXmp:
      return "xmp";
    case OffsetSource::kVideo:
      return "video";
    case OffsetSource::kNeighbours:
      return "neighbours";
  }
  return "none";
}

void InitMetadataReaders() {
  static std::once_flag once;
  std::call_once(once, [] {
    Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
    Exiv2::XmpParser::initialize();
    Exiv2::enableBMFF(true);
  });
}

Result<MediaMetadata> ReadImageMetadata(std::span<const uint8_t> bytes, Format format) {
  InitMetadataReaders();
  if (bytes.empty()) return Fail(ErrorCode::kInvalidInput, "empty file");
  try {
    if (format == Format::kHeif || format == Format::kAvif) return ReadHeifMetadata(bytes, format);
    auto image = Exiv2::ImageFactory::open(bytes.data(), static_cast<long>(bytes.size()));
    if (!image.get()) return Fail(ErrorCode::kUnsupported, "unknown image type");
    image->readMetadata();
    MediaMetadata md;
    md.format = format;
    md.width = image->pixelWidth();
    md.height = image->pixelHeight();
    FillFromExif(image->exifData(), image->xmpData(), md, /*use_orientation=*/true);
    return md;
  } catch (const Exiv2::AnyError& e) {
    return Fail(ErrorCode::kInvalidInput, fmt::format("unreadable metadata: {}", e.what()));
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInvalidInput, fmt::format("unreadable metadata: {}", e.what()));
  }
}

std::optional<int64_t> TimeFromFileName(std::string_view file_name) {
  std::string name(file_name);
  std::smatch m;
  auto to_int = [&](size_t i) { return std::stoi(m[i].str()); };
  if (std::regex_search(name, m, FileNameDateTimeRegex())) {
    CivilFields f{to_int(1), to_int(2), to_int(3), to_int(4), to_int(5), to_int(6)};
    if (IsValidCivil(f)) return SecondsFromCivil(f);
  }
  if (std::regex_search(name, m, FileNameDateRegex())) {
    CivilFields f{to_int(1), to_int(2), to_int(3), 12, 0, 0};
    if (IsValidCivil(f)) return SecondsFromCivil(f);
  }
  return std::nullopt;
}

}  // namespace camroll
