// The machine's JPEG decode limit: libjpeg-turbo decoding the given files at 1/2 scale (the
// smallest DCT scale that still yields a 1440-px preview from a 12 MP photo) with T threads.
// Files are read into memory first; only decoding is timed. Prints images/s.
//
//   jpeg_decode_limit THREADS FILE...
#include <turbojpeg.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s THREADS FILE...\n", argv[0]);
    return 2;
  }
  const int threads = std::atoi(argv[1]);
  std::vector<std::vector<unsigned char>> files;
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    files.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      tjhandle tj = tjInitDecompress();
      std::vector<unsigned char> out;
      for (size_t i; (i = next++) < files.size();) {
        int w = 0, h = 0, ss = 0, cs = 0;
        const auto& f = files[i];
        if (tjDecompressHeader3(tj, f.data(), f.size(), &w, &h, &ss, &cs) != 0) {
          ++failures;
          continue;
        }
        const tjscalingfactor half{1, 2};
        const int sw = TJSCALED(w, half), sh = TJSCALED(h, half);
        out.resize(static_cast<size_t>(sw) * sh * 3);
        if (tjDecompress2(tj, f.data(), f.size(), out.data(), sw, 0, sh, TJPF_RGB, 0) != 0)
          ++failures;
      }
      tjDestroy(tj);
    });
  }
  for (auto& t : pool) t.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%.2f\n", files.size() / s);
  return failures ? 1 : 0;
}
