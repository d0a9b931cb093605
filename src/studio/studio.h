// The studio makes an idea's files: collages (story and square JPEGs), recap videos (MP4),
// restyles and enhancements (before and after JPEGs), themed frames (JPEG). Renders are
// cached in the data folder under a key of everything that shapes them (renderer version,
// idea, photos' bytes, seed), so that making an idea again costs nothing and the same inputs
// and seed always give the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "analyze/asset_facts.h"
#include "core/file_store.h"
#include "core/result.h"
#include "ideas/ideas.h"
#include "media/image.h"
#include "render/theme_frame.h"

namespace camroll {

// Bump when a renderer's output changes, so cached renders are made again.
inline constexpr int kStudioVersion = 1;

struct StudioContext {
  std::filesystem::path data_dir;   // thumbs/ (previews) and renders/ (the cache)
  std::filesystem::path roll_root;  // the originals; when one is missing its preview is used
  const std::vector<AssetFacts>* assets = nullptr;
  // Face boxes by asset index, only when face grouping is on. Crops aim at the faces; without
  // them, at the heads of the people the object detector saw, else at the salient region.
  const std::map<size_t, std::vector<NormBox>>* faces = nullptr;
  // Where the people are in a photo (ml::PersonSegmenter: 255 = person), for portrait restyles
  // ("background-blur", "colour-splash"); empty when the models are not installed, and such
  // ideas then fail with kUnsupported. May be called from several threads at once.
  std::function<Result<GrayImage>(const RgbImage&)> person_mask;
  // Where an original can be read, when not at roll_root / asset.path (a server decrypts one
  // there on request). May be called from several threads at once.
  std::function<Result<std::filesystem::path>(const AssetFacts&)> original_file;
  // How previews and renders are kept in the data folder; nullptr: plain files.
  const FileStore* files = nullptr;
};

// Where the studio reads an asset's original: original_file's answer, else roll_root / path.
Result<std::filesystem::path> OriginalFile(const StudioContext& ctx, const AssetFacts& asset);

// Where a crop of asset `index` should aim (normalised boxes; empty: at the salient region).
std::vector<Box> SubjectBoxes(const StudioContext& ctx, size_t index);

struct RenderedIdea {
  std::vector<std::string> files;  // relative to the data folder: renders/<key>/story.jpg, ...
  bool cached = false;             // already made earlier
};

// The files an idea type makes, in order: collage → story.jpg, square.jpg; recap → recap.mp4;
// restyle → before.jpg, after.jpg; enhance → before.jpg, after.jpg, compare.jpg; theme →
// theme.jpg.
std::vector<std::string> IdeaFileNames(IdeaType type);

// The key of an idea's render: a hex digest of everything that shapes its files.
std::string RenderKey(const Idea& idea, const StudioContext& context, uint64_t seed);

Result<RenderedIdea> RenderIdea(const Idea& idea, const StudioContext& context, uint64_t seed);

// The colour classes of every photo of a roll, from its 256-px thumbnail (none for files that
// failed or have no thumbnail): what the theme rules read.
std::vector<ColourStats> MeasureRollColours(const std::vector<AssetFacts>& assets,
                                            const std::filesystem::path& data_dir,
                                            const FileStore* files = nullptr);

// The look of each theme: ground, frame, decorations and colour grade.
ThemeStyle StyleForTheme(Theme theme);

}  // namespace camroll
