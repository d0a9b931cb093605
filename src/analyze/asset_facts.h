// Everything camroll derives from one camera-roll file, as plain data. Each group of facts
// serves one purpose, which the catalog records beside it (see docs/architecture.md):
//   organize  — time, place, size, camera: to sort the roll into events and trips;
//   display   — thumbnails: to show the roll;
//   suggest   — hashes and quality: to pick best shots and rank ideas.
//   suggest   — also what the models see (objects, text, sensitive content: VisionFacts), when
//               the models are installed.
// Faces (purpose face_grouping) are never part of these facts; they need their own consent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analyze/vision_facts.h"
#include "core/civil_time.h"
#include "geo/place_index.h"
#include "media/format.h"
#include "media/metadata.h"
#include "media/quality.h"

namespace camroll {

enum class MediaKind { kPhoto, kVideo, kScreenshot };
std::string_view MediaKindName(MediaKind kind);

struct Thumbnail {
  int size = 0;   // requested long edge (256, 1440)
  int width = 0;  // actual, upright
  int height = 0;
  std::string file;  // relative to the data dir: thumbs/ab/<hash>-256.jpg
};

struct AssetFacts {
  int64_t catalog_id = 0;  // the catalog's asset id, once stored (0 before)
  // Identity of the file in its roll.
  std::string path;  // relative to the roll root, '/'-separated
  uint64_t size_bytes = 0;
  int64_t mtime_ns = 0;
  std::string content_hash;  // hex SHA-256 of the bytes
  Format format = Format::kUnknown;

  // A file that could not be analysed keeps only its identity and the reason.
  bool failed = false;
  std::string error;

  // organize
  MediaKind kind = MediaKind::kPhoto;
  int width = 0;  // upright display size
  int height = 0;
  int orientation = 1;
  std::optional<LocalTime> taken;
  // The reading is a UTC instant whose local offset is unknown (video creation_time, file
  // mtime): when an offset is found later, the local time moves with it.
  bool taken_is_utc = false;
  TimeSource time_source = TimeSource::kNone;
  OffsetSource offset_source = OffsetSource::kNone;
  std::optional<GpsFix> gps;
  std::optional<Place> place;
  std::string make;
  std::string model;
  double duration_s = 0;

  // suggest
  uint64_t dhash = 0;
  uint64_t phash = 0;
  QualityMeasures quality;

  std::optional<VisionFacts> vision;  // absent until the models have looked at the file

  // display
  std::vector<Thumbnail> thumbnails;

  // Problems that did not stop the analysis (GPS 0/0 ignored, clock in the future, ...).
  std::vector<std::string> warnings;

  const Thumbnail* ThumbnailOfSize(int size) const {
    for (const auto& t : thumbnails) {
      if (t.size == size) return &t;
    }
    return nullptr;
  }
};

}  // namespace camroll
