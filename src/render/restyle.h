// Restyled photos: classical image filters that give a photo the look of a cartoon, a pencil
// sketch, an oil painting, a watercolour, a pop-art print or an old film photo, and portrait
// effects driven by a person mask. Every look is named for the algorithm behind it; nothing here
// is a neural style transfer.
//
// Sizes: ideas are rendered for screens, so a look works on, and returns, the photo reduced to
// at most kLookLongEdge pixels on its long side (never enlarged): a 12 MP original and its
// 1440-px preview give the same picture. The heaviest filters (the Kuwahara filter, the
// abstraction of the watercolour) run on a smaller copy inside that and are scaled back up, which
// suits them: they remove fine detail anyway. This keeps every look within about 1.5 s on one
// core for a 12 MP photo (bench/restyle_bench.cc measures it).
//
// Determinism: the same (photo, look, seed) always gives the same bytes. The seed only drives
// the noise of the looks that have some (film grain, watercolour pigment and paper, the paper of
// the pencil sketch); the others ignore it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "media/image.h"

namespace camroll {

// The long edge of a look's result (and of its working copy).
inline constexpr int kLookLongEdge = 1440;

enum class Look { kCartoon, kPencilSketch, kOilPaint, kWatercolour, kPopArt, kFilm };

// "cartoon", "pencil-sketch", "oil-paint", "watercolour", "pop-art", "film".
std::string_view LookName(Look look);
// One honest line for a UI, saying what the look does and how.
std::string_view LookDescription(Look look);
std::optional<Look> LookFromName(std::string_view name);
// Every look, in the order of the enum.
const std::vector<Look>& AllLooks();

// The photo in the given look, at min(photo's long edge, kLookLongEdge) on its long side (the
// aspect ratio kept). Fails with kInvalidInput for an empty or malformed image.
Result<RgbImage> ApplyLook(const RgbImage& photo, Look look, uint64_t seed);

enum class PortraitEffect { kBackgroundBlur, kColourSplash, kBackgroundSwap };

// "background-blur", "colour-splash", "background-swap".
std::string_view PortraitEffectName(PortraitEffect effect);
// The effect of that name, or nullopt.
std::optional<PortraitEffect> PortraitEffectFromName(std::string_view name);

// Applies `effect` to the background of a portrait, at the photo's own size.
// person_mask: 8-bit, 255 = person, 0 = background, values between are a soft edge; any size (it
// is scaled to the photo, so a segmentation model's low-resolution mask is fine). The mask's
// edge is feathered by about 0.3% of the photo's long edge so that the cut-out does not look
// pasted; well inside the person, pixels are left exactly as they are.
//   kBackgroundBlur: a lens-like blur (Gaussian, sigma 1.2% of the long edge) of the background
//     only: the blur is normalised by the background mask, so the person does not bleed a halo
//     into it.
//   kColourSplash: the background in black and white (Rec. 601 luma), the person in colour.
//   kBackgroundSwap: the background replaced by `background` scaled to cover the photo (centred
//     crop) or, when null, by a soft vertical gradient made from the photo's own background
//     colours (lightened and calmed).
// Fails with kInvalidInput for an empty photo or mask, or a malformed image.
Result<RgbImage> ApplyPortraitEffect(const RgbImage& photo, const GrayImage& person_mask,
                                     PortraitEffect effect, const RgbImage* background = nullptr);

}  // namespace camroll
