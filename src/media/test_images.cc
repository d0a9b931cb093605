#include "media/test_images.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <exiv2/exiv2.hpp>
#include <random>
#include <stdexcept>

#include "core/files.h"
#include "media/decode.h"
#include "media/vips_util.h"

namespace camroll::testing {

RgbImage TestCard(int width, int height, uint32_t seed) {
  RgbImage img;
  img.width = width;
  img.height = height;
  img.pixels.resize(static_cast<size_t>(width) * height * 3);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> noise(-12, 12);
  const double cx = width * (0.3 + 0.4 * (seed % 7) / 7.0), cy = height * 0.55;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      uint8_t* p = img.pixels.data() + (static_cast<size_t>(y) * width + x) * 3;
      double r = 255.0 * x / width, g = 255.0 * y / height,
             b = 128 + 100 * std::sin(x * 0.02 + seed);
      // A disc with a hard edge.
      if (std::hypot(x - cx, y - cy) < std::min(width, height) / 5.0) {
        r = 240;
        g = 200 - 40.0 * (seed % 3);
        b = 40;
      }
      // A checkered patch: fine detail for sharpness measures.
      if (x > width * 0.65 && x < width * 0.9 && y > height * 0.1 && y < height * 0.4) {
        double v = ((x / 4 + y / 4) % 2) ? 230 : 25;
        r = g = b = v;
      }
      int n = noise(rng);
      p[0] = static_cast<uint8_t>(std::clamp(r + n, 0.0, 255.0));
      p[1] = static_cast<uint8_t>(std::clamp(g + n, 0.0, 255.0));
      p[2] = static_cast<uint8_t>(std::clamp(b + n, 0.0, 255.0));
    }
  }
  return img;
}

RgbImage Blurred(const RgbImage& image, int radius) {
  RgbImage cur = image;
  RgbImage tmp = image;
  const int w = image.width, h = image.height;
  for (int pass = 0; pass < 3; ++pass) {
    for (int y = 0; y < h; ++y) {  // horizontal
      for (int x = 0; x < w; ++x) {
        for (int c = 0; c < 3; ++c) {
          int sum = 0, n = 0;
          for (int k = std::max(0, x - radius); k <= std::min(w - 1, x + radius); ++k, ++n) {
            sum += cur.pixels[(static_cast<size_t>(y) * w + k) * 3 + c];
          }
          tmp.pixels[(static_cast<size_t>(y) * w + x) * 3 + c] = static_cast<uint8_t>(sum / n);
        }
      }
    }
    for (int y = 0; y < h; ++y) {  // vertical
      for (int x = 0; x < w; ++x) {
        for (int c = 0; c < 3; ++c) {
          int sum = 0, n = 0;
          for (int k = std::max(0, y - radius); k <= std::min(h - 1, y + radius); ++k, ++n) {
            sum += tmp.pixels[(static_cast<size_t>(k) * w + x) * 3 + c];
          }
          cur.pixels[(static_cast<size_t>(y) * w + x) * 3 + c] = static_cast<uint8_t>(sum / n);
        }
      }
    }
  }
  return cur;
}

std::vector<uint8_t> JpegWithExif(const RgbImage& image,
                                  const std::map<std::string, std::string>& exif, int quality) {
  auto jpeg = EncodeJpeg(image, quality);
  if (!jpeg) throw std::runtime_error(jpeg.error().ToString());
  if (exif.empty()) return *jpeg;
  auto img = Exiv2::ImageFactory::open(jpeg->data(), static_cast<long>(jpeg->size()));
  img->readMetadata();
  Exiv2::ExifData data;
  for (const auto& [key, value] : exif) data[key] = value;
  img->setExifData(data);
  img->writeMetadata();
  Exiv2::BasicIo& io = img->io();
  io.seek(0, Exiv2::BasicIo::beg);
  Exiv2::DataBuf buf = io.read(static_cast<long>(io.size()));
  return std::vector<uint8_t>(buf.pData_, buf.pData_ + buf.size_);
}

double MeanAbsDiff(const RgbImage& a, const RgbImage& b) {
  EXPECT_EQ(a.width, b.width);
  EXPECT_EQ(a.height, b.height);
  if (a.pixels.size() != b.pixels.size() || a.pixels.empty()) return 255;
  double sum = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) sum += std::abs(a.pixels[i] - b.pixels[i]);
  return sum / static_cast<double>(a.pixels.size());
}

std::vector<uint8_t> EncodeWithVips(const RgbImage& img, const char* suffix) {
  EnsureVips();
  VipsImagePtr in(vips_image_new_from_memory(img.pixels.data(), img.pixels.size(), img.width,
                                             img.height, 3, VIPS_FORMAT_UCHAR));
  void* buf = nullptr;
  size_t size = 0;
  if (!in || vips_image_write_to_buffer(in.get(), suffix, &buf, &size, nullptr) != 0) {
    throw std::runtime_error(std::string("libvips could not save: ") + vips_error_buffer());
  }
  std::vector<uint8_t> out(static_cast<uint8_t*>(buf), static_cast<uint8_t*>(buf) + size);
  g_free(buf);
  return out;
}

bool PatchJpegSize(std::vector<uint8_t>& jpeg, int width, int height) {
  for (size_t i = 2; i + 9 < jpeg.size(); ++i) {
    if (jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0) {
      jpeg[i + 5] = static_cast<uint8_t>(height >> 8);
      jpeg[i + 6] = static_cast<uint8_t>(height);
      jpeg[i + 7] = static_cast<uint8_t>(width >> 8);
      jpeg[i + 8] = static_cast<uint8_t>(width);
      return true;
    }
  }
  return false;
}

RgbImage LoadUpright(const std::filesystem::path& file, int long_edge) {
  auto bytes = ReadFile(file, 256 << 20);
  EXPECT_TRUE(bytes.has_value()) << file;
  if (!bytes) return {};
  auto img = DecodeImageUpright(*bytes, long_edge, {});
  EXPECT_TRUE(img.has_value()) << file << ": " << img.error().ToString();
  return img ? std::move(*img) : RgbImage{};
}

}  // namespace camroll::testing
