// Themed story frames: a photo, colour-graded for the occasion, in a frame on a coloured ground
// with a few drawn decorations and its caption, at 1080x1920. The theme itself (which occasion,
// and why) is chosen elsewhere (ideas/themes.h); this draws a style.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "media/image.h"
#include "render/geometry.h"

namespace camroll {

enum class Decoration { kNone, kSnowflakes, kConfetti, kSunRays, kHearts, kStars, kWaves, kLeaves };

// A colour grade: per-channel gains, a lift of the shadows, and saturation.
struct ColourGrade {
  double gain[3] = {1, 1, 1};
  double lift = 0;        // added to dark tones, 0..0.2 (a faded, filmic black)
  double saturation = 1;  // 1 keeps colours as they are
  double contrast = 1;    // about mid-grey
};

struct ThemeStyle {
  Rgba ground_top, ground_bottom;  // a vertical gradient behind everything
  Rgba frame = {1, 1, 1, 1};       // the border around the photo
  Rgba title_colour = {1, 1, 1, 1};
  Rgba subtitle_colour = {1, 1, 1, 0.85};
  std::string title_font = "DejaVu Serif";
  bool title_italic = true;
  Decoration decoration = Decoration::kNone;
  Rgba decoration_colour = {1, 1, 1, 0.8};
  ColourGrade grade;
};

// Applies a colour grade to a photo (returns a graded copy).
RgbImage ApplyGrade(const RgbImage& photo, const ColourGrade& grade);

// The 1080x1920 frame. Deterministic for the same inputs and seed (decorations are placed with
// it).
Result<RgbImage> RenderThemeFrame(const RgbImage& photo, const ThemeStyle& style,
                                  const std::string& title, const std::string& subtitle,
                                  uint64_t seed);

}  // namespace camroll
