#include "ml/segmenter.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "core/paths.h"
#include "media/decode.h"

namespace camroll::ml {
namespace {

const std::filesystem::path kModels = std::filesystem::path(CAMROLL_BINARY_DIR) / "models";

std::filesystem::path SkimageData() {
  return DepsDir() / "deb/python3-skimage/usr/lib/python3/dist-packages/skimage/data";
}

RgbImage Load(const std::filesystem::path& file) {
  auto bytes = ReadFile(file, 64 << 20);
  EXPECT_TRUE(bytes.has_value()) << file;
  if (!bytes) return {};
  auto img = DecodeImageScaled(*bytes, SniffFormat(*bytes), 1024, {});
  EXPECT_TRUE(img.has_value()) << file;
  return img ? *img : RgbImage{};
}

TEST(PersonSegmenter, FindsThePerson) {
  if (!std::filesystem::exists(SkimageData())) GTEST_SKIP() << "skimage data not installed";
  auto seg = PersonSegmenter::Open(kModels);
  ASSERT_TRUE(seg.has_value()) << seg.error().ToString();

  RgbImage astronaut = Load(SkimageData() / "astronaut.png");  // a portrait, 512x512
  auto m = (*seg)->Segment(astronaut);
  ASSERT_TRUE(m.has_value()) << m.error().ToString();
  EXPECT_EQ(m->mask.width, astronaut.width);
  EXPECT_EQ(m->mask.height, astronaut.height);
  EXPECT_GT(m->person_fraction, 0.2f);
  // Her face (centre-left, upper half) is person; the top-right corner (flag, sky) is not.
  EXPECT_GT(m->mask.at(astronaut.width * 45 / 100, astronaut.height * 25 / 100), 200);
  EXPECT_LT(m->mask.at(astronaut.width - 5, 5), 60);
}

TEST(PersonSegmenter, RejectsAnEmptyImage) {
  auto seg = PersonSegmenter::Open(kModels);
  ASSERT_TRUE(seg.has_value()) << seg.error().ToString();
  EXPECT_FALSE((*seg)->Segment(RgbImage{}).has_value());
}

}  // namespace
}  // namespace camroll::ml
