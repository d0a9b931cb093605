// Perceptual hashes for near-duplicate and burst detection.
#pragma once

#include <bit>
#include <cstdint>

#include "media/image.h"

namespace camroll {

// Difference hash: 9x8 area-averaged luma, one bit per horizontal neighbour pair.
uint64_t DHash(const GrayImage& image);
// DCT hash: 32x32 luma, 2-D DCT-II, the 8x8 lowest frequencies against their median.
uint64_t PHash(const GrayImage& image);

inline int HammingDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

}  // namespace camroll
