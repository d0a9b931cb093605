// Recap videos: an MP4 slideshow of an event's best photos and short clips from its videos, for
// Stories (portrait 1080x1920, 30 fps, H.264 yuv420p, no audio).
//
// The video opens on a title card (title and subtitle over a blurred, darkened copy of the first
// photo, or a solid colour when there is none), then shows each item in order: photos with a
// slow eased zoom of 1.0 to 1.1-1.2 whose end window is centred on the photo's focus box, clips
// played from their start, upright (display matrix) and cropped to fill the frame. Consecutive
// shots crossfade; the last one fades to black. Photos whose focus box a fill-the-frame crop
// would cut by a third or more (a wide group in a portrait frame) are cropped only down to
// the focus plus a margin and shown whole over a blurred, dimmed copy of themselves: nothing
// is ever letterboxed with black bars, and faces are not cut.
//
// Frames are made directly in Y'CbCr 4:2:0: each photo is resampled once into a "plate" at
// the size its zoom needs, and every frame is a bilinear resampling of a moving window of the
// plate; crossfades and the fade blend planes. That keeps the frame cost well under the
// encoder's (x264 on one thread), so a 15 s recap renders in seconds on one core.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"
#include "media/image.h"
#include "render/geometry.h"

namespace camroll {

struct RecapPhoto {
  RgbImage image;                   // upright (orientation applied); any size, enlarged if small
  Box focus{0.25, 0.25, 0.5, 0.5};  // faces or saliency, normalised to the image
};

// A stretch of a video file: decoded from `start_s` for `duration_s`, or to its end when the
// video is shorter.
struct RecapClip {
  std::filesystem::path path;
  double start_s = 0;
  double duration_s = 3;
};

using RecapItem = std::variant<RecapPhoto, RecapClip>;

struct RecapSpec {
  int width = 1080, height = 1920, fps = 30;  // even sizes
  // Nominal shot lengths. Consecutive shots overlap by the crossfade, so a recap lasts
  // title_s + the items' lengths - crossfade_s per transition. The last fade_out_s seconds
  // fade to black (0: end on the last frame as is). title_s = 0 leaves out the title card.
  double title_s = 2.0, photo_s = 2.5, crossfade_s = 0.5, fade_out_s = 0.5;
  // The total is clamped into [min_s, max_s]:
  //  - too short: photos are lengthened by a common factor (the title when there are no
  //    photos, else clips, which then hold their last frame);
  //  - too long: photos and clips are shortened by a common factor, but not below 1 s each
  //    (the title keeps its length); when even 1 s shots are too long, an evenly spread
  //    subset of the items is kept, the first and last included.
  // Crossfades are shortened to at most 40% of the shortest shot, so that no more than two
  // shots ever overlap.
  double min_s = 6, max_s = 30;
  std::string title, subtitle;  // DejaVu Sans, fitted to the card; either may be empty
  uint64_t seed = 0;  // zoom amounts and pan starts; the same inputs and seed give the same bytes
  int crf = 23;       // x264 quality (lower is better and bigger)
  // x264's speed/size trade-off. "superfast" is the fastest preset that keeps CABAC and
  // B-frames; the recap adds x264's macroblock tree to it (rc-lookahead 10, as "veryfast" has):
  // pan/zoom frames are very predictable, and the tree halves the file at the same crf. The
  // result matches "veryfast" in size and SSIM for ~2/3 of its time (bench/recap_bench.cc).
  std::string preset = "superfast";
};

struct RecapResult {
  double duration_s = 0;  // frames / fps
  int frames = 0;
  int items_used = 0;  // fewer than given when max_s forced a subset
};

// Renders the recap into `out_mp4`, atomically (a temporary file beside it, then a rename).
// Errors: kInvalidInput (no items, an empty photo, a spec out of range), kNotFound (a clip's
// file is missing), kUnsupported (a clip that cannot be decoded), kIo (writing), kInternal
// (the encoder). Errors about a clip name its path, so that the caller can drop it and retry.
Result<RecapResult> RenderRecap(const std::vector<RecapItem>& items, const RecapSpec& spec,
                                const std::filesystem::path& out_mp4);

// Tests only: make frames with the portable loops even where AVX2 is available, to check that
// both paths give the same bytes (a recap must not depend on the machine that renders it).
void TEST_UsePortableRecapWarp(bool portable);

}  // namespace camroll
