// Fast, antialiased resampling of 8-bit images: a separable Catmull-Rom cubic whose support
// widens with the reduction, as in Pillow's BICUBIC resize. Weights are fixed point (Q14) and
// precomputed per output row and column. Both passes blend whole rows, 16-bit lanes with AVX2
// where the CPU has it (checked at run time): the rows pass runs on the image, the columns pass
// on its transpose (16x16 SSE2 block transposes for one-byte planes).
#pragma once

#include <cstdint>

#include "media/image.h"

namespace camroll {

// Resamples `channels`-interleaved 8-bit pixels from (src_w, src_h) to (dst_w, dst_h). Made for
// reductions (the kernel widens with them); enlargements use the plain Catmull-Rom kernel.
void ResampleDown(const uint8_t* src, int src_w, int src_h, int channels, uint8_t* dst, int dst_w,
                  int dst_h);

// Convenience for RgbImage: exactly dst_w x dst_h.
RgbImage ResampleDown(const RgbImage& image, int dst_w, int dst_h);
GrayImage ResampleDown(const GrayImage& image, int dst_w, int dst_h);

// Tests only: force the portable blending loop even where AVX2 is available, so that both
// paths are checked on machines that have AVX2.
void TEST_UsePortableResample(bool portable);

}  // namespace camroll
