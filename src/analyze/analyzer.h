// Turns one camera-roll file into AssetFacts: hash, metadata, place, thumbnails, perceptual
// hashes and quality, decoding the file once. Thread-safe: one Analyzer serves all workers.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "analyze/asset_facts.h"
#include "core/file_store.h"
#include "core/files.h"
#include "media/decode.h"
#include "media/yuv_image.h"

namespace camroll {

class ReverseGeocoder;

struct AnalyzeOptions {
  DecodeOptions decode;
  uint64_t max_image_bytes = 512ull << 20;  // images are read whole; larger ones are refused
  uint64_t max_video_bytes = 16ull << 30;   // videos are streamed; this only bounds hashing
  int thumb_size = 256;
  int preview_size = 1440;
  int jpeg_quality = 82;
  // Where thumbnails are written (content-addressed, so equal files share them), and how.
  std::filesystem::path data_dir;
  const FileStore* files = nullptr;  // nullptr: plain files
  // Capture times later than now + this are treated as a wrong camera clock.
  int64_t future_tolerance_s = 24 * 3600;
};

struct Analysis {
  AssetFacts facts;
  // The content hash was already known (the `known` predicate said so) and nothing past the
  // hash was computed: the caller reuses the earlier analysis of the same bytes.
  bool known_content = false;
};

class Analyzer {
 public:
  // Bump when the analysis changes what it produces: files analysed by an older version are
  // analysed again on the next scan.
  static constexpr int kVersion = 2;  // 2: colourfulness joins the quality score

  // `geocoder` may be null (no places); it must outlive the Analyzer.
  Analyzer(AnalyzeOptions options, const ReverseGeocoder* geocoder);
  // The geocoder is asked for the first time a file has a GPS position, so that a scan with
  // nothing new to analyse never loads it. `geocoder` must be thread-safe and may return null.
  Analyzer(AnalyzeOptions options, std::function<const ReverseGeocoder*()> geocoder);

  // Never fails as a call: a file that cannot be analysed comes back with failed = true and a
  // reason a person can act on. `now_utc` is the reference for "in the future". When `known`
  // is set and returns true for the file's content hash, the analysis stops after hashing.
  Analysis Analyze(const std::filesystem::path& file, const std::string& rel_path,
                   const FileStat& stat, int64_t now_utc,
                   const std::function<bool(const std::string&)>& known = {}) const;

  const AnalyzeOptions& options() const { return options_; }

  // The thumbnail file names for a content hash (relative to the data dir).
  static std::string ThumbnailFile(const std::string& content_hash, int size);

 private:
  Result<YuvImage> DecodePlanes(std::span<const uint8_t> bytes, Format format) const;
  Status AnalyzePixels(const YuvImage& decoded, AssetFacts& facts) const;
  void ResolveTime(const std::filesystem::path& file, const FileStat& stat, int64_t now_utc,
                   AssetFacts& facts) const;
  void ResolvePlace(AssetFacts& facts) const;

  AnalyzeOptions options_;
  std::function<const ReverseGeocoder*()> geocoder_;
};

// Heuristics that mark screenshots and screen recordings: never material for memories.
bool LooksLikeScreenshot(const std::string& rel_path, const MediaMetadata& md);

}  // namespace camroll
