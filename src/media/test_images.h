// Synthetic images and JPEGs with chosen EXIF for the media tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "media/image.h"

namespace camroll::testing {

// A photo-like test card: smooth gradients, a few hard edges and a textured patch, so that
// resizing, hashing and blur measures have something to see. Deterministic for a seed.
RgbImage TestCard(int width, int height, uint32_t seed = 1);

// A copy blurred with a box filter of the given radius (repeated 3 times, ~Gaussian).
RgbImage Blurred(const RgbImage& image, int radius);

// JPEG bytes of `image` with the given EXIF entries ("Exif.Photo.DateTimeOriginal" → value).
// Values for rational keys are written in exiv2's text form ("38/1 43/1 2007/100").
std::vector<uint8_t> JpegWithExif(const RgbImage& image,
                                  const std::map<std::string, std::string>& exif, int quality = 90);

// Mean absolute difference of the samples of two images of the same size (255 if they differ in
// size, after a test failure saying so).
double MeanAbsDiff(const RgbImage& a, const RgbImage& b);

// The image saved by libvips in the format of `suffix` (".png", ".webp[Q=95]", ".heic").
std::vector<uint8_t> EncodeWithVips(const RgbImage& image, const char* suffix);

// Rewrites the frame size declared in a JPEG's SOF0 marker (a decompression bomb: a small file
// declaring a huge image). Returns false when there is no SOF0 marker.
bool PatchJpegSize(std::vector<uint8_t>& jpeg, int width, int height);

// A photo file decoded to at most `long_edge` (the scan's 1440-px preview by default) and turned
// upright, as the analyzer gives it to the detectors; adds a test failure and returns an empty
// image when the file cannot be read or decoded.
RgbImage LoadUpright(const std::filesystem::path& file, int long_edge = 1440);

}  // namespace camroll::testing
