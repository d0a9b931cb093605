// No-reference quality measures used to pick the best shot of a burst and to rank photos.
#pragma once

#include "media/image.h"

namespace camroll {

struct QualityMeasures {
  double sharpness = 0;       // variance of the 4-neighbour Laplacian on a 512-px-wide luma copy
  double tenengrad = 0;       // mean squared Sobel gradient on the same copy (sturdier to noise)
  double brightness = 0;      // mean luma, 0..1
  double contrast = 0;        // luma standard deviation, 0..1
  double clipped_dark = 0;    // fraction of pixels at or below 4/255
  double clipped_bright = 0;  // fraction at or above 251/255
  // Hasler-Süsstrunk colourfulness (0 for grey, ~20 muted, ~60 vivid, 100+ saturated), computed
  // on the chroma planes (Cb, Cr) when the caller has them; 0 otherwise.
  double colourfulness = 0;
  // 0..1, higher is better: sharpness dominates, exposure (mid-tone mean, little clipping,
  // some contrast) and colourfulness refine. A photo at the usual blur threshold (Laplacian
  // variance 100) with a good exposure and moderate colour scores about 0.6.
  double score = 0;
};

// The long edge the measures are normalised to, so that sharpness compares across resolutions.
inline constexpr int kQualityLongEdge = 512;

// Measures an image, first reduced to kQualityLongEdge when it is larger (pass an image of that
// size when you have one: the analyzer derives its 256-px thumbnail from the same copy).
QualityMeasures MeasureQuality(const RgbImage& image);
// The same on a luma plane (BT.601 luma, as in JPEG's Y plane), already at the size to measure,
// with the chroma planes (any subsampling) for colourfulness when given.
QualityMeasures MeasureQuality(const GrayImage& luma, const GrayImage* cb = nullptr,
                               const GrayImage* cr = nullptr);

}  // namespace camroll
