// The cost of a 15 s recap video (title card + 5 photos with crossfades, 1080x1920, 30 fps,
// H.264): seconds per recap, frames per second, and peak RSS.
//
//   python3 bench/make_bench_photos.py /tmp/b12 --count 6
//   CAMROLL_BENCH_DIR=/tmp/b12 build/release/bench/recap_bench [runs] [preset] [out.mp4]
//
// The photos are 12 MP JPEGs decoded to a 2160-px long edge (as the app would for a recap);
// decoding is timed apart from rendering. Renders on one thread: x264 is set to one thread for
// reproducible output, and frames are made on the calling thread.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/files.h"
#include "media/decode.h"
#include "render/recap.h"

namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

double PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // kilobytes on Linux
}

}  // namespace

int main(int argc, char** argv) {
  using camroll::RecapItem;
  using Clock = std::chrono::steady_clock;
  const char* dir = std::getenv("CAMROLL_BENCH_DIR");
  if (!dir) {
    std::fprintf(stderr,
                 "set CAMROLL_BENCH_DIR to a folder of 12 MP JPEGs "
                 "(python3 bench/make_bench_photos.py DIR --count 6)\n");
    return 2;
  }
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  camroll::RecapSpec spec;
  if (argc > 2) spec.preset = argv[2];
  const std::filesystem::path out =
      argc > 3 ? std::filesystem::path(argv[3])
               : std::filesystem::temp_directory_path() / "camroll_recap_bench.mp4";

  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".jpg" || e.path().extension() == ".jpeg")
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  if (files.size() < 5) {
    std::fprintf(stderr, "need at least 5 JPEGs in %s\n", dir);
    return 2;
  }
  files.resize(5);

  const auto t0 = Clock::now();
  std::vector<RecapItem> items;
  for (const auto& f : files) {
    auto bytes = camroll::ReadFile(f, 1 << 30);
    if (!bytes) {
      std::fprintf(stderr, "%s\n", bytes.error().ToString().c_str());
      return 1;
    }
    auto image = camroll::DecodeImageScaled(*bytes, camroll::Format::kJpeg, 2160, {});
    if (!image) {
      std::fprintf(stderr, "%s: %s\n", f.c_str(), image.error().ToString().c_str());
      return 1;
    }
    items.push_back(camroll::RecapPhoto{std::move(*image), {0.3, 0.3, 0.3, 0.3}});
  }
  const double decode_s = std::chrono::duration<double>(Clock::now() - t0).count();
  const double rss_before = PeakRssMiB();  // the decoded photos and the libraries

  // Title 2 s + 5 photos; photo_s chosen so that the total is 15 s: 2 + 5 p - 5 * 0.5 = 15.
  spec.title = "19–21 Jun · Porto";
  spec.subtitle = "Portugal · 11 photos";
  spec.photo_s = 3.1;
  std::printf("recap_bench: %zu photos %dx%d (decode to 2160: %.2f s), preset %s, %d runs\n",
              items.size(), std::get<camroll::RecapPhoto>(items[0]).image.width,
              std::get<camroll::RecapPhoto>(items[0]).image.height, decode_s, spec.preset.c_str(),
              runs);
  double best = 1e9, best_cpu = 1e9;
  camroll::RecapResult result;
  for (int r = 0; r < runs; ++r) {
    const auto start = Clock::now();
    const double cpu_start = CpuSeconds();
    auto rendered = camroll::RenderRecap(items, spec, out);
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = CpuSeconds() - cpu_start;
    if (!rendered) {
      std::fprintf(stderr, "%s\n", rendered.error().ToString().c_str());
      return 1;
    }
    result = *rendered;
    best = std::min(best, s);
    best_cpu = std::min(best_cpu, cpu);
    std::printf("  run %d: %.2f s wall, %.2f s CPU\n", r + 1, s, cpu);
  }
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(out, ec);
  std::printf(
      "recap %.2f s (%d frames): best %.2f s wall, %.2f s CPU per recap (%.1f frames/s wall); "
      "file %.1f MB; peak RSS %.0f MiB (%.0f MiB before rendering)\n",
      result.duration_s, result.frames, best, best_cpu, result.frames / best,
      ec ? 0.0 : bytes / 1e6, PeakRssMiB(), rss_before);
  return 0;
}
