// One-tap photo enhancement: level the horizon, then gentle, measured corrections of exposure,
// white balance and colour; every change is reported (in numbers and in words) so that a UI can
// say what was done and a user can undo any part. Classical estimates only (histograms, Hough
// lines, gray-edge), tuned to leave a good photo alone: each correction has a dead band below
// which nothing is done.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "media/image.h"
#include "render/geometry.h"

namespace camroll {

struct EnhanceOptions {
  bool exposure = true;
  bool white_balance = true;
  bool colour = true;
  bool straighten = true;
  bool crop = true;  // the conservative subject crop described at AutoEnhance
  double max_straighten_deg = 10;
};

struct Enhancement {
  RgbImage image;
  double exposure_ev = 0;          // applied exposure change, in stops (linear light)
  double wb_gain[3] = {1, 1, 1};   // applied per-channel (R, G, B) gains, in linear light
  double saturation = 1;           // applied vibrance: the saturation factor of a grey-ish pixel
  double rotation_deg = 0;         // horizon correction applied, clockwise positive
  Box crop{0, 0, 1, 1};            // crop applied, normalised (see AutoEnhance)
  std::vector<std::string> steps;  // what was done, in words: "exposure +0.4 EV", ...
};

// Enhances a photo. The result keeps the input's resolution (the straightening crop and the
// subject crop make it smaller, never rescaled up). Steps, each skipped when its option is off:
//  - straighten: Canny edges and probabilistic Hough segments on a 1024-px copy; segments within
//    max_straighten_deg of horizontal or vertical vote with their length for a tilt; the
//    weighted median is applied when at least a quarter of the long edge of segment length
//    agrees with it (±1°) and it is 0.4° or more. The photo is turned about its centre and
//    cropped to the largest centred rectangle of its own aspect ratio inside the turned image.
//  - crop (subject crop): on a spectral-residual saliency map (render/saliency.h), the smallest
//    crop of the photo's aspect ratio, between 80% and 90% of each side, that keeps at least
//    97% of the saliency; none when every such crop loses more. As the cut borders are 19% or
//    more of the area, this only trims borders that are nearly empty (a plain sky or wall
//    around a small subject); it never reframes a subject.
//  - white balance: gray-edge (Minkowski p = 6 over the gradients of a blurred, linear copy;
//    clipped pixels ignored). Casts within 4% of neutral are left alone; 80% of the rest is
//    corrected, with gains limited to 0.7..1.4. Gains are normalised to keep the luma. A warm
//    cast (R > B) is mostly the light the photographer wanted (sunsets, candles, golden hour):
//    its correction is scaled down until no gain is more than 5% from 1.
//  - exposure: the median luma (sRGB, 0..1) is brought 75% of the way (in stops) toward 0.46,
//    only when that takes more than +0.5 EV or less than -1 EV (a median between about 0.38
//    and 0.63 is left alone: bright scenes are common and fine); at most ±2 EV, lowered so
//    that no more than 1% of the pixels pass white, and dropped below 0.1 EV. Highlights near
//    white are rolled off smoothly instead of clipped.
//  - colour: vibrance, saturation × (1 + v·(1 − s)) for a pixel of saturation s, with
//    v = 0.18 for a photo of mean saturation 0.2 or less, falling to 0 at 0.45 (already
//    colourful photos are left alone).
// `crop` is in the input's normalised coordinates; when the photo was straightened, in those
// of the turned photo (which has the input's size and centre).
Result<Enhancement> AutoEnhance(const RgbImage& photo, const EnhanceOptions& options = {});

// A labelled before/after image for a UI: the two side by side ("Before" left) for a landscape
// or square `before`, one above the other for a portrait one, each scaled to the same height
// (side by side) or width (stacked) of at most 1080 px, on a dark background with a
// "Before"/"After" label (DejaVu Sans, white on a translucent dark pill) in the bottom-left
// corner of each.
Result<RgbImage> BeforeAfter(const RgbImage& before, const RgbImage& after);

}  // namespace camroll
