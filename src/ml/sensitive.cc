#include "ml/sensitive.h"

#include <algorithm>
#include <cmath>

#include "ml/model_store.h"

namespace camroll::ml {
namespace {
constexpr int kSize = 224;
}

bool IsSensitive(const SensitiveScores& s) {
  return s.porn + s.hentai >= kExplicitThreshold || s.sexy >= kSexyThreshold;
}

std::vector<float> AlignCornersTensor(const RgbImage& image, int size) {
  std::vector<float> t(static_cast<size_t>(size) * size * 3);
  // align_corners: output pixel i samples input (i * (in - 1) / (out - 1)).
  const float sy = size > 1 ? static_cast<float>(image.height - 1) / (size - 1) : 0;
  const float sx = size > 1 ? static_cast<float>(image.width - 1) / (size - 1) : 0;
  const uint8_t* px = image.pixels.data();
  const size_t stride = static_cast<size_t>(image.width) * 3;
  for (int y = 0; y < size; ++y) {
    const float fy = y * sy;
    const int y0 = static_cast<int>(fy);
    const int y1 = std::min(y0 + 1, image.height - 1);
    const float wy = fy - y0;
    for (int x = 0; x < size; ++x) {
      const float fx = x * sx;
      const int x0 = static_cast<int>(fx);
      const int x1 = std::min(x0 + 1, image.width - 1);
      const float wx = fx - x0;
      for (int c = 0; c < 3; ++c) {
        const float tl = px[y0 * stride + x0 * 3 + c], tr = px[y0 * stride + x1 * 3 + c];
        const float bl = px[y1 * stride + x0 * 3 + c], br = px[y1 * stride + x1 * 3 + c];
        const float top = tl + (tr - tl) * wx;
        const float bottom = bl + (br - bl) * wx;
        t[(static_cast<size_t>(y) * size + x) * 3 + c] = (top + (bottom - top) * wy) / 255.0f;
      }
    }
  }
  return t;
}

Result<std::unique_ptr<SensitiveClassifier>> SensitiveClassifier::Open(
    const std::filesystem::path& models_dir, const SessionOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(auto session, OpenModel(models_dir, "nsfw", options));
  return std::unique_ptr<SensitiveClassifier>(new SensitiveClassifier(std::move(session)));
}

Result<SensitiveScores> SensitiveClassifier::Classify(const RgbImage& upright) const {
  if (upright.empty()) return Fail(ErrorCode::kInvalidInput, "classifying an empty image");
  std::vector<float> x = AlignCornersTensor(upright, kSize);
  InputView in{session_->inputs().at(0).name, {1, kSize, kSize, 3}, x};
  CAMROLL_ASSIGN_OR_RETURN(auto out, session_->Run({&in, 1}));
  const std::vector<float>& p = out.at(0).data;
  if (p.size() != 5) return Fail(ErrorCode::kInternal, "nsfw model output of an unexpected size");
  return SensitiveScores{p[0], p[1], p[2], p[3], p[4]};
}

}  // namespace camroll::ml
