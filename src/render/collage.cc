#include "render/collage.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "render/canvas.h"
#include "render/text.h"

namespace camroll {
namespace {

constexpr double kGutter = 12;
// A crop that keeps less than this of a photo shows it whole instead (a panorama in a tall cell).
constexpr double kMinCropArea = 0.3;
// What a fitted cell costs in the family choice: more than any acceptable crop.
constexpr double kFittedLoss = 0.8;

struct Areas {
  Rect photos;
  Rect caption;
};

Areas AreasFor(CollageFormat format, CollageFamily family) {
  const bool story = format == CollageFormat::kStory;
  if (family == CollageFamily::kScrapbook) {  // caption on top, prints below
    return story ? Areas{{36, 300, 1008, 1584}, {70, 70, 940, 200}}
                 : Areas{{24, 150, 1032, 906}, {50, 26, 980, 110}};
  }
  return story ? Areas{{36, 36, 1008, 1560}, {60, 1620, 960, 260}}
               : Areas{{24, 24, 1032, 882}, {44, 920, 992, 140}};
}

Box KeepUnion(const CollagePhoto& p) {
  Box u = p.keep.front();
  for (const Box& b : p.keep) u = Union(u, b);
  // Clamp to the photo: detectors report boxes that stick out of the frame.
  const double x0 = std::clamp(u.x, 0.0, 1.0), y0 = std::clamp(u.y, 0.0, 1.0);
  const double x1 = std::clamp(u.right(), 0.0, 1.0), y1 = std::clamp(u.bottom(), 0.0, 1.0);
  return {x0, y0, x1 - x0, y1 - y0};
}

// Places a window of length `len` on [0, 1] around `center`, containing [keep_lo, keep_hi].
double Place(double len, double center, double keep_lo, double keep_hi) {
  double start = center - len / 2;
  const double lo = std::max(0.0, keep_hi - len);
  const double hi = std::min(1.0 - len, keep_lo);
  return std::clamp(start, lo, std::max(lo, hi));
}

// The largest crop of the given aspect that keeps every face box, centred on the focus as far
// as the faces allow; nullopt when the faces cannot fit or too little of the photo would remain.
std::optional<Box> CropFor(const CollagePhoto& p, double cell_aspect) {
  const bool has_keep = !p.keep.empty();
  const Box keep = has_keep ? KeepUnion(p) : Box{0.5, 0.5, 0, 0};
  Box crop{0, 0, 1, 1};
  if (p.aspect >= cell_aspect) {
    crop.w = cell_aspect / p.aspect;
    if (has_keep && keep.w > crop.w + 1e-9) return std::nullopt;
    crop.x = has_keep ? Place(crop.w, p.focus.x + p.focus.w / 2, keep.x, keep.right())
                      : Place(crop.w, p.focus.x + p.focus.w / 2, 1, 0);
  } else {
    crop.h = p.aspect / cell_aspect;
    if (has_keep && keep.h > crop.h + 1e-9) return std::nullopt;
    // Vertically, aim a little above the focus centre: heads sit above the middle of a subject.
    const double center = p.focus.y + p.focus.h * 0.4;
    crop.y = has_keep ? Place(crop.h, center, keep.y, keep.bottom()) : Place(crop.h, center, 1, 0);
  }
  if (crop.area() < kMinCropArea) return std::nullopt;
  return crop;
}

double CellLoss(const CollageCell& c) { return c.fitted ? kFittedLoss : 1 - c.crop.area(); }

// Fills in crop/fitted for a cell holding `photo`.
void Frame(CollageCell& cell, const CollagePhoto& photo, double aspect) {
  auto crop = CropFor(photo, aspect);
  cell.fitted = !crop;
  cell.crop = crop.value_or(Box{0, 0, 1, 1});
}

// Assigns photos to cells, then improves by swapping pairs while the total loss drops: the
// photos' order is the first guess (chronological), shapes and faces decide the rest.
void Assign(std::vector<CollageCell>& cells, const std::vector<CollagePhoto>& photos,
            std::vector<size_t> order) {
  for (size_t i = 0; i < cells.size(); ++i) {
    cells[i].photo = order[i];
    Frame(cells[i], photos[order[i]], cells[i].rect.aspect());
  }
  for (bool improved = true; improved;) {
    improved = false;
    for (size_t i = 0; i < cells.size(); ++i) {
      for (size_t j = i + 1; j < cells.size(); ++j) {
        CollageCell a = cells[i], b = cells[j];
        std::swap(a.photo, b.photo);
        Frame(a, photos[a.photo], a.rect.aspect());
        Frame(b, photos[b.photo], b.rect.aspect());
        if (CellLoss(a) + CellLoss(b) < CellLoss(cells[i]) + CellLoss(cells[j]) - 1e-9) {
          cells[i] = a;
          cells[j] = b;
          improved = true;
        }
      }
    }
  }
}

std::vector<size_t> FirstN(size_t n) {
  std::vector<size_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

// Rows of `counts[r]` equal cells filling `area`.
std::vector<CollageCell> Rows(const Rect& area, const std::vector<size_t>& counts) {
  std::vector<CollageCell> cells;
  const double rows = static_cast<double>(counts.size());
  const double h = (area.h - (rows - 1) * kGutter) / rows;
  for (size_t r = 0; r < counts.size(); ++r) {
    const double n = static_cast<double>(counts[r]);
    const double w = (area.w - (n - 1) * kGutter) / n;
    for (size_t c = 0; c < counts[r]; ++c) {
      CollageCell cell;
      cell.rect = {area.x + c * (w + kGutter), area.y + r * (h + kGutter), w, h};
      cells.push_back(cell);
    }
  }
  return cells;
}

std::vector<CollageCell> PlanGrid(const std::vector<CollagePhoto>& photos, const Rect& area) {
  const size_t n = std::min(photos.size(), CollageCapacity(CollageFamily::kGrid));
  std::vector<CollageCell> best;
  double best_loss = std::numeric_limits<double>::infinity();
  for (size_t cols = 1; cols <= 3; ++cols) {
    const size_t rows = (n + cols - 1) / cols;
    if (rows > 4 || (rows - 1) * cols >= n) continue;
    std::vector<size_t> counts(rows, cols);
    counts.back() = n - cols * (rows - 1);
    auto cells = Rows(area, counts);
    Assign(cells, photos, FirstN(n));
    double loss = 0;
    for (const auto& c : cells) loss += CellLoss(c);
    if (loss < best_loss) {
      best_loss = loss;
      best = std::move(cells);
    }
  }
  return best;
}

// Justified rows (Flickr): the photos in order, cut into rows whose heights keep each photo's
// shape; the number of rows is the one whose natural height is closest to the area's, and the
// rows are then stretched to fill it exactly (a small crop).
std::vector<CollageCell> PlanMosaic(const std::vector<CollagePhoto>& photos, const Rect& area) {
  const size_t n = std::min(photos.size(), CollageCapacity(CollageFamily::kMosaic));
  std::vector<double> aspect(n);
  for (size_t i = 0; i < n; ++i) aspect[i] = std::clamp(photos[i].aspect, 0.4, 2.5);
  std::vector<CollageCell> best;
  double best_score = std::numeric_limits<double>::infinity();
  for (size_t k = 1; k <= n; ++k) {
    // Linear partition: k contiguous rows with balanced sums of aspect ratios (DP).
    std::vector<double> prefix(n + 1, 0);
    for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + aspect[i];
    const double target = prefix[n] / k;
    std::vector<std::vector<double>> cost(k + 1, std::vector<double>(n + 1, 1e18));
    std::vector<std::vector<size_t>> cut(k + 1, std::vector<size_t>(n + 1, 0));
    cost[0][0] = 0;
    for (size_t r = 1; r <= k; ++r) {
      for (size_t j = r; j <= n; ++j) {
        for (size_t i = r - 1; i < j; ++i) {
          const double d = prefix[j] - prefix[i] - target;
          const double c = cost[r - 1][i] + d * d;
          if (c < cost[r][j]) {
            cost[r][j] = c;
            cut[r][j] = i;
          }
        }
      }
    }
    std::vector<std::pair<size_t, size_t>> rows(k);  // [begin, end)
    for (size_t r = k, j = n; r >= 1; --r) {
      rows[r - 1] = {cut[r][j], j};
      j = cut[r][j];
    }
    std::vector<double> heights(k);
    double total = 0;
    for (size_t r = 0; r < k; ++r) {
      const double m = static_cast<double>(rows[r].second - rows[r].first);
      heights[r] = (area.w - (m - 1) * kGutter) / (prefix[rows[r].second] - prefix[rows[r].first]);
      total += heights[r];
    }
    const double f = (area.h - (k - 1) * kGutter) / total;
    const double score = std::abs(std::log(f));
    if (score >= best_score) continue;
    best_score = score;
    best.clear();
    double y = area.y;
    for (size_t r = 0; r < k; ++r) {
      double x = area.x;
      const double h = heights[r] * f;
      for (size_t i = rows[r].first; i < rows[r].second; ++i) {
        CollageCell cell;
        const bool last = i + 1 == rows[r].second;
        const double w = last ? area.right() - x : aspect[i] * heights[r];
        cell.rect = {x, y, w, h};
        cell.photo = i;
        Frame(cell, photos[i], cell.rect.aspect());
        best.push_back(cell);
        x += w + kGutter;
      }
      y += h + kGutter;
    }
  }
  return best;
}

std::vector<CollageCell> PlanHero(const std::vector<CollagePhoto>& photos, const Rect& area) {
  const size_t n = std::min(photos.size(), CollageCapacity(CollageFamily::kHero));
  size_t hero = 0;
  for (size_t i = 1; i < n; ++i) {
    if (photos[i].quality > photos[hero].quality) hero = i;
  }
  std::vector<size_t> rest;
  for (size_t i = 0; i < n; ++i) {
    if (i != hero) rest.push_back(i);
  }
  std::vector<CollageCell> cells;
  CollageCell big;
  big.photo = hero;
  if (rest.empty()) {
    big.rect = area;
    Frame(big, photos[hero], big.rect.aspect());
    return {big};
  }
  std::vector<CollageCell> small;
  if (area.h >= area.w) {
    // Tall canvas: the hero on top, the others in a strip (or a 2 x 2 block) below.
    const double hero_h = std::round(area.h * 0.6);
    big.rect = {area.x, area.y, area.w, hero_h};
    const Rect strip{area.x, area.y + hero_h + kGutter, area.w, area.h - hero_h - kGutter};
    small = Rows(strip,
                 rest.size() == 4 ? std::vector<size_t>{2, 2} : std::vector<size_t>{rest.size()});
  } else {
    // Wide canvas: the hero on the left, the others stacked in a column (two for four).
    const double hero_w = std::round(area.w * 0.62);
    big.rect = {area.x, area.y, hero_w, area.h};
    const Rect column{area.x + hero_w + kGutter, area.y, area.w - hero_w - kGutter, area.h};
    small =
        rest.size() == 4 ? Rows(column, {2, 2}) : Rows(column, std::vector<size_t>(rest.size(), 1));
  }
  Frame(big, photos[hero], big.rect.aspect());
  cells.push_back(big);
  Assign(small, photos, rest);
  cells.insert(cells.end(), small.begin(), small.end());
  return cells;
}

// Polaroid prints in a loose two-column stack, tilted a few degrees either way.
std::vector<CollageCell> PlanScrapbook(const std::vector<CollagePhoto>& photos, const Rect& area,
                                       uint64_t seed) {
  const size_t n = std::min(photos.size(), CollageCapacity(CollageFamily::kScrapbook));
  std::mt19937_64 rng(seed ^ 0x5c7a9b00u);
  std::uniform_real_distribution<double> tilt(2.5, 7.0), jitter(-0.03, 0.03);
  // As many columns as make the prints largest (two on a tall canvas, three on a wide one).
  size_t cols = 1;
  double best_side = 0;
  for (size_t c = 1; c <= std::min<size_t>(3, n); ++c) {
    const size_t r = (n + c - 1) / c;
    const double side = std::min(area.w / c, area.h / r * 0.85);
    if (side > best_side * 1.05) {
      best_side = side;
      cols = c;
    }
  }
  const size_t rows = (n + cols - 1) / cols;
  const double slot_w = area.w / cols, slot_h = area.h / rows;
  std::vector<CollageCell> cells;
  for (size_t i = 0; i < n; ++i) {
    const size_t r = i / cols;
    size_t in_row = std::min(cols, n - r * cols);
    const double row_x = area.x + (area.w - in_row * slot_w) / 2;  // centre a short last row
    const double sx = row_x + (i % cols) * slot_w, sy = area.y + r * slot_h;
    // The print's window keeps the photo's shape within 3:4 .. 4:3; the frame adds a border on
    // three sides and a deep one at the bottom. The whole print, tilted, stays in its slot.
    const double window_aspect = std::clamp(photos[i].aspect, 0.75, 4.0 / 3.0);
    const double margin = 0.14;
    double ww = slot_w * (1 - margin), wh = ww / window_aspect;
    const double frame_factor_h = 1.22, frame_factor_w = 1.08;
    if (wh * frame_factor_h > slot_h * (1 - margin)) {
      wh = slot_h * (1 - margin) / frame_factor_h;
      ww = wh * window_aspect;
    }
    ww /= frame_factor_w;
    wh = ww / window_aspect;
    CollageCell cell;
    cell.photo = i;
    cell.framed = true;
    const double cx = sx + slot_w / 2 + jitter(rng) * slot_w;
    const double cy = sy + slot_h / 2 + jitter(rng) * slot_h - wh * 0.06;
    cell.rect = {cx - ww / 2, cy - wh / 2, ww, wh};
    cell.rotation_deg = tilt(rng) * ((i + r) % 2 ? 1 : -1);
    Frame(cell, photos[i], cell.rect.aspect());
    cells.push_back(cell);
  }
  return cells;
}

CollagePlan Finish(std::vector<CollageCell> cells, CollageFormat format, CollageFamily family,
                   const Areas& areas) {
  CollagePlan plan;
  std::tie(plan.width, plan.height) = CollageSize(format);
  plan.format = format;
  plan.family = family;
  plan.caption = areas.caption;
  double loss = 0, area = 0;
  for (const auto& c : cells) {
    loss += CellLoss(c);
    area += c.rect.area();
  }
  plan.crop_loss = cells.empty() ? 0 : loss / cells.size();
  plan.coverage = std::min(1.0, area / areas.photos.area());
  plan.cells = std::move(cells);
  return plan;
}

}  // namespace

std::string_view CollageFormatName(CollageFormat format) {
  return format == CollageFormat::kStory ? "story" : "square";
}

std::string_view CollageFamilyName(CollageFamily family) {
  switch (family) {
    case CollageFamily::kGrid:
      return "grid";
    case CollageFamily::kMosaic:
      return "mosaic";
    case CollageFamily::kHero:
      return "hero";
    case CollageFamily::kScrapbook:
      return "scrapbook";
  }
  return "grid";
}

std::optional<CollageFamily> CollageFamilyFromName(std::string_view name) {
  for (CollageFamily f : {CollageFamily::kGrid, CollageFamily::kMosaic, CollageFamily::kHero,
                          CollageFamily::kScrapbook}) {
    if (CollageFamilyName(f) == name) return f;
  }
  return std::nullopt;
}

std::pair<int, int> CollageSize(CollageFormat format) {
  return format == CollageFormat::kStory ? std::pair{1080, 1920} : std::pair{1080, 1080};
}

size_t CollageCapacity(CollageFamily family) {
  switch (family) {
    case CollageFamily::kGrid:
      return 9;
    case CollageFamily::kMosaic:
      return 9;
    case CollageFamily::kHero:
      return 5;
    case CollageFamily::kScrapbook:
      return 6;
  }
  return 9;
}

CollagePlan PlanCollage(const std::vector<CollagePhoto>& photos, CollageFormat format,
                        std::optional<CollageFamily> family, uint64_t seed) {
  auto plan_one = [&](CollageFamily f) {
    const Areas areas = AreasFor(format, f);
    std::vector<CollageCell> cells;
    if (!photos.empty()) {
      switch (f) {
        case CollageFamily::kGrid:
          cells = PlanGrid(photos, areas.photos);
          break;
        case CollageFamily::kMosaic:
          cells = PlanMosaic(photos, areas.photos);
          break;
        case CollageFamily::kHero:
          cells = PlanHero(photos, areas.photos);
          break;
        case CollageFamily::kScrapbook:
          cells = PlanScrapbook(photos, areas.photos, seed);
          break;
      }
    }
    return Finish(std::move(cells), format, f, areas);
  };
  if (family) return plan_one(*family);
  // The family that crops least and shows the photos biggest, with a seeded nudge between
  // near-equals; a family that leaves photos out pays for each.
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> nudge(0, 0.04);
  CollagePlan best;
  double best_cost = std::numeric_limits<double>::infinity();
  for (CollageFamily f : {CollageFamily::kMosaic, CollageFamily::kGrid, CollageFamily::kHero,
                          CollageFamily::kScrapbook}) {
    CollagePlan p = plan_one(f);
    const double left_out =
        static_cast<double>(photos.size() - std::min(photos.size(), p.cells.size()));
    const double cost = p.crop_loss + 0.4 * (1 - p.coverage) + 0.05 * left_out + nudge(rng);
    if (cost < best_cost) {
      best_cost = cost;
      best = std::move(p);
    }
  }
  return best;
}

Result<RgbImage> RenderCollage(const CollagePlan& plan, const std::vector<const RgbImage*>& images,
                               const CollageCaption& caption, const CollageStyle& style) {
  for (const CollageCell& c : plan.cells) {
    if (c.photo >= images.size() || !images[c.photo] || images[c.photo]->empty()) {
      return Fail(ErrorCode::kInvalidInput, "collage cell without its photo");
    }
  }
  Canvas canvas(plan.width, plan.height, style.background);
  const bool scrapbook = plan.family == CollageFamily::kScrapbook;
  for (const CollageCell& c : plan.cells) {
    const RgbImage& img = *images[c.photo];
    if (c.framed) {
      const double side = c.rect.w * 0.04;
      const Rect print{c.rect.x - side, c.rect.y - side, c.rect.w + 2 * side,
                       c.rect.h + side + c.rect.w * 0.16};
      // The print turns about its window's centre, so window and frame stay together.
      canvas.Shadow(print, c.rotation_deg, 18, {0, 0, 0, 0.35}, c.rect);
      canvas.Fill(print, Rgba::Hex(0xFCFCFA), 3, c.rotation_deg, c.rect);
    }
    if (c.fitted) {
      // The photo whole, over a blurred, darkened copy filling the cell.
      const double a = img.width / static_cast<double>(img.height);
      const double cell_aspect = c.rect.aspect();
      Box fill = a > cell_aspect ? Box{(1 - cell_aspect / a) / 2, 0, cell_aspect / a, 1}
                                 : Box{0, (1 - a / cell_aspect) / 2, 1, a / cell_aspect};
      RgbImage tiny = CropAndScale(img, fill, std::max(2, static_cast<int>(c.rect.w / 24)),
                                   std::max(2, static_cast<int>(c.rect.h / 24)));
      for (auto& v : tiny.pixels) v = static_cast<uint8_t>(v * 0.55);
      canvas.DrawImage(tiny, {0, 0, 1, 1}, c.rect, c.rotation_deg, scrapbook ? 0 : 14);
      Rect inner =
          a > cell_aspect
              ? Rect{c.rect.x, c.rect.y + (c.rect.h - c.rect.w / a) / 2, c.rect.w, c.rect.w / a}
              : Rect{c.rect.x + (c.rect.w - c.rect.h * a) / 2, c.rect.y, c.rect.h * a, c.rect.h};
      canvas.DrawImage(img, {0, 0, 1, 1}, inner, c.rotation_deg, 0, c.rect);
    } else {
      canvas.DrawImage(img, c.crop, c.rect, c.rotation_deg, scrapbook ? 0 : 14);
    }
  }
  // Caption: the title over the subtitle, each fitted to its share of the caption box.
  const Rect& box = plan.caption;
  TextStyle title;
  title.family = scrapbook ? style.scrapbook_font : style.title_font;
  title.weight = 700;
  title.italic = scrapbook;
  title.colour = style.title_colour;
  title.max_px = plan.format == CollageFormat::kStory ? 76 : 54;
  title.min_px = 24;
  title.max_lines = 2;
  title.align = scrapbook ? TextAlign::kCenter : TextAlign::kLeft;
  TextStyle sub = title;
  sub.family = style.subtitle_font;
  sub.weight = 400;
  sub.italic = false;
  sub.colour = style.subtitle_colour;
  sub.max_px = plan.format == CollageFormat::kStory ? 40 : 30;
  sub.min_px = 14;
  const double title_share = caption.subtitle.empty() ? 1.0 : 0.62;
  DrawText(canvas.cr(), caption.title, {box.x, box.y, box.w, box.h * title_share}, title);
  if (!caption.subtitle.empty()) {
    DrawText(canvas.cr(), caption.subtitle,
             {box.x, box.y + box.h * title_share, box.w, box.h * (1 - title_share)}, sub);
  }
  return canvas.ToRgb();
}

}  // namespace camroll
