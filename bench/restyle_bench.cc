// Cost of each restyle look and of AutoEnhance on a 12 MP phone photo, on one core (OpenCV's
// own threads are switched off so that the numbers match the budget of 1.5 s per look).
// Set CAMROLL_BENCH_JPEG to a 4032x3024 JPEG (bench/make_bench_photos.py makes them).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/files.h"
#include "media/decode.h"
#include "render/enhance.h"
#include "render/restyle.h"

namespace camroll {
namespace {

const RgbImage& Photo() {
  static const RgbImage img = [] {
    const char* path = std::getenv("CAMROLL_BENCH_JPEG");
    if (!path) {
      std::fprintf(stderr, "set CAMROLL_BENCH_JPEG to a 12 MP JPEG\n");
      std::exit(2);
    }
    auto bytes = ReadFile(path, 1 << 30);
    if (!bytes) {
      std::fprintf(stderr, "%s\n", bytes.error().ToString().c_str());
      std::exit(2);
    }
    auto decoded = DecodeImageScaled(*bytes, Format::kJpeg, 4032, DecodeOptions{});
    if (!decoded) {
      std::fprintf(stderr, "%s\n", decoded.error().ToString().c_str());
      std::exit(2);
    }
    cv::setNumThreads(1);
    return *std::move(decoded);
  }();
  return img;
}

void BM_ApplyLook(benchmark::State& state) {
  const Look look = AllLooks()[state.range(0)];
  const RgbImage& photo = Photo();
  for (auto _ : state) benchmark::DoNotOptimize(ApplyLook(photo, look, 1));
  state.SetLabel(std::string(LookName(look)) + " " + std::to_string(photo.width) + "x" +
                 std::to_string(photo.height));
}
BENCHMARK(BM_ApplyLook)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

void BM_AutoEnhance(benchmark::State& state) {
  const RgbImage& photo = Photo();
  for (auto _ : state) benchmark::DoNotOptimize(AutoEnhance(photo));
  state.SetLabel(std::to_string(photo.width) + "x" + std::to_string(photo.height));
}
BENCHMARK(BM_AutoEnhance)->Unit(benchmark::kMillisecond);

// The photo with three long horizontal lines drawn across (a horizon, roof lines), turned by
// 3°: straightening adds a full-size turn and crop (bicubic).
void BM_AutoEnhanceTilted(benchmark::State& state) {
  static const RgbImage tilted = [] {
    const RgbImage& photo = Photo();
    cv::Mat src(photo.height, photo.width, CV_8UC3);
    cv::Mat(photo.height, photo.width, CV_8UC3, const_cast<uint8_t*>(photo.pixels.data()))
        .copyTo(src);
    for (int i = 1; i <= 3; ++i) {
      const int y = photo.height * i / 4;
      cv::line(src, {0, y}, {photo.width - 1, y}, cv::Scalar(30, 30, 30), 8);
    }
    cv::Mat turned;
    cv::warpAffine(
        src, turned,
        cv::getRotationMatrix2D(cv::Point2f(photo.width / 2.0f, photo.height / 2.0f), 3.0, 1.0),
        src.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
    RgbImage out;
    out.width = photo.width;
    out.height = photo.height;
    out.pixels.assign(turned.datastart, turned.dataend);
    return out;
  }();
  double rotation = 0;
  for (auto _ : state) {
    auto e = AutoEnhance(tilted);
    if (e) rotation = e->rotation_deg;
    benchmark::DoNotOptimize(e);
  }
  state.SetLabel("straightened " + std::to_string(rotation) + " deg");
}
BENCHMARK(BM_AutoEnhanceTilted)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace camroll
