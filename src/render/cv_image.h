// Internal to render/: RgbImage <-> cv::Mat and the input check the OpenCV renderers share.
#pragma once

#include <opencv2/core.hpp>
#include <string_view>

#include "core/result.h"
#include "media/image.h"

namespace camroll::render_detail {

// kInvalidInput when `image` is empty or its pixel bytes do not match its size; `what` names it.
Status CheckRgb(const RgbImage& image, std::string_view what);

// A cv::Mat header over the image's bytes (no copy). OpenCV only reads it.
cv::Mat AsMat(const RgbImage& image);

// A copy of an 8-bit RGB Mat, or of a float RGB Mat in 0..1 (scaled to 0..255).
RgbImage FromMat(const cv::Mat& mat);

}  // namespace camroll::render_detail
