#include "render/cv_image.h"

#include <string>

namespace camroll::render_detail {

Status CheckRgb(const RgbImage& image, std::string_view what) {
  if (image.width <= 0 || image.height <= 0) {
    return Fail(ErrorCode::kInvalidInput, std::string(what) + " is empty");
  }
  if (image.pixels.size() != static_cast<size_t>(image.width) * image.height * 3) {
    return Fail(ErrorCode::kInvalidInput,
                std::string(what) + " has the wrong number of pixel bytes for its size");
  }
  return Ok();
}

cv::Mat AsMat(const RgbImage& image) {
  return cv::Mat(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.pixels.data()));
}

RgbImage FromMat(const cv::Mat& mat) {
  RgbImage out;
  out.width = mat.cols;
  out.height = mat.rows;
  out.pixels.resize(static_cast<size_t>(mat.cols) * mat.rows * 3);
  cv::Mat dst(mat.rows, mat.cols, CV_8UC3, out.pixels.data());
  if (mat.type() == CV_8UC3) {
    mat.copyTo(dst);
  } else {  // float RGB in 0..1
    mat.convertTo(dst, CV_8UC3, 255.0);
  }
  return out;
}

}  // namespace camroll::render_detail
