// What a photo or video says about itself: capture time (with its UTC offset when known), GPS,
// orientation, camera, size, duration. Readers never decode pixels.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_time.h"
#include "core/result.h"
#include "media/format.h"

namespace camroll {

enum class TimeSource {
  kNone,
  kExifOriginal,   // Exif.Photo.DateTimeOriginal
  kExifDigitized,  // Exif.Photo.DateTimeDigitized
  kExifModified,   // Exif.Image.DateTime (often rewritten by editors: the last resort of EXIF)
  kXmp,            // Xmp.exif.DateTimeOriginal / Xmp.photoshop.DateCreated
  kVideoLocal,     // com.apple.quicktime.creationdate (local time with its offset)
  kVideoUtc,       // creation_time of the container (UTC)
  kFileName,       // a date in the file name (PXL_20260418_200512345.jpg)
  kFileModified,   // the file's modification time: a guess
};

enum class OffsetSource { kNone, kExif, kGps, kXmp, kVideo, kNeighbours };

std::string_view TimeSourceName(TimeSource source);
std::string_view OffsetSourceName(OffsetSource source);

struct GpsFix {
  double lat = 0;
  double lon = 0;
  std::optional<double> altitude_m;
};

struct MediaMetadata {
  Format format = Format::kUnknown;
  // Pixel size as stored. `orientation` (EXIF 1..8) is the transform still to apply to decoded
  // pixels to show them upright: HEIF decoders and our video reader apply their own transforms,
  // so it is 1 for HEIF and derived from the display matrix for videos.
  int width = 0;
  int height = 0;
  int orientation = 1;

  std::optional<LocalTime> taken;
  TimeSource time_source = TimeSource::kNone;
  OffsetSource offset_source = OffsetSource::kNone;
  int subsec_ms = 0;

  std::optional<GpsFix> gps;       // raw: plausibility is judged by the caller
  std::optional<int64_t> gps_utc;  // GPSDateStamp + GPSTimeStamp, seconds since epoch

  std::string make;
  std::string model;
  std::string software;
  std::string user_comment;  // iOS marks screenshots here ("Screenshot")
  double duration_s = 0;     // videos
  std::string video_codec;   // videos
  bool has_exif = false;

  // Problems that did not stop reading: an unknown orientation value, an unparsable date...
  std::vector<std::string> notes;

  bool SwapsAxes() const { return orientation >= 5 && orientation <= 8; }
  int DisplayWidth() const { return SwapsAxes() ? height : width; }
  int DisplayHeight() const { return SwapsAxes() ? width : height; }
};

// Call once before reading metadata from several threads (initialises exiv2's XMP parser and
// silences its logging).
void InitMetadataReaders();

// Images (JPEG, HEIF/AVIF, PNG, WebP) from their bytes.
Result<MediaMetadata> ReadImageMetadata(std::span<const uint8_t> bytes, Format format);

// Videos (MP4, MOV) from their path, through libavformat.
Result<MediaMetadata> ReadVideoMetadata(const std::filesystem::path& path);

// A capture time written into a file name by phones and screenshot tools:
// PXL_20260418_200512345.jpg, IMG_20190310_142211.jpg, VID_20260712_143010123.mp4,
// Screenshot_20260503-101255.png, "Screenshot 2026-05-03 at 10.12.55.png",
// 2026-05-03 10.12.55.jpg, WhatsApp's IMG-20260503-WA0001.jpg (date only, noon assumed).
std::optional<int64_t> TimeFromFileName(std::string_view file_name);

}  // namespace camroll
