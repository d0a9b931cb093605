// Per-stage cost of analysing one 12 MP phone JPEG, to see where a scan's time goes.
// Set CAMROLL_BENCH_JPEG to a photo (bench/make_bench_photos.py makes them).
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "core/files.h"
#include "core/sha256.h"
#include "media/decode.h"
#include "media/metadata.h"
#include "media/phash.h"
#include "media/quality.h"
#include "media/yuv_image.h"

namespace camroll {
namespace {

const std::vector<uint8_t>& Photo() {
  static const std::vector<uint8_t> bytes = [] {
    const char* path = std::getenv("CAMROLL_BENCH_JPEG");
    if (!path) {
      std::fprintf(stderr, "set CAMROLL_BENCH_JPEG to a 12 MP JPEG\n");
      std::exit(2);
    }
    return *ReadFile(path, 1 << 30);
  }();
  return bytes;
}

const RgbImage& Preview() {
  static const RgbImage img = *DecodeImageScaled(Photo(), Format::kJpeg, 1440, DecodeOptions{});
  return img;
}

void BM_Sha256(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Sha256Of(Photo()));
  state.SetBytesProcessed(state.iterations() * Photo().size());
}
BENCHMARK(BM_Sha256)->Unit(benchmark::kMillisecond);

void BM_Metadata(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ReadImageMetadata(Photo(), Format::kJpeg));
}
BENCHMARK(BM_Metadata)->Unit(benchmark::kMillisecond);

void BM_DecodeTo1440(benchmark::State& state) {
  DecodeOptions options;
  options.backend = static_cast<DecodeBackend>(state.range(0));
  for (auto _ : state)
    benchmark::DoNotOptimize(DecodeImageScaled(Photo(), Format::kJpeg, 1440, options));
  state.SetLabel(std::string(DecodeBackendName(options.backend)));
}
BENCHMARK(BM_DecodeTo1440)
    ->Arg(static_cast<int>(DecodeBackend::kTurbo))
    ->Arg(static_cast<int>(DecodeBackend::kVips))
    ->Unit(benchmark::kMillisecond);

// The scan's path: planes at 1/2 DCT scale, resized to the 1440-px preview.
void BM_PlanesTo1440(benchmark::State& state) {
  for (auto _ : state) {
    auto planes = DecodeJpegPlanes(Photo(), 1440, DecodeOptions{});
    benchmark::DoNotOptimize(ResizeYuvToLongEdge(*planes, 1440));
  }
}
BENCHMARK(BM_PlanesTo1440)->Unit(benchmark::kMillisecond);

void BM_EncodePlanes1440(benchmark::State& state) {
  const YuvImage preview =
      ResizeYuvToLongEdge(*DecodeJpegPlanes(Photo(), 1440, DecodeOptions{}), 1440);
  for (auto _ : state) benchmark::DoNotOptimize(EncodeJpeg(preview, 82));
}
BENCHMARK(BM_EncodePlanes1440)->Unit(benchmark::kMillisecond);

void BM_Orientation(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ApplyOrientation(Preview(), 6));
}
BENCHMARK(BM_Orientation)->Unit(benchmark::kMillisecond);

void BM_ResizeTo256(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(ResizeToLongEdge(Preview(), 256));
}
BENCHMARK(BM_ResizeTo256)->Unit(benchmark::kMillisecond);

void BM_EncodeJpeg(benchmark::State& state) {
  const RgbImage img = state.range(0) == 1440 ? Preview() : *ResizeToLongEdge(Preview(), 256);
  for (auto _ : state) benchmark::DoNotOptimize(EncodeJpeg(img, 82));
}
BENCHMARK(BM_EncodeJpeg)->Arg(1440)->Arg(256)->Unit(benchmark::kMillisecond);

void BM_Hashes(benchmark::State& state) {
  const GrayImage gray = ToGray(*ResizeToLongEdge(Preview(), 256));
  for (auto _ : state) {
    benchmark::DoNotOptimize(PHash(gray));
    benchmark::DoNotOptimize(DHash(gray));
  }
}
BENCHMARK(BM_Hashes)->Unit(benchmark::kMillisecond);

void BM_Quality(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(MeasureQuality(Preview()));
}
BENCHMARK(BM_Quality)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace camroll
