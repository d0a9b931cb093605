// Milliseconds per collage (each family, story format) and per themed frame, from 1440-px
// previews of 12 MP photos: set CAMROLL_BENCH_DIR to a folder of JPEGs
// (bench/make_bench_photos.py makes them).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "core/files.h"
#include "media/decode.h"
#include "render/collage.h"
#include "render/saliency.h"
#include "render/theme_frame.h"

namespace camroll {
namespace {

const std::vector<RgbImage>& Previews() {
  static const std::vector<RgbImage> images = [] {
    const char* dir = std::getenv("CAMROLL_BENCH_DIR");
    if (!dir) {
      std::fprintf(stderr, "set CAMROLL_BENCH_DIR to a folder of JPEGs\n");
      std::exit(2);
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".jpg") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<RgbImage> out;
    for (size_t i = 0; i < files.size() && i < 6; ++i) {
      out.push_back(
          *DecodeImageScaled(*ReadFile(files[i], 1 << 30), Format::kJpeg, 1440, DecodeOptions{}));
    }
    return out;
  }();
  return images;
}

void BM_Collage(benchmark::State& state) {
  const auto family = static_cast<CollageFamily>(state.range(0));
  std::vector<const RgbImage*> ptrs;
  std::vector<CollagePhoto> photos;
  for (const auto& img : Previews()) {
    ptrs.push_back(&img);
    CollagePhoto p;
    p.aspect = static_cast<double>(img.width) / img.height;
    p.focus = FocusBox(img, {});
    photos.push_back(p);
  }
  const CollageCaption caption{"19–21 Jun · Porto",
                               "Friday 19 – Sunday 21 June 2026 · Porto, Portugal"};
  for (auto _ : state) {
    CollagePlan plan = PlanCollage(photos, CollageFormat::kStory, family, 1);
    benchmark::DoNotOptimize(RenderCollage(plan, ptrs, caption, CollageStyle{}));
  }
  state.SetLabel(std::string(CollageFamilyName(family)));
}
BENCHMARK(BM_Collage)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

void BM_Saliency(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(FocusBox(Previews().front(), {}));
}
BENCHMARK(BM_Saliency)->Unit(benchmark::kMillisecond);

void BM_ThemeFrame(benchmark::State& state) {
  ThemeStyle style;
  style.ground_top = Rgba::Hex(0xF9D976);
  style.ground_bottom = Rgba::Hex(0xF39F86);
  style.decoration = Decoration::kSunRays;
  for (auto _ : state) {
    benchmark::DoNotOptimize(RenderThemeFrame(Previews().front(), style, "Golden hour · Porto",
                                              "Friday 19 June 2026 · Porto, Portugal", 1));
  }
}
BENCHMARK(BM_ThemeFrame)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace camroll
