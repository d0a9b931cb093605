#include "render/collage.h"

#include <gtest/gtest.h>

#include <random>

#include "media/test_images.h"

namespace camroll {
namespace {

constexpr CollageFamily kFamilies[] = {CollageFamily::kGrid, CollageFamily::kMosaic,
                                       CollageFamily::kHero, CollageFamily::kScrapbook};
constexpr CollageFormat kFormats[] = {CollageFormat::kStory, CollageFormat::kSquare};

std::vector<CollagePhoto> RandomPhotos(std::mt19937& rng, size_t n, bool faces) {
  std::uniform_real_distribution<double> u(0, 1);
  const double aspects[] = {4.0 / 3, 3.0 / 4, 16.0 / 9, 9.0 / 16, 1.0, 3.0, 2.0 / 3};
  std::vector<CollagePhoto> photos(n);
  for (auto& p : photos) {
    p.aspect = aspects[rng() % std::size(aspects)];
    p.quality = u(rng);
    p.focus = {u(rng) * 0.6, u(rng) * 0.6, 0.3, 0.3};
    if (faces) {
      for (int f = 0, count = 1 + static_cast<int>(rng() % 3); f < count; ++f) {
        const double w = 0.05 + u(rng) * 0.2, h = 0.05 + u(rng) * 0.2;
        p.keep.push_back({u(rng) * (1 - w), u(rng) * (1 - h), w, h});
      }
    }
  }
  return photos;
}

TEST(PlanCollage, NeverCutsAFaceBox) {
  std::mt19937 rng(7);
  int fitted = 0, cells = 0;
  for (int trial = 0; trial < 200; ++trial) {
    auto photos = RandomPhotos(rng, 2 + trial % 8, true);
    for (CollageFormat format : kFormats) {
      for (CollageFamily family : kFamilies) {
        CollagePlan plan = PlanCollage(photos, format, family, trial);
        for (const CollageCell& c : plan.cells) {
          ++cells;
          if (c.fitted) {
            ++fitted;
            EXPECT_EQ(c.crop, (Box{0, 0, 1, 1})) << "a fitted cell shows the whole photo";
            continue;
          }
          for (const Box& face : photos[c.photo].keep) {
            ASSERT_TRUE(c.crop.Contains(face, 1e-6))
                << CollageFamilyName(family) << " cuts a face: crop " << c.crop.x << "," << c.crop.y
                << " " << c.crop.w << "x" << c.crop.h << " face " << face.x << "," << face.y << " "
                << face.w << "x" << face.h;
          }
          // A crop has the cell's shape.
          const double crop_aspect = c.crop.w * photos[c.photo].aspect / c.crop.h;
          EXPECT_NEAR(crop_aspect, c.rect.aspect(), 1e-6);
        }
      }
    }
  }
  // Most photos are cropped, not shown whole: the guarantee is not bought by giving up.
  EXPECT_LT(fitted, cells / 4);
}

TEST(PlanCollage, ShowsEachPhotoOnceInsideTheCanvas) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    auto photos = RandomPhotos(rng, 1 + trial % 9, false);
    for (CollageFormat format : kFormats) {
      for (CollageFamily family : kFamilies) {
        CollagePlan plan = PlanCollage(photos, format, family, trial);
        ASSERT_FALSE(plan.cells.empty());
        EXPECT_EQ(plan.cells.size(), std::min(photos.size(), CollageCapacity(family)));
        std::vector<int> seen(photos.size(), 0);
        const Rect canvas{0, 0, static_cast<double>(plan.width), static_cast<double>(plan.height)};
        for (const CollageCell& c : plan.cells) {
          ASSERT_LT(c.photo, photos.size());
          EXPECT_EQ(++seen[c.photo], 1) << "photo shown twice";
          EXPECT_TRUE(canvas.Contains(c.rect, 1.0)) << CollageFamilyName(family);
          EXPECT_GT(c.rect.w, 40);
          EXPECT_GT(c.rect.h, 40);
        }
        // Cells of the straight families never overlap, nor the caption.
        if (family == CollageFamily::kScrapbook) continue;
        for (size_t i = 0; i < plan.cells.size(); ++i) {
          const Rect& a = plan.cells[i].rect;
          auto overlap = [](const Rect& p, const Rect& q) {
            return p.x < q.right() - 0.5 && q.x < p.right() - 0.5 && p.y < q.bottom() - 0.5 &&
                   q.y < p.bottom() - 0.5;
          };
          EXPECT_FALSE(overlap(a, plan.caption));
          for (size_t j = i + 1; j < plan.cells.size(); ++j) {
            EXPECT_FALSE(overlap(a, plan.cells[j].rect)) << CollageFamilyName(family);
          }
        }
      }
    }
  }
}

TEST(PlanCollage, ChoosesTheFamilyThatFitsTheShapes) {
  // Mixed shapes: justified rows keep each photo's shape, so the mosaic crops less than the
  // other families that fill the canvas (scrapbook prints crop little but show photos small).
  std::vector<CollagePhoto> mixed(6);
  const double aspects[] = {4.0 / 3, 3.0 / 4, 16.0 / 9, 4.0 / 3, 3.0 / 4, 1.0};
  for (size_t i = 0; i < mixed.size(); ++i) mixed[i].aspect = aspects[i];
  CollagePlan plan = PlanCollage(mixed, CollageFormat::kStory, std::nullopt, 1);
  EXPECT_EQ(plan.family, CollageFamily::kMosaic);
  for (CollageFamily f : {CollageFamily::kGrid, CollageFamily::kHero}) {
    EXPECT_LT(plan.crop_loss, PlanCollage(mixed, CollageFormat::kStory, f, 1).crop_loss);
  }
  EXPECT_GT(plan.coverage,
            PlanCollage(mixed, CollageFormat::kStory, CollageFamily::kScrapbook, 1).coverage);
  // One clearly better photo among a few of one shape: the hero layout is a candidate the
  // caller can ask for, and it puts the best photo in the big cell.
  std::vector<CollagePhoto> same(3);
  for (auto& p : same) p.aspect = 4.0 / 3;
  same[2].quality = 0.95;
  CollagePlan hero = PlanCollage(same, CollageFormat::kStory, CollageFamily::kHero, 1);
  EXPECT_EQ(hero.cells.front().photo, 2u);
}

TEST(RenderCollage, DrawsEveryFamilyAtItsSizeDeterministically) {
  std::vector<RgbImage> images;
  for (uint32_t i = 0; i < 6; ++i)
    images.push_back(testing::TestCard(i % 2 ? 300 : 400, i % 2 ? 400 : 300, i + 1));
  std::vector<const RgbImage*> ptrs;
  std::vector<CollagePhoto> photos;
  for (const auto& img : images) {
    ptrs.push_back(&img);
    CollagePhoto p;
    p.aspect = static_cast<double>(img.width) / img.height;
    photos.push_back(p);
  }
  CollageCaption caption{"19–21 Jun · Porto", "Friday 19 – Sunday 21 June 2026 · Porto, Portugal"};
  for (CollageFormat format : kFormats) {
    for (CollageFamily family : kFamilies) {
      CollagePlan plan = PlanCollage(photos, format, family, 3);
      auto a = RenderCollage(plan, ptrs, caption, CollageStyle{});
      ASSERT_TRUE(a) << a.error().ToString();
      auto [w, h] = CollageSize(format);
      EXPECT_EQ(a->width, w);
      EXPECT_EQ(a->height, h);
      auto b = RenderCollage(plan, ptrs, caption, CollageStyle{});
      EXPECT_EQ(a->pixels, b->pixels) << CollageFamilyName(family);
    }
  }
  // Another seed tilts the scrapbook prints differently.
  auto s1 = RenderCollage(PlanCollage(photos, CollageFormat::kSquare, CollageFamily::kScrapbook, 1),
                          ptrs, caption, CollageStyle{});
  auto s2 = RenderCollage(PlanCollage(photos, CollageFormat::kSquare, CollageFamily::kScrapbook, 2),
                          ptrs, caption, CollageStyle{});
  EXPECT_NE(s1->pixels, s2->pixels);
}

TEST(RenderCollage, RefusesAPlanWithoutItsPhotos) {
  std::vector<CollagePhoto> photos(2);
  CollagePlan plan = PlanCollage(photos, CollageFormat::kSquare, CollageFamily::kGrid, 1);
  RgbImage one = testing::TestCard(100, 100);
  auto r = RenderCollage(plan, {&one}, {}, CollageStyle{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace camroll
