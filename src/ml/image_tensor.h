// From decoded photos to model input tensors, and back: resizing (stretched or letterboxed),
// normalisation and layout. Detectors share these so that each only states its model's
// conventions (size, value range, layout, channel order).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "media/image.h"

namespace camroll::ml {

// Where a model-input pixel comes from: image = (model - pad) / scale.
struct Placement {
  float scale_x = 1, scale_y = 1;
  float pad_x = 0, pad_y = 0;
  float ToImageX(float mx) const { return (mx - pad_x) / scale_x; }
  float ToImageY(float my) const { return (my - pad_y) / scale_y; }
};

// Resizes to exactly w x h (aspect not kept). Area averaging when shrinking, bilinear otherwise.
RgbImage StretchTo(const RgbImage& img, int w, int h, Placement* placement = nullptr);

// Fits the image inside w x h keeping its aspect ratio, centred, the rest filled with `fill`.
RgbImage LetterboxTo(const RgbImage& img, int w, int h, Placement* placement, uint8_t fill = 0);

enum class Layout { kNHWC, kNCHW };

struct Normalization {
  // value = (pixel * scale - mean[c]) / std[c], per channel in the model's channel order.
  float scale = 1.0f / 255.0f;
  std::array<float, 3> mean = {0, 0, 0};
  std::array<float, 3> std = {1, 1, 1};
  bool bgr = false;  // feed channels as B, G, R
};

// A [1, H, W, 3] or [1, 3, H, W] float tensor of the whole image.
std::vector<float> ToTensor(const RgbImage& img, const Normalization& norm, Layout layout);

}  // namespace camroll::ml
