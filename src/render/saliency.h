// Where the eye goes in a photo, without a model: spectral-residual saliency (Hou & Zhang,
// CVPR 2007) on a small luma copy. Collage crops and recap pan/zoom aim at it when no face
// boxes are known; with faces, faces win (saliency crops were found biased and dropped by one
// large platform, ../shared/design/ideas.md).
#pragma once

#include <vector>

#include "media/image.h"
#include "render/geometry.h"

namespace camroll {

// A saliency map of the image at kSaliencySize on its long edge, 0..255.
inline constexpr int kSaliencySize = 64;
GrayImage SaliencyMap(const RgbImage& image);

// The smallest box (normalised) holding `mass` of the map's saliency, found by trimming rows
// and columns from the sides; the whole image for a flat map.
Box SalientBox(const GrayImage& map, double mass = 0.6);

// What a crop must aim at: the union of the face boxes when there are any, else the salient
// box.
Box FocusBox(const RgbImage& image, const std::vector<Box>& faces);

}  // namespace camroll
