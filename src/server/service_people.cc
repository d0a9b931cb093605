// Service: people of face grouping as the API serves them — list with cover faces, rename,
// hide, merge, split — and face crops. Only while the owner has face grouping on.
#include <fmt/format.h>

#include "core/files.h"
#include "media/decode.h"
#include "media/image.h"
#include "media/resample.h"
#include "people/people.h"
#include "server/notices.h"
#include "server/service.h"
#include "server/service_internal.h"

namespace camroll::server {
namespace {

Status NeedFaceGrouping(Store& store, int64_t user) {
  CAMROLL_ASSIGN_OR_RETURN(bool on, store.Switch(user, kFaceGrouping));
  if (!on) return Fail(ErrorCode::kPermission, "face grouping is off: switch it on in Settings");
  return Ok();
}

}  // namespace

Result<nlohmann::json> Service::People(int64_t user) {
  CAMROLL_RETURN_IF_ERROR(NeedFaceGrouping(*store_, user));
  nlohmann::json out = nlohmann::json::array();
  std::shared_lock lock(UserLock(user));
  CAMROLL_ASSIGN_OR_RETURN(auto uc, UserCatalogOf(user));
  if (!uc) return out;
  CAMROLL_ASSIGN_OR_RETURN(auto faces, uc->catalog->LoadFaces(uc->roll_id));
  CAMROLL_ASSIGN_OR_RETURN(PeopleState state, uc->catalog->LoadPeople());
  std::map<int64_t, std::pair<std::string, float>> face_info;  // id → (path, quality)
  for (const auto& [path, f] : faces) face_info[f.id] = {path, f.quality};
  std::map<int64_t, std::vector<int64_t>> members;
  for (const FaceState& f : state.faces) {
    if (f.person != 0) members[f.person].push_back(f.id);
  }
  for (const PersonState& p : state.people) {
    auto m = members.find(p.id);
    if (m == members.end()) continue;
    nlohmann::json list = nlohmann::json::array();
    int64_t cover = 0;
    float best = -1;
    for (int64_t face : m->second) {
      auto info = face_info.find(face);
      if (info == face_info.end()) continue;
      CAMROLL_ASSIGN_OR_RETURN(auto asset,
                               store_->AssetByFile(user, "originals/" + info->second.first));
      list.push_back({{"id", face},
                      {"asset", asset ? nlohmann::json(asset->id) : nlohmann::json()},
                      {"crop", fmt::format("/v1/faces/{}/crop", face)}});
      if (info->second.second > best) {
        best = info->second.second;
        cover = face;
      }
    }
    if (list.empty()) continue;
    out.push_back({{"id", p.id},
                   {"name", p.name},
                   {"hidden", p.hidden},
                   {"cover", fmt::format("/v1/faces/{}/crop", cover)},
                   {"faces", list}});
  }
  std::stable_sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a["faces"].size() > b["faces"].size();
  });
  return out;
}

Result<nlohmann::json> Service::ChangePeople(int64_t user, int64_t person,
                                             const nlohmann::json& body) {
  CAMROLL_RETURN_IF_ERROR(NeedFaceGrouping(*store_, user));
  std::shared_lock lock(UserLock(user));
  CAMROLL_ASSIGN_OR_RETURN(auto uc, UserCatalogOf(user));
  if (!uc) return Fail(ErrorCode::kNotFound, "no such person");
  CAMROLL_ASSIGN_OR_RETURN(auto tx, uc->catalog->Begin());
  CAMROLL_ASSIGN_OR_RETURN(PeopleState state, uc->catalog->LoadPeople());
  CAMROLL_ASSIGN_OR_RETURN(PeopleIndex index, PeopleIndex::FromState(std::move(state)));
  if (!index.Person(person)) return Fail(ErrorCode::kNotFound, "no such person");
  nlohmann::json result{{"id", person}};
  const std::string op = body.value("op", "");
  if (op == "edit") {
    if (body.contains("name")) {
      if (!body["name"].is_string() || body["name"].get<std::string>().size() > 80) {
        return Fail(ErrorCode::kInvalidInput, "name: text of at most 80 bytes");
      }
      CAMROLL_RETURN_IF_ERROR(index.Name(person, body["name"].get<std::string>()));
    }
    if (body.contains("hidden")) {
      if (!body["hidden"].is_boolean()) return Fail(ErrorCode::kInvalidInput, "hidden: boolean");
      CAMROLL_RETURN_IF_ERROR(index.Hide(person, body["hidden"].get<bool>()));
    }
  } else if (op == "merge") {
    if (!body["from"].is_number_integer()) return Fail(ErrorCode::kInvalidInput, "from: a person");
    const int64_t from = body["from"];
    if (!index.Person(from)) return Fail(ErrorCode::kNotFound, "no such person");
    CAMROLL_RETURN_IF_ERROR(index.Merge(person, from));
  } else if (op == "split") {
    if (!body["faces"].is_array()) return Fail(ErrorCode::kInvalidInput, "faces: face ids");
    std::vector<int64_t> faces;
    for (const auto& f : body["faces"]) {
      if (!f.is_number_integer()) return Fail(ErrorCode::kInvalidInput, "faces: face ids");
      faces.push_back(f.get<int64_t>());
    }
    CAMROLL_ASSIGN_OR_RETURN(int64_t fresh, index.MoveOut(person, faces));
    result["person"] = fresh;
  } else {
    return Fail(ErrorCode::kInvalidInput, "unknown change");
  }
  CAMROLL_RETURN_IF_ERROR(uc->catalog->SavePeople(index.State()));
  CAMROLL_RETURN_IF_ERROR(tx.Commit());
  // Ideas that feature people follow the names and hides.
  CAMROLL_RETURN_IF_ERROR(store_->Enqueue(user, "process", Now()));
  return result;
}

Result<std::string> Service::FaceCrop(int64_t user, int64_t face_id) {
  CAMROLL_RETURN_IF_ERROR(NeedFaceGrouping(*store_, user));
  std::shared_lock lock(UserLock(user));
  CAMROLL_ASSIGN_OR_RETURN(auto uc, UserCatalogOf(user));
  if (!uc) return Fail(ErrorCode::kNotFound, "no such face");
  CAMROLL_ASSIGN_OR_RETURN(auto faces, uc->catalog->LoadFaces(uc->roll_id));
  const std::pair<std::string, FaceFact>* face = nullptr;
  for (const auto& f : faces) {
    if (f.second.id == face_id) face = &f;
  }
  if (face == nullptr) return Fail(ErrorCode::kNotFound, "no such face");
  CAMROLL_ASSIGN_OR_RETURN(auto assets, uc->catalog->LoadAssets(uc->roll_id));
  std::string preview;
  int size = 0;
  for (const AssetFacts& a : assets) {
    if (a.path != face->first) continue;
    for (const Thumbnail& t : a.thumbnails) {
      if (t.size > size) {
        size = t.size;
        preview = t.file;
      }
    }
  }
  if (preview.empty()) return Fail(ErrorCode::kNotFound, "the photo has no preview");
  CAMROLL_ASSIGN_OR_RETURN(auto files, DerivedFilesOf(user));
  CAMROLL_ASSIGN_OR_RETURN(auto bytes, files->Read(UserData(user) / preview, 64 << 20));
  CAMROLL_ASSIGN_OR_RETURN(RgbImage image, DecodeImageScaled(bytes, Format::kJpeg, 1440, {}));
  // A square around the face with some room for hair and chin.
  const NormBox& b = face->second.box;
  const double cx = (b.x + b.w / 2) * image.width, cy = (b.y + b.h / 2) * image.height;
  const double side = std::min<double>(std::max(b.w * image.width, b.h * image.height) * 1.6,
                                       std::min(image.width, image.height));
  const int x0 = static_cast<int>(std::clamp(cx - side / 2, 0.0, image.width - side));
  const int y0 = static_cast<int>(std::clamp(cy - side / 2, 0.0, image.height - side));
  const int s = std::max(1, static_cast<int>(side));
  RgbImage crop{s, s, std::vector<uint8_t>(static_cast<size_t>(s) * s * 3)};
  for (int y = 0; y < s; ++y) {
    const uint8_t* src = &image.pixels[(static_cast<size_t>(y0 + y) * image.width + x0) * 3];
    std::copy(src, src + s * 3, &crop.pixels[static_cast<size_t>(y) * s * 3]);
  }
  if (s > 192) crop = ResampleDown(crop, 192, 192);
  CAMROLL_ASSIGN_OR_RETURN(auto jpeg, EncodeJpeg(crop, 88));
  return std::string(jpeg.begin(), jpeg.end());
}

}  // namespace camroll::server
