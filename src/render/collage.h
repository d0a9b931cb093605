// Collages for Stories (1080x1920) and feeds (1080x1080), in four layout families:
//   grid       equal cells in rows and columns;
//   mosaic     justified rows that keep each photo's shape (Flickr's layout);
//   hero       one large photo over a strip of smaller ones;
//   scrapbook  tilted polaroid prints on paper.
// Planning is separate from drawing, so that the rules that matter are testable on plain
// numbers: every photo at most once, crops of the cell's shape that never cut a face box (a
// photo whose faces cannot fit any crop is shown whole instead), and the family chosen for the
// photos' aspect ratios.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "media/image.h"
#include "render/geometry.h"

namespace camroll {

enum class CollageFormat { kStory, kSquare };
enum class CollageFamily { kGrid, kMosaic, kHero, kScrapbook };

std::string_view CollageFormatName(CollageFormat format);  // "story", "square"
std::string_view CollageFamilyName(CollageFamily family);  // "grid", "mosaic", "hero", "scrapbook"
std::optional<CollageFamily> CollageFamilyFromName(std::string_view name);
// Width and height in pixels.
std::pair<int, int> CollageSize(CollageFormat format);

struct CollagePhoto {
  double aspect = 1;                // width / height of the upright photo
  Box focus{0.25, 0.25, 0.5, 0.5};  // where the eye goes (render/saliency.h FocusBox)
  std::vector<Box> keep;            // regions no crop may cut: face boxes (normalised)
  double quality = 0.5;             // the best photo becomes the hero
};

struct CollageCell {
  size_t photo = 0;         // index into the photos
  Rect rect;                // on the canvas, pixels
  Box crop{0, 0, 1, 1};     // the part of the photo shown, of the cell's shape
  double rotation_deg = 0;  // clockwise, about the cell's centre
  bool framed = false;      // a polaroid print
  // The photo is shown whole over a blurred copy of itself because no crop of the cell's shape
  // could keep all its face boxes.
  bool fitted = false;
};

struct CollagePlan {
  int width = 0;
  int height = 0;
  CollageFormat format = CollageFormat::kStory;
  CollageFamily family = CollageFamily::kGrid;
  std::vector<CollageCell> cells;
  Rect caption;          // where the caption is drawn
  double crop_loss = 0;  // mean fraction of the photos' area cropped away
  double coverage = 0;   // fraction of the photo area the cells fill: how big the photos show
};

// The most photos a family shows.
size_t CollageCapacity(CollageFamily family);

// Plans a collage of the first photos that fit the family (all of them up to its capacity).
// Without a family, each is planned and the one that crops least and shows the photos biggest
// wins (fitted cells count as heavy losses); `seed` picks among near-equal plans and tilts
// scrapbook prints.
CollagePlan PlanCollage(const std::vector<CollagePhoto>& photos, CollageFormat format,
                        std::optional<CollageFamily> family, uint64_t seed);

struct CollageCaption {
  std::string title;     // "19–21 Jun · Porto"
  std::string subtitle;  // "Friday 19 – Sunday 21 June 2026 · Porto, Portugal"
};

struct CollageStyle {
  Rgba background = Rgba::Hex(0xF4F1EA);
  Rgba title_colour = Rgba::Hex(0x1D1D1F);
  Rgba subtitle_colour = Rgba::Hex(0x5F6368);
  std::string title_font = "DejaVu Sans";
  std::string subtitle_font = "DejaVu Sans";
  std::string scrapbook_font = "DejaVu Serif";
};

// Draws the plan. `images` are the upright photos, indexed like PlanCollage's input (previews
// of 1440 px are plenty for 1080-px canvases).
Result<RgbImage> RenderCollage(const CollagePlan& plan, const std::vector<const RgbImage*>& images,
                               const CollageCaption& caption, const CollageStyle& style);

}  // namespace camroll
