#include "analyze/analyzer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/sha256.h"
#include "geo/reverse_geocoder.h"
#include "media/phash.h"
#include "media/screenshot.h"
#include "media/yuv_image.h"

namespace camroll {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The first bytes of a file, enough to recognise its format.
Result<std::vector<uint8_t>> ReadHead(const std::filesystem::path& path, size_t n) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(ErrorCode::kIo, fmt::format("cannot open: {}", std::strerror(errno)));
  std::vector<uint8_t> head(n);
  ssize_t got = ::read(fd, head.data(), n);
  int err = errno;
  ::close(fd);
  if (got < 0) return Fail(ErrorCode::kIo, fmt::format("cannot read: {}", std::strerror(err)));
  head.resize(static_cast<size_t>(got));
  return head;
}

}  // namespace

std::string_view MediaKindName(MediaKind kind) {
  switch (kind) {
    case MediaKind::kPhoto:
      return "photo";
    case MediaKind::kVideo:
      return "video";
    case MediaKind::kScreenshot:
      return "screenshot";
  }
  return "photo";
}

bool LooksLikeScreenshot(const std::string& rel_path, const MediaMetadata& md) {
  if (LooksLikeScreenshotName(rel_path)) return true;
  if (Lower(md.user_comment) == "screenshot") return true;  // iOS
  // A PNG with no camera and no position came from a screen, not a lens.
  return md.format == Format::kPng && md.make.empty() && md.model.empty() && !md.gps;
}

Analyzer::Analyzer(AnalyzeOptions options, const ReverseGeocoder* geocoder)
    : options_(std::move(options)), geocoder_([geocoder] { return geocoder; }) {}

Analyzer::Analyzer(AnalyzeOptions options, std::function<const ReverseGeocoder*()> geocoder)
    : options_(std::move(options)), geocoder_(std::move(geocoder)) {}

std::string Analyzer::ThumbnailFile(const std::string& content_hash, int size) {
  return fmt::format("thumbs/{}/{}-{}.jpg", content_hash.substr(0, 2), content_hash, size);
}

Analysis Analyzer::Analyze(const std::filesystem::path& file, const std::string& rel_path,
                           const FileStat& stat, int64_t now_utc,
                           const std::function<bool(const std::string&)>& known) const {
  Analysis result;
  AssetFacts& facts = result.facts;
  facts.path = rel_path;
  facts.size_bytes = stat.size;
  facts.mtime_ns = stat.mtime_ns;
  auto fail = [&result](std::string reason) {
    result.facts.failed = true;
    result.facts.error = std::move(reason);
    return std::move(result);
  };
  auto is_known = [&] {
    result.known_content = known && known(facts.content_hash);
    return result.known_content;
  };
  if (stat.size == 0) return fail("empty file (0 bytes)");

  auto head = ReadHead(file, 64);
  if (!head) return fail(head.error().message());
  facts.format = SniffFormat(*head);
  if (!IsSupported(facts.format)) {
    return fail(facts.format == Format::kUnknown
                    ? std::string("unsupported file type (not a photo or video camroll reads)")
                    : fmt::format("unsupported format: {}", FormatName(facts.format)));
  }

  MediaMetadata md;
  YuvImage decoded;
  if (IsVideo(facts.format)) {
    if (stat.size > options_.max_video_bytes) {
      return fail(fmt::format("video of {} bytes is over the limit of {} bytes", stat.size,
                              options_.max_video_bytes));
    }
    auto digest = Sha256OfFile(file);
    if (!digest) return fail(digest.error().message());
    facts.content_hash = ToHex(*digest);
    if (is_known()) return result;
    auto video_md = ReadVideoMetadata(file);
    if (!video_md) return fail(video_md.error().message());
    md = std::move(*video_md);
    md.format = facts.format;
    auto frame = DecodeVideoFrame(file, options_.preview_size, options_.decode);
    if (!frame) return fail(frame.error().message());
    auto planes = ToYuv420(*frame);
    if (!planes) return fail(planes.error().message());
    decoded = std::move(*planes);
    facts.kind = MediaKind::kVideo;
    facts.duration_s = md.duration_s;
  } else {
    // One buffer per worker thread, reused for every photo it reads.
    thread_local std::vector<uint8_t> buffer;
    auto size = ReadFileInto(file, options_.max_image_bytes, buffer);
    if (!size) return fail(size.error().message());
    const std::span<const uint8_t> bytes(buffer.data(), *size);
    facts.content_hash = ToHex(Sha256Of(bytes));
    if (is_known()) return result;
    auto image_md = ReadImageMetadata(bytes, facts.format);
    if (image_md) {
      md = std::move(*image_md);
    } else {
      facts.warnings.push_back(image_md.error().message());
      md.format = facts.format;
    }
    auto image = DecodePlanes(bytes, facts.format);
    if (!image) return fail(image.error().message());
    decoded = std::move(*image);
    if (LooksLikeScreenshot(rel_path, md)) facts.kind = MediaKind::kScreenshot;
  }

  facts.orientation = md.orientation;
  facts.make = md.make;
  facts.model = md.model;
  for (auto& note : md.notes) facts.warnings.push_back(std::move(note));
  if (md.width > 0 && md.height > 0) {
    facts.width = md.DisplayWidth();
    facts.height = md.DisplayHeight();
  }
  if (md.gps) {
    const GpsFix& g = *md.gps;
    if (g.lat == 0 && g.lon == 0) {
      facts.warnings.push_back("GPS position 0,0 ignored (a fix without data)");
    } else if (!IsPlausibleCoordinate(g.lat, g.lon)) {
      facts.warnings.push_back(
          fmt::format("GPS position {:.6f},{:.6f} is out of range; ignored", g.lat, g.lon));
    } else {
      facts.gps = g;
    }
  }
  facts.taken = md.taken;
  facts.time_source = md.time_source;
  facts.offset_source = md.offset_source;
  facts.taken_is_utc = md.time_source == TimeSource::kVideoUtc;
  ResolveTime(file, stat, now_utc, facts);
  ResolvePlace(facts);

  if (auto st = AnalyzePixels(decoded, facts); !st) return fail(st.error().message());
  return result;
}

void Analyzer::ResolveTime(const std::filesystem::path& file, const FileStat& stat, int64_t now_utc,
                           AssetFacts& facts) const {
  const int64_t mtime_s = stat.mtime_ns / 1'000'000'000;
  auto use_mtime = [&] {
    facts.taken = LocalTime{mtime_s, std::nullopt};
    facts.taken_is_utc = true;
    facts.time_source = TimeSource::kFileModified;
    facts.offset_source = OffsetSource::kNone;
  };
  if (facts.taken) {
    // Compare in UTC where we can; a floating local time may be up to 14 h ahead of UTC.
    int64_t latest = facts.taken->SortKey() -
                     (facts.taken->offset_minutes || facts.taken_is_utc ? 0 : 14 * 3600);
    if (latest > now_utc + options_.future_tolerance_s) {
      std::string when = FormatIso8601(*facts.taken);
      if (mtime_s <= now_utc + options_.future_tolerance_s) {
        facts.warnings.push_back(
            fmt::format("capture time {} is in the future (camera clock wrong?); using the file's "
                        "modification time",
                        when));
        use_mtime();
      } else {
        facts.warnings.push_back(fmt::format("capture time {} is in the future", when));
      }
    }
    return;
  }
  if (auto t = TimeFromFileName(file.filename().string())) {
    facts.taken = LocalTime{*t, std::nullopt};
    facts.time_source = TimeSource::kFileName;  // as reliable as phones' clocks: no warning
    return;
  }
  use_mtime();
  facts.warnings.push_back(IsVideo(facts.format) || facts.kind == MediaKind::kScreenshot
                               ? "no capture time in the file; using its modification time"
                               : "no EXIF capture time; using the file's modification time");
}

void Analyzer::ResolvePlace(AssetFacts& facts) const {
  if (!geocoder_ || !facts.gps) return;
  if (const ReverseGeocoder* geocoder = geocoder_()) {
    facts.place = geocoder->Lookup(facts.gps->lat, facts.gps->lon);
  }
}

Result<YuvImage> Analyzer::DecodePlanes(std::span<const uint8_t> bytes, Format format) const {
  // JPEG, the bulk of any roll: straight into planes at a reduced DCT scale; HEIF (iPhones)
  // straight into planes at full size. Other formats, and layouts without a planar path, go
  // through RGB.
  if (format == Format::kJpeg && options_.decode.backend != DecodeBackend::kVips) {
    auto planes = DecodeJpegPlanes(bytes, options_.preview_size, options_.decode);
    if (planes || planes.error().code() != ErrorCode::kUnsupported) return planes;
  }
  if ((format == Format::kHeif || format == Format::kAvif) &&
      options_.decode.backend != DecodeBackend::kVips) {
    auto planes = DecodeHeifPlanes(bytes, options_.decode);
    if (planes || planes.error().code() != ErrorCode::kUnsupported) return planes;
  }
  CAMROLL_ASSIGN_OR_RETURN(
      RgbImage rgb, DecodeImageScaled(bytes, format, options_.preview_size, options_.decode));
  return ToYuv420(rgb);
}

Status Analyzer::AnalyzePixels(const YuvImage& decoded, AssetFacts& facts) const {
  // One decoded buffer feeds everything: the upright preview, a 512-px copy for the quality
  // measures, and from that the thumbnail and its perceptual hashes.
  YuvImage preview =
      ApplyOrientation(ResizeYuvToLongEdge(decoded, options_.preview_size), facts.orientation);
  if (facts.width == 0 || facts.height == 0) {
    facts.width = preview.width;
    facts.height = preview.height;
  }
  YuvImage measure = ResizeYuvToLongEdge(preview, kQualityLongEdge);
  if (measure.gray) {
    facts.quality = MeasureQuality(measure.Luma());
  } else {
    const GrayImage cb = measure.Cb(), cr = measure.Cr();
    facts.quality = MeasureQuality(measure.Luma(), &cb, &cr);
  }
  YuvImage thumb = ResizeYuvToLongEdge(measure, options_.thumb_size);
  const GrayImage luma = thumb.Luma();
  facts.dhash = DHash(luma);
  facts.phash = PHash(luma);

  for (const auto& [size, image] :
       {std::pair<int, const YuvImage*>{options_.thumb_size, &thumb},
        std::pair<int, const YuvImage*>{options_.preview_size, &preview}}) {
    Thumbnail t{size, image->width, image->height, ThumbnailFile(facts.content_hash, size)};
    CAMROLL_ASSIGN_OR_RETURN(auto jpeg, EncodeJpeg(*image, options_.jpeg_quality));
    auto path = options_.data_dir / t.file;
    CAMROLL_RETURN_IF_ERROR(EnsureDirectory(path.parent_path()));
    CAMROLL_RETURN_IF_ERROR(FilesOrPlain(options_.files).Write(path, jpeg));
    facts.thumbnails.push_back(std::move(t));
  }
  return Ok();
}

}  // namespace camroll
