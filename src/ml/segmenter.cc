#include "ml/segmenter.h"

#include <algorithm>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "ml/image_tensor.h"
#include "ml/model_store.h"

namespace camroll::ml {
namespace {
constexpr int kSize = 256;
}

Result<std::unique_ptr<PersonSegmenter>> PersonSegmenter::Open(
    const std::filesystem::path& models_dir, const SessionOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(auto session, OpenModel(models_dir, "selfie", options));
  return std::unique_ptr<PersonSegmenter>(new PersonSegmenter(std::move(session)));
}

Result<PersonMask> PersonSegmenter::Segment(const RgbImage& upright) const {
  if (upright.empty()) return Fail(ErrorCode::kInvalidInput, "segmenting an empty image");
  RgbImage small = StretchTo(upright, kSize, kSize);
  Normalization norm;  // RGB / 255
  std::vector<float> x = ToTensor(small, norm, Layout::kNHWC);
  InputView in{"input_1", {1, kSize, kSize, 3}, x};
  CAMROLL_ASSIGN_OR_RETURN(auto out, session_->Run({&in, 1}));
  const std::vector<float>& prob = out.at(0).data;
  if (prob.size() != static_cast<size_t>(kSize) * kSize) {
    return Fail(ErrorCode::kInternal, "selfie model output of an unexpected size");
  }
  cv::Mat m(kSize, kSize, CV_32F, const_cast<float*>(prob.data()));
  cv::Mat big;
  cv::resize(m, big, cv::Size(upright.width, upright.height), 0, 0, cv::INTER_LINEAR);
  PersonMask result;
  result.mask.width = upright.width;
  result.mask.height = upright.height;
  result.mask.pixels.resize(static_cast<size_t>(upright.width) * upright.height);
  cv::Mat dst(upright.height, upright.width, CV_8U, result.mask.pixels.data());
  big.convertTo(dst, CV_8U, 255.0);
  size_t person = 0;
  for (float p : prob) person += p >= 0.5f;
  result.person_fraction = static_cast<float>(person) / prob.size();
  return result;
}

}  // namespace camroll::ml
