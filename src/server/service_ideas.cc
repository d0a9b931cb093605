// Service: ideas as the API serves them — listing with the owner's edits laid over the generated
// ideas, accept and dismiss, downloads, and edits (other photos, layout or look, caption), which
// render the idea again.
#include <fmt/format.h>

#include <set>

#include "core/sha256.h"
#include "pipeline/pipeline.h"
#include "render/collage.h"
#include "render/restyle.h"
#include "server/notices.h"
#include "server/service.h"
#include "server/service_internal.h"

namespace camroll::server {
namespace {

constexpr const char* kOriginals = "originals/";

std::string MimeOf(const std::string& file) {
  const std::string ext = std::filesystem::path(file).extension().string();
  return ext == ".mp4" ? "video/mp4" : ext == ".png" ? "image/png" : "image/jpeg";
}

// The owner's edit of one idea, as stored in server.db.
struct IdeaEdit {
  std::vector<std::string> members;  // paths in the roll, in showing order
  std::string variant, title;
  std::vector<std::string> files;  // relative to the user's data folder
};

nlohmann::json EditJson(const IdeaEdit& e) {
  return {{"members", e.members}, {"variant", e.variant}, {"title", e.title}, {"files", e.files}};
}

std::optional<IdeaEdit> ParseEdit(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  IdeaEdit e;
  e.members = j.value("members", std::vector<std::string>{});
  e.variant = j.value("variant", "");
  e.title = j.value("title", "");
  e.files = j.value("files", std::vector<std::string>{});
  return e;
}

// The stored idea with the owner's edit, if any, laid over it.
StoredIdea Overlay(StoredIdea s, const std::map<std::string, IdeaEdit>& edits) {
  auto it = edits.find(s.id);
  if (it == edits.end()) return s;
  s.members = it->second.members;
  s.variant = it->second.variant;
  s.title = it->second.title;
  s.files = it->second.files;
  return s;
}

Result<std::map<std::string, IdeaEdit>> LoadEdits(Store& store, int64_t user) {
  CAMROLL_ASSIGN_OR_RETURN(auto rows, store.IdeaEdits(user));
  std::map<std::string, IdeaEdit> out;
  for (const auto& [id, text] : rows) {
    if (auto e = ParseEdit(text)) out[id] = std::move(*e);
  }
  return out;
}

// The layouts or looks an idea of this type can take.
std::vector<std::string> VariantsFor(const StoredIdea& s) {
  std::vector<std::string> out;
  switch (s.type) {
    case IdeaType::kCollage:
      out.push_back("auto");
      for (auto f : {CollageFamily::kGrid, CollageFamily::kMosaic, CollageFamily::kHero,
                     CollageFamily::kScrapbook}) {
        out.emplace_back(CollageFamilyName(f));
      }
      break;
    case IdeaType::kRestyle:
      if (PortraitEffectFromName(s.variant)) {
        for (auto e : {PortraitEffect::kBackgroundBlur, PortraitEffect::kColourSplash}) {
          out.emplace_back(PortraitEffectName(e));
        }
      } else {
        for (Look l : AllLooks()) out.emplace_back(LookName(l));
      }
      break;
    default:
      out.push_back(s.variant);
  }
  return out;
}

}  // namespace

// The user's catalog and one of their ideas, with the owner's edit laid over it; kNotFound when
// the user has no such idea (another user's idea id included).
struct UserIdea {
  UserCatalog uc;
  StoredIdea generated;  // as the pipeline made it
  StoredIdea idea;       // with the owner's edit
};

// The idea in the user's catalog (`opened`: UserCatalogOf), with the owner's edit.
static Result<UserIdea> FindUserIdea(Store& store, int64_t user,
                                     Result<std::optional<UserCatalog>> opened,
                                     const std::string& idea_id);

Result<std::optional<UserCatalog>> OpenUserCatalog(const std::filesystem::path& data,
                                                   const std::filesystem::path& roll,
                                                   const sqlite::OpenOptions& options) {
  if (!std::filesystem::exists(data / "catalog.db")) return std::optional<UserCatalog>();
  UserCatalog uc;
  CAMROLL_ASSIGN_OR_RETURN(uc.catalog, OpenCatalog(data, options));
  std::error_code ec;
  CAMROLL_ASSIGN_OR_RETURN(
      uc.roll_id, uc.catalog->EnsureRoll(std::filesystem::weakly_canonical(roll, ec).string()));
  return std::optional<UserCatalog>(std::move(uc));
}

Result<std::map<std::string, int64_t>> AssetIdsByFile(Store& store, int64_t user) {
  CAMROLL_ASSIGN_OR_RETURN(auto assets, store.Assets(user));
  std::map<std::string, int64_t> out;
  for (const Asset& a : assets) out[a.file] = a.id;
  return out;
}

static Result<UserIdea> FindUserIdea(Store& store, int64_t user,
                                     Result<std::optional<UserCatalog>> opened,
                                     const std::string& idea_id) {
  if (!opened) return std::unexpected(opened.error());
  std::optional<UserCatalog>& uc = *opened;
  if (!uc) return Fail(ErrorCode::kNotFound, "no such idea");
  CAMROLL_ASSIGN_OR_RETURN(auto found, uc->catalog->FindIdea(idea_id));
  if (!found || found->roll_id != uc->roll_id) return Fail(ErrorCode::kNotFound, "no such idea");
  CAMROLL_ASSIGN_OR_RETURN(auto edits, LoadEdits(store, user));
  StoredIdea idea = Overlay(*found, edits);
  return UserIdea{std::move(*uc), std::move(*found), std::move(idea)};
}

// The JSON of one idea for the API: member asset ids, file URLs with their names.
static nlohmann::json IdeaJson(const std::map<std::string, int64_t>& ids, const StoredIdea& s,
                               bool accepted) {
  nlohmann::json members = nlohmann::json::array();
  for (const auto& path : s.members) {
    auto it = ids.find(kOriginals + path);
    if (it != ids.end()) members.push_back(it->second);
  }
  // The URL carries a digest of the files' paths (which hold the render key), so an edit makes
  // new URLs and no cache shows an old render.
  FieldHash version;
  for (const auto& f : s.files) version.Add(f);
  const std::string v = ToHex(version.Finish()).substr(0, 12);
  nlohmann::json files = nlohmann::json::array();
  for (size_t i = 0; i < s.files.size(); ++i) {
    if (s.files[i].empty()) continue;
    files.push_back({{"url", fmt::format("/v1/ideas/{}/files/{}?v={}", s.id, i, v)},
                     {"type", MimeOf(s.files[i])},
                     {"name", std::filesystem::path(s.files[i]).filename().string()}});
  }
  nlohmann::json evidence = nlohmann::json::array();
  for (const auto& e : s.evidence) evidence.push_back({{"kind", e.kind}, {"detail", e.detail}});
  return nlohmann::json{{"id", s.id},          {"type", IdeaTypeName(s.type)},
                        {"title", s.title},    {"subtitle", s.subtitle},
                        {"why", s.why},        {"variant", s.variant},
                        {"score", s.score},    {"evidence", evidence},
                        {"members", members},  {"files", files},
                        {"accepted", accepted}};
}

Result<nlohmann::json> Service::Ideas(int64_t user, const std::string& surface) {
  if (surface != "story" && surface != "browse") {
    return Fail(ErrorCode::kInvalidInput, "surface is story or browse");
  }
  if (surface == "browse") {
    CAMROLL_ASSIGN_OR_RETURN(bool browse, store_->Switch(user, kBrowseSuggestions));
    if (!browse) {
      return Fail(ErrorCode::kPermission,
                  "suggestions while browsing are off: switch them on in Settings");
    }
  }
  nlohmann::json out = nlohmann::json::array();
  std::shared_lock lock(UserLock(user));
  CAMROLL_ASSIGN_OR_RETURN(auto uc, UserCatalogOf(user));
  if (!uc) return out;
  CAMROLL_ASSIGN_OR_RETURN(auto ideas, uc->catalog->LoadIdeas(uc->roll_id));
  CAMROLL_ASSIGN_OR_RETURN(auto feedback, uc->catalog->LoadFeedback(uc->roll_id));
  CAMROLL_ASSIGN_OR_RETURN(auto edits, LoadEdits(*store_, user));
  CAMROLL_ASSIGN_OR_RETURN(auto ids, AssetIdsByFile(*store_, user));
  std::map<std::string, bool> verdict;
  for (const auto& f : feedback) verdict[f.idea_id] = f.accepted;
  for (const StoredIdea& stored : ideas) {
    auto v = verdict.find(stored.id);
    if (v != verdict.end() && !v->second) continue;  // dismissed: never shown again
    if (surface == "browse" && stored.type != IdeaType::kCollage &&
        stored.type != IdeaType::kRecap) {
      continue;
    }
    const StoredIdea s = Overlay(stored, edits);
    // Ideas not rendered (yet) are not offered: there is nothing to preview or accept.
    if (s.files.empty()) continue;
    out.push_back(IdeaJson(ids, s, v != verdict.end() && v->second));
    if (surface == "browse" && out.size() >= 5) break;
  }
  return out;
}

Result<nlohmann::json> Service::Feedback(int64_t user, const std::string& idea_id, bool accept) {
  std::shared_lock lock(UserLock(user));
  CAMROLL_ASSIGN_OR_RETURN(UserIdea found,
                           FindUserIdea(*store_, user, UserCatalogOf(user), idea_id));
  CAMROLL_RETURN_IF_ERROR(
      found.uc.catalog->RecordFeedback(found.uc.roll_id, found.generated, accept, Now()));
  if (accept) {
    std::vector<std::string> files;
    for (const auto& m : found.idea.members) files.push_back(kOriginals + m);
    CAMROLL_RETURN_IF_ERROR(store_->SetPosted(user, files));
  }
  return nlohmann::json{{"id", idea_id}, {"accepted", accept}};
}

Result<std::filesystem::path> Service::IdeaFile(int64_t user, const std::string& idea_id,
                                                size_t n) {
  std::shared_lock lock(UserLock(user));
  CAMROLL_ASSIGN_OR_RETURN(UserIdea found,
                           FindUserIdea(*store_, user, UserCatalogOf(user), idea_id));
  const StoredIdea& idea = found.idea;
  if (n >= idea.files.size() || idea.files[n].empty()) {
    return Fail(ErrorCode::kNotFound, "no such file");
  }
  const auto path = UserData(user) / idea.files[n];
  if (!std::filesystem::is_regular_file(path)) {
    return Fail(ErrorCode::kNotFound, "that file is not rendered yet");
  }
  return path;
}

Result<nlohmann::json> Service::IdeaOptions(int64_t user, const std::string& idea_id) {
  std::shared_lock lock(UserLock(user));
  CAMROLL_ASSIGN_OR_RETURN(UserIdea found,
                           FindUserIdea(*store_, user, UserCatalogOf(user), idea_id));
  // Photos that may be swapped in: the roll's analysed photos (not videos, not failed ones).
  CAMROLL_ASSIGN_OR_RETURN(auto facts, found.uc.catalog->LoadAssets(found.uc.roll_id));
  nlohmann::json candidates = nlohmann::json::array();
  for (const AssetFacts& f : facts) {
    if (f.failed || f.kind != MediaKind::kPhoto) continue;
    CAMROLL_ASSIGN_OR_RETURN(auto asset, store_->AssetByFile(user, kOriginals + f.path));
    if (asset) candidates.push_back(asset->id);
  }
  const IdeaType type = found.idea.type;
  return nlohmann::json{{"variants", VariantsFor(found.generated)},
                        {"candidates", candidates},
                        {"max_members", type == IdeaType::kCollage ? 9
                                        : type == IdeaType::kRecap ? 30
                                                                   : 1}};
}

Result<nlohmann::json> Service::EditIdea(int64_t user, const std::string& idea_id,
                                         const nlohmann::json& body) {
  std::shared_lock lock(UserLock(user));
  CAMROLL_ASSIGN_OR_RETURN(UserIdea found,
                           FindUserIdea(*store_, user, UserCatalogOf(user), idea_id));
  StoredIdea s = found.idea;
  UserCatalog& uc = found.uc;
  CAMROLL_ASSIGN_OR_RETURN(RollModel model, LoadRoll(*uc.catalog, uc.roll_id));
  std::map<std::string, size_t> by_path;
  for (size_t i = 0; i < model.assets.size(); ++i) by_path[model.assets[i].path] = i;

  if (body.contains("members")) {
    if (!body["members"].is_array()) return Fail(ErrorCode::kInvalidInput, "members: asset ids");
    const size_t max = s.type == IdeaType::kCollage ? 9 : s.type == IdeaType::kRecap ? 30 : 1;
    const size_t min = s.type == IdeaType::kCollage || s.type == IdeaType::kRecap ? 2 : 1;
    if (body["members"].size() < min || body["members"].size() > max) {
      return Fail(ErrorCode::kInvalidInput,
                  fmt::format("a {} holds {} to {} photos", IdeaTypeName(s.type), min, max));
    }
    std::vector<std::string> members;
    std::set<int64_t> seen;
    for (const auto& m : body["members"]) {
      if (!m.is_number_integer() || !seen.insert(m.get<int64_t>()).second) {
        return Fail(ErrorCode::kInvalidInput, "members: distinct asset ids");
      }
      CAMROLL_ASSIGN_OR_RETURN(auto asset, store_->FindAsset(user, m.get<int64_t>()));
      if (!asset) return Fail(ErrorCode::kNotFound, fmt::format("no asset {}", m.get<int64_t>()));
      const std::string path = asset->file.substr(std::string(kOriginals).size());
      auto at = by_path.find(path);
      if (at == by_path.end() || model.assets[at->second].failed) {
        return Fail(ErrorCode::kInvalidInput,
                    fmt::format("asset {} is not analysed yet", m.get<int64_t>()));
      }
      members.push_back(path);
    }
    s.members = std::move(members);
  }
  if (body.contains("variant")) {
    if (!body["variant"].is_string()) return Fail(ErrorCode::kInvalidInput, "variant: a name");
    const auto variants = VariantsFor(found.generated);
    const std::string v = body["variant"];
    if (std::find(variants.begin(), variants.end(), v) == variants.end()) {
      return Fail(ErrorCode::kInvalidInput, "this idea cannot take the variant '" + v + "'");
    }
    s.variant = v;
  }
  if (body.contains("title")) {
    if (!body["title"].is_string()) return Fail(ErrorCode::kInvalidInput, "title: text");
    std::string title = body["title"];
    if (title.size() > 80) return Fail(ErrorCode::kLimit, "a caption of over 80 bytes");
    if (std::any_of(title.begin(), title.end(), [](unsigned char c) { return c < 32; })) {
      return Fail(ErrorCode::kInvalidInput, "a caption is one line of text");
    }
    s.title = std::move(title);
  }

  CAMROLL_ASSIGN_OR_RETURN(Idea idea, IdeaFromStored(s, model));
  CAMROLL_ASSIGN_OR_RETURN(SecretKey key, keys_->Get(user, KeyPurpose::kData));
  CAMROLL_ASSIGN_OR_RETURN(auto files, DerivedFilesOf(user));
  StudioContext ctx;
  ctx.data_dir = UserData(user);
  ctx.roll_root = model.root;
  ctx.assets = &model.assets;
  ctx.person_mask = PersonMasks(options_.models_dir);
  ctx.original_file = OriginalOpener(user, key, UserEditWork(user));
  ctx.files = files.get();
  auto rendered = RenderIdea(idea, ctx, 1);
  // The originals opened for this render go now.
  std::error_code ec;
  std::filesystem::remove_all(UserEditWork(user), ec);
  if (!rendered) return std::unexpected(rendered.error());
  s.files = rendered->files;
  CAMROLL_RETURN_IF_ERROR(
      store_->PutIdeaEdit(user, s.id, EditJson({s.members, s.variant, s.title, s.files}).dump()));
  CAMROLL_ASSIGN_OR_RETURN(auto ids, AssetIdsByFile(*store_, user));
  CAMROLL_ASSIGN_OR_RETURN(auto feedback, uc.catalog->LoadFeedback(uc.roll_id));
  bool accepted = false;
  for (const auto& f : feedback) {
    if (f.idea_id == s.id) accepted = f.accepted;
  }
  return IdeaJson(ids, s, accepted);
}

}  // namespace camroll::server
