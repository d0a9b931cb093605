#include "studio/studio.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/files.h"
#include "core/log.h"
#include "core/sha256.h"
#include "media/decode.h"
#include "render/collage.h"
#include "render/enhance.h"
#include "render/recap.h"
#include "render/restyle.h"
#include "render/saliency.h"

namespace camroll {
namespace {

constexpr int kJpegQuality = 90;
constexpr int kOriginalLongEdge = 2560;  // enough for 1080x1920 frames with room to zoom

Result<RgbImage> LoadPreview(const AssetFacts& asset, const StudioContext& ctx) {
  const Thumbnail* t = asset.ThumbnailOfSize(1440);
  if (!t) return Fail(ErrorCode::kNotFound, fmt::format("{} has no preview", asset.path));
  CAMROLL_ASSIGN_OR_RETURN(auto bytes,
                           FilesOrPlain(ctx.files).Read(ctx.data_dir / t->file, 64 << 20));
  return DecodeImageScaled(bytes, Format::kJpeg, 4096, DecodeOptions{});  // already upright
}

// The original, upright, at up to `long_edge`; the preview when the original cannot be read.
Result<RgbImage> LoadPhoto(const AssetFacts& asset, const StudioContext& ctx, int long_edge) {
  if (auto file = OriginalFile(ctx, asset)) {
    auto bytes = ReadFile(*file, 512ull << 20);
    if (bytes) {
      auto image = DecodeImageScaled(*bytes, asset.format, long_edge, DecodeOptions{});
      if (image) {
        // HEIF decoders turn the image themselves (their orientation is always 1).
        return ApplyOrientation(std::move(*image), asset.orientation);
      }
      Log(LogLevel::kInfo, "{}: {}; using its preview", asset.path, image.error().message());
    }
  }
  return LoadPreview(asset, ctx);
}

Status SaveJpeg(const StudioContext& ctx, const RgbImage& image,
                const std::filesystem::path& path) {
  CAMROLL_ASSIGN_OR_RETURN(auto jpeg, EncodeJpeg(image, kJpegQuality));
  return FilesOrPlain(ctx.files).Write(path, jpeg);
}

uint64_t IdeaSeed(const Idea& idea, uint64_t seed) {
  const Digest d = Sha256Of({reinterpret_cast<const uint8_t*>(idea.id.data()), idea.id.size()});
  uint64_t v = seed;
  for (int i = 0; i < 8; ++i) v = v * 131 + d[i];
  return v;
}

}  // namespace

Result<std::filesystem::path> OriginalFile(const StudioContext& ctx, const AssetFacts& asset) {
  if (ctx.original_file) return ctx.original_file(asset);
  if (ctx.roll_root.empty()) return Fail(ErrorCode::kNotFound, "no originals");
  return ctx.roll_root / asset.path;
}

std::vector<Box> SubjectBoxes(const StudioContext& ctx, size_t index) {
  std::vector<Box> boxes;
  if (ctx.faces != nullptr) {
    if (auto it = ctx.faces->find(index); it != ctx.faces->end()) {
      for (const NormBox& f : it->second) boxes.push_back({f.x, f.y, f.w, f.h});
    }
    if (!boxes.empty()) return boxes;
  }
  // A person's head is about the top fifth of their box, in its middle.
  const auto& vision = (*ctx.assets)[index].vision;
  if (vision) {
    for (const ObjectFact& o : vision->objects) {
      if (o.label != "person" || o.score < 0.5f) continue;
      boxes.push_back({o.box.x + o.box.w * 0.2, o.box.y, o.box.w * 0.6, o.box.h * 0.22});
    }
  }
  return boxes;
}

namespace {

Status MakeCollage(const Idea& idea, const StudioContext& ctx, uint64_t seed,
                   const std::filesystem::path& dir) {
  std::vector<RgbImage> images;
  std::vector<CollagePhoto> photos;
  for (size_t m : idea.members) {
    CAMROLL_ASSIGN_OR_RETURN(RgbImage img, LoadPreview((*ctx.assets)[m], ctx));
    CollagePhoto p;
    p.aspect = static_cast<double>(img.width) / img.height;
    p.focus = FocusBox(img, SubjectBoxes(ctx, m));
    p.quality = (*ctx.assets)[m].quality.score;
    photos.push_back(p);
    images.push_back(std::move(img));
  }
  std::vector<const RgbImage*> ptrs;
  for (const auto& img : images) ptrs.push_back(&img);
  const CollageCaption caption{idea.title, idea.subtitle};
  const auto family = CollageFamilyFromName(idea.variant);  // "auto" → the planner chooses
  for (auto [format, name] : {std::pair{CollageFormat::kStory, "story.jpg"},
                              std::pair{CollageFormat::kSquare, "square.jpg"}}) {
    CollagePlan plan = PlanCollage(photos, format, family, seed);
    CAMROLL_ASSIGN_OR_RETURN(RgbImage out, RenderCollage(plan, ptrs, caption, CollageStyle{}));
    CAMROLL_RETURN_IF_ERROR(SaveJpeg(ctx, out, dir / name));
  }
  return Ok();
}

Status MakeRecap(const Idea& idea, const StudioContext& ctx, uint64_t seed,
                 const std::filesystem::path& dir) {
  std::vector<RecapItem> items;
  for (size_t m : idea.members) {
    const AssetFacts& a = (*ctx.assets)[m];
    if (a.kind == MediaKind::kVideo) {
      auto file = OriginalFile(ctx, a);
      if (!file) {
        Log(LogLevel::kInfo, "{}: {}; left out of the recap", a.path, file.error().message());
        continue;
      }
      RecapClip clip;
      clip.path = *file;
      clip.start_s = std::min(1.0, a.duration_s / 4);
      clip.duration_s = std::min(3.0, std::max(1.0, a.duration_s - clip.start_s));
      items.emplace_back(std::move(clip));
    } else {
      CAMROLL_ASSIGN_OR_RETURN(RgbImage img, LoadPhoto(a, ctx, kOriginalLongEdge));
      RecapPhoto photo;
      photo.focus = FocusBox(img, SubjectBoxes(ctx, m));
      photo.image = std::move(img);
      items.emplace_back(std::move(photo));
    }
  }
  RecapSpec spec;
  spec.title = idea.title;
  spec.subtitle = idea.subtitle;
  spec.seed = seed;
  auto result = RenderRecap(items, spec, dir / "recap.mp4");
  // A clip that cannot be read is left out, not the recap.
  while (!result && (result.error().code() == ErrorCode::kNotFound ||
                     result.error().code() == ErrorCode::kUnsupported)) {
    auto bad = std::find_if(items.begin(), items.end(), [&](const RecapItem& item) {
      const auto* clip = std::get_if<RecapClip>(&item);
      return clip && result.error().message().find(clip->path.string()) != std::string::npos;
    });
    if (bad == items.end()) break;
    Log(LogLevel::kWarning, "recap {}: leaving out {}", idea.id,
        std::get<RecapClip>(*bad).path.string());
    items.erase(bad);
    result = RenderRecap(items, spec, dir / "recap.mp4");
  }
  if (!result) return std::unexpected(result.error());
  return FilesOrPlain(ctx.files).Adopt(dir / "recap.mp4");
}

// A portrait restyle: the background blurred or in black and white, the person as they are.
Status MakePortrait(const Idea& idea, const StudioContext& ctx, PortraitEffect effect,
                    const std::filesystem::path& dir) {
  if (!ctx.person_mask) {
    return Fail(ErrorCode::kUnsupported, fmt::format("{} needs the person segmentation model: run "
                                                     "`camroll models install`",
                                                     idea.variant));
  }
  CAMROLL_ASSIGN_OR_RETURN(RgbImage photo,
                           LoadPhoto((*ctx.assets)[idea.members.front()], ctx, kOriginalLongEdge));
  CAMROLL_ASSIGN_OR_RETURN(GrayImage mask, ctx.person_mask(photo));
  CAMROLL_ASSIGN_OR_RETURN(RgbImage styled, ApplyPortraitEffect(photo, mask, effect));
  CAMROLL_RETURN_IF_ERROR(SaveJpeg(ctx, photo, dir / "before.jpg"));
  return SaveJpeg(ctx, styled, dir / "after.jpg");
}

Status MakeRestyle(const Idea& idea, const StudioContext& ctx, uint64_t seed,
                   const std::filesystem::path& dir) {
  if (const auto effect = PortraitEffectFromName(idea.variant)) {
    return MakePortrait(idea, ctx, *effect, dir);
  }
  const auto look = LookFromName(idea.variant);
  if (!look) return Fail(ErrorCode::kInvalidInput, fmt::format("unknown look '{}'", idea.variant));
  CAMROLL_ASSIGN_OR_RETURN(RgbImage photo,
                           LoadPhoto((*ctx.assets)[idea.members.front()], ctx, kOriginalLongEdge));
  CAMROLL_ASSIGN_OR_RETURN(RgbImage styled, ApplyLook(photo, *look, seed));
  CAMROLL_ASSIGN_OR_RETURN(RgbImage before, ResizeToLongEdge(photo, styled.LongEdge()));
  CAMROLL_RETURN_IF_ERROR(SaveJpeg(ctx, before, dir / "before.jpg"));
  return SaveJpeg(ctx, styled, dir / "after.jpg");
}

Status MakeEnhance(const Idea& idea, const StudioContext& ctx, const std::filesystem::path& dir) {
  CAMROLL_ASSIGN_OR_RETURN(RgbImage photo,
                           LoadPhoto((*ctx.assets)[idea.members.front()], ctx, kOriginalLongEdge));
  CAMROLL_ASSIGN_OR_RETURN(Enhancement enhanced, AutoEnhance(photo));
  CAMROLL_ASSIGN_OR_RETURN(RgbImage compare, BeforeAfter(photo, enhanced.image));
  CAMROLL_RETURN_IF_ERROR(SaveJpeg(ctx, photo, dir / "before.jpg"));
  CAMROLL_RETURN_IF_ERROR(SaveJpeg(ctx, enhanced.image, dir / "after.jpg"));
  return SaveJpeg(ctx, compare, dir / "compare.jpg");
}

Status MakeTheme(const Idea& idea, const StudioContext& ctx, uint64_t seed,
                 const std::filesystem::path& dir) {
  const auto theme = ThemeFromName(idea.variant);
  if (!theme)
    return Fail(ErrorCode::kInvalidInput, fmt::format("unknown theme '{}'", idea.variant));
  CAMROLL_ASSIGN_OR_RETURN(RgbImage photo, LoadPreview((*ctx.assets)[idea.members.front()], ctx));
  CAMROLL_ASSIGN_OR_RETURN(RgbImage frame, RenderThemeFrame(photo, StyleForTheme(*theme),
                                                            idea.title, idea.subtitle, seed));
  return SaveJpeg(ctx, frame, dir / "theme.jpg");
}

}  // namespace

std::vector<std::string> IdeaFileNames(IdeaType type) {
  switch (type) {
    case IdeaType::kCollage:
      return {"story.jpg", "square.jpg"};
    case IdeaType::kRecap:
      return {"recap.mp4"};
    case IdeaType::kRestyle:
      return {"before.jpg", "after.jpg"};
    case IdeaType::kEnhance:
      return {"before.jpg", "after.jpg", "compare.jpg"};
    case IdeaType::kTheme:
      return {"theme.jpg"};
  }
  return {};
}

std::string RenderKey(const Idea& idea, const StudioContext& ctx, uint64_t seed) {
  FieldHash h;
  h.Add(fmt::format("studio {} seed {}", kStudioVersion, seed))
      .Add(IdeaTypeName(idea.type))
      .Add(idea.variant)
      .Add(idea.title)
      .Add(idea.subtitle);
  for (size_t m : idea.members) h.Add((*ctx.assets)[m].content_hash);
  const Digest d = h.Finish();
  return ToHex(d);
}

Result<RenderedIdea> RenderIdea(const Idea& idea, const StudioContext& ctx, uint64_t seed) {
  if (!ctx.assets || idea.members.empty()) {
    return Fail(ErrorCode::kInvalidInput, "an idea without photos");
  }
  const std::string key = RenderKey(idea, ctx, seed);
  const std::filesystem::path rel = std::filesystem::path("renders") / key.substr(0, 2) / key;
  const std::filesystem::path dir = ctx.data_dir / rel;
  RenderedIdea out;
  for (const std::string& name : IdeaFileNames(idea.type))
    out.files.push_back((rel / name).string());
  std::error_code ec;
  if (std::filesystem::exists(dir / ".done", ec)) {
    out.cached = true;
    return out;
  }
  CAMROLL_RETURN_IF_ERROR(EnsureDirectory(dir));
  const uint64_t s = IdeaSeed(idea, seed);
  Status made = Ok();
  switch (idea.type) {
    case IdeaType::kCollage:
      made = MakeCollage(idea, ctx, s, dir);
      break;
    case IdeaType::kRecap:
      made = MakeRecap(idea, ctx, s, dir);
      break;
    case IdeaType::kRestyle:
      made = MakeRestyle(idea, ctx, s, dir);
      break;
    case IdeaType::kEnhance:
      made = MakeEnhance(idea, ctx, dir);
      break;
    case IdeaType::kTheme:
      made = MakeTheme(idea, ctx, s, dir);
      break;
  }
  if (!made) {
    std::filesystem::remove_all(dir, ec);
    return std::unexpected(made.error().Context(fmt::format("rendering {}", idea.id)));
  }
  // The marker goes last: a render interrupted half-way is made again.
  CAMROLL_RETURN_IF_ERROR(WriteFileAtomic(dir / ".done", std::string_view("")));
  return out;
}

std::vector<ColourStats> MeasureRollColours(const std::vector<AssetFacts>& assets,
                                            const std::filesystem::path& data_dir,
                                            const FileStore* files) {
  std::vector<ColourStats> out(assets.size());
  for (size_t i = 0; i < assets.size(); ++i) {
    const Thumbnail* t = assets[i].failed ? nullptr : assets[i].ThumbnailOfSize(256);
    if (!t) continue;
    auto bytes = FilesOrPlain(files).Read(data_dir / t->file, 16 << 20);
    if (!bytes) continue;
    auto image = DecodeImageScaled(*bytes, Format::kJpeg, 256, DecodeOptions{});
    if (image) out[i] = MeasureColours(*image);
  }
  return out;
}

ThemeStyle StyleForTheme(Theme theme) {
  ThemeStyle s;
  auto set = [&s](unsigned top, unsigned bottom, Decoration d, Rgba deco) {
    s.ground_top = Rgba::Hex(top);
    s.ground_bottom = Rgba::Hex(bottom);
    s.decoration = d;
    s.decoration_colour = deco;
  };
  switch (theme) {
    case Theme::kChristmas:
      set(0x8C1C23, 0x2B0B0E, Decoration::kSnowflakes, {1, 1, 1, 0.7});
      s.frame = Rgba::Hex(0xFFF8E7);
      s.grade = {{1.05, 1.0, 0.94}, 0.02, 1.05, 1.0};
      break;
    case Theme::kNewYear:
      set(0x0B1D3A, 0x020308, Decoration::kStars, Rgba::Hex(0xF5D06F));
      s.grade = {{1, 1, 1}, 0, 1.12, 1.1};
      break;
    case Theme::kHalloween:
      set(0x3A1357, 0xC2410C, Decoration::kStars, Rgba::Hex(0xFDBA74, 0.9));
      s.frame = Rgba::Hex(0x1C1917);
      s.grade = {{1.08, 0.98, 0.88}, 0.02, 1.05, 1.1};
      break;
    case Theme::kValentine:
      set(0xF9C5D1, 0xD6336C, Decoration::kHearts, {1, 1, 1, 0.9});
      s.grade = {{1.05, 0.98, 1.0}, 0.04, 1.05, 0.98};
      break;
    case Theme::kEaster:
      set(0xFFF6C7, 0xB7E4C7, Decoration::kLeaves, Rgba::Hex(0x95D5B2, 0.8));
      s.title_colour = Rgba::Hex(0x2D6A4F);
      s.subtitle_colour = Rgba::Hex(0x40916C);
      s.grade = {{1.02, 1.02, 1.0}, 0.05, 1.05, 0.96};
      break;
    case Theme::kBirthday:
      set(0xFFE66D, 0xFF6B6B, Decoration::kConfetti, Rgba::Hex(0x4ECDC4));
      s.grade = {{1.03, 1.0, 0.98}, 0.0, 1.15, 1.04};
      break;
    case Theme::kBeach:
      set(0x7CC6FE, 0xF4E4BA, Decoration::kWaves, {1, 1, 1, 1});
      s.title_colour = Rgba::Hex(0x0B3C5D);
      s.subtitle_colour = Rgba::Hex(0x1D6996);
      s.grade = {{0.99, 1.01, 1.04}, 0.0, 1.15, 1.05};
      break;
    case Theme::kSnow:
      set(0xDCEBF8, 0x9DB9D8, Decoration::kSnowflakes, {1, 1, 1, 0.85});
      s.title_colour = Rgba::Hex(0x1E3A5F);
      s.subtitle_colour = Rgba::Hex(0x35577D);
      s.grade = {{0.96, 1.0, 1.06}, 0.03, 0.95, 1.02};
      break;
    case Theme::kNightOut:
      set(0x1B1033, 0x05030A, Decoration::kStars, Rgba::Hex(0xF472B6));
      s.frame = Rgba::Hex(0x111111);
      s.grade = {{1.02, 0.98, 1.04}, 0.0, 1.2, 1.12};
      break;
    case Theme::kGoldenHour:
      set(0xF9D976, 0xF39F86, Decoration::kSunRays, {1, 1, 1, 1});
      s.title_colour = Rgba::Hex(0x5A2A0C);
      s.subtitle_colour = Rgba::Hex(0x7C3A12);
      s.grade = {{1.08, 1.02, 0.9}, 0.03, 1.08, 1.02};
      break;
    case Theme::kFood:
      set(0xFFF3E0, 0xFFB74D, Decoration::kNone, {1, 1, 1, 1});
      s.title_colour = Rgba::Hex(0x5D2E0C);
      s.subtitle_colour = Rgba::Hex(0x7A4A1E);
      s.grade = {{1.04, 1.01, 0.96}, 0.0, 1.12, 1.04};
      break;
    case Theme::kPets:
      set(0xE8F5E9, 0x81C784, Decoration::kHearts, {1, 1, 1, 0.7});
      s.title_colour = Rgba::Hex(0x1B4D2B);
      s.subtitle_colour = Rgba::Hex(0x2E6B3F);
      s.grade = {{1.02, 1.01, 0.99}, 0.02, 1.06, 1.02};
      break;
    case Theme::kCityTrip:
      set(0x2C3E50, 0x4CA1AF, Decoration::kNone, {1, 1, 1, 1});
      s.title_font = "DejaVu Sans";
      s.title_italic = false;
      s.grade = {{1.02, 1.0, 0.97}, 0.05, 0.95, 1.06};
      break;
  }
  return s;
}

}  // namespace camroll
