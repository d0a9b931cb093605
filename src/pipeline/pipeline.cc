#include "pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "core/files.h"
#include "core/log.h"
#include "core/thread_pool.h"
#include "geo/reverse_geocoder.h"
#include "ml/model_store.h"
#include "ml/segmenter.h"
#include "people/people.h"

namespace camroll {

// Loads the place index the first time a photo needs it (thread-safe); a scan with nothing new
// never pays for it.
class LazyGeocoder {
 public:
  explicit LazyGeocoder(std::filesystem::path cache_dir) : cache_dir_(std::move(cache_dir)) {}
  const ReverseGeocoder* Get() {
    std::call_once(once_, [this] {
      auto geocoder = ReverseGeocoder::OpenDefault(cache_dir_);
      if (geocoder) {
        geocoder_ = std::move(*geocoder);
      } else {
        Log(LogLevel::kWarning, "places are unavailable ({}); run scripts/setup.sh",
            geocoder.error().message());
      }
    });
    return geocoder_.get();
  }

 private:
  std::filesystem::path cache_dir_;
  std::once_flag once_;
  std::unique_ptr<ReverseGeocoder> geocoder_;
};

PipelineSession::PipelineSession() = default;
PipelineSession::~PipelineSession() = default;
PipelineSession::PipelineSession(PipelineSession&&) noexcept = default;
PipelineSession& PipelineSession::operator=(PipelineSession&&) noexcept = default;

namespace {

// One stage's progress: the time since it began, and the closing done == total call the
// callback is promised.
class StageProgress {
 public:
  StageProgress(const PipelineProgress& on_progress, std::string_view stage)
      : on_progress_(on_progress), stage_(stage), start_(std::chrono::steady_clock::now()) {}
  ~StageProgress() {
    if (on_progress_ && total_ > 0 && done_ != total_) {
      on_progress_(stage_, total_, total_, Elapsed(), "");
    }
  }
  StageProgress(const StageProgress&) = delete;
  StageProgress& operator=(const StageProgress&) = delete;

  // Not thread-safe: callers serialise.
  void Report(size_t done, size_t total, std::string_view current) {
    if (!on_progress_) return;
    done_ = done;
    total_ = total;
    on_progress_(stage_, done, total, Elapsed(), current);
  }

 private:
  double Elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  const PipelineProgress& on_progress_;
  std::string_view stage_;
  std::chrono::steady_clock::time_point start_;
  size_t done_ = 0;
  size_t total_ = 0;
};

std::filesystem::path ModelsDir(const PipelineOptions& options) {
  return options.models_dir.empty() ? ml::DefaultModelsDir() : options.models_dir;
}

// The owner's face-grouping switch: kOn turns it on, kOff off (deleting every face, embedding
// and person at once), kKeep keeps what it was (off by default).
Result<bool> ResolveFaceGrouping(PipelineSession& s, PipelineOptions::Faces faces) {
  CAMROLL_ASSIGN_OR_RETURN(auto stored, s.catalog->Setting(kFaceGroupingKey));
  bool on = stored && *stored == "on";
  if (faces == PipelineOptions::Faces::kOn && !on) {
    CAMROLL_RETURN_IF_ERROR(s.catalog->SetSetting(kFaceGroupingKey, "on", NowUtc()));
    on = true;
  }
  if (faces == PipelineOptions::Faces::kOff) {
    CAMROLL_ASSIGN_OR_RETURN(auto tx, s.catalog->Begin());
    CAMROLL_ASSIGN_OR_RETURN(s.scan.faces_deleted, s.catalog->PurgeFaceGrouping());
    CAMROLL_RETURN_IF_ERROR(s.catalog->SetSetting(kFaceGroupingKey, "off", NowUtc()));
    CAMROLL_RETURN_IF_ERROR(tx.Commit());
    CAMROLL_RETURN_IF_ERROR(s.catalog->Checkpoint());
    on = false;
  }
  return on;
}

// The models look at what they have not seen yet (and, with face grouping on, find faces and
// group them). Without installed models this is skipped with a note; face grouping without
// them is an error when the options say so, since the owner asked for it.
Status Understand(PipelineSession& s, const PipelineOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(s.scan.face_grouping, ResolveFaceGrouping(s, options.faces));
  const auto models_dir = ModelsDir(options);
  if (!ml::LoadModelManifest(models_dir)) {
    if (s.scan.face_grouping && options.require_models_for_faces) {
      return Fail(ErrorCode::kNotFound, "face grouping needs the models, which are not in " +
                                            models_dir.string() + ": run `camroll models install`");
    }
    Log(LogLevel::kWarning,
        "the models are not installed ({}): objects, text and sensitive-content checks{} are "
        "skipped; run `camroll models install`",
        models_dir.string(), s.scan.face_grouping ? " and face grouping" : "");
    return Ok();
  }
  VisionOptions vision;
  vision.models_dir = models_dir;
  vision.faces = s.scan.face_grouping;
  CAMROLL_ASSIGN_OR_RETURN(auto analyzer, VisionAnalyzer::Open(vision));
  VisionPassOptions pass;
  pass.threads = options.threads;
  pass.files = options.files.get();
  {
    StageProgress progress(options.on_progress, "looking");
    pass.on_progress = [&progress](size_t done, size_t total) { progress.Report(done, total, ""); };
    CAMROLL_ASSIGN_OR_RETURN(s.scan.vision, RunVisionPass(*s.catalog, s.scan.stats.roll_id,
                                                          s.data_dir, *analyzer, pass));
  }
  for (const auto& e : s.scan.vision->errors) Log(LogLevel::kWarning, "{}", e);
  s.scan.models = true;
  return Ok();
}

// The people the ideas may show: only with face grouping on (`people` empty otherwise), never the
// ones the owner hid.
std::vector<PersonPhotos> PeopleForIdeas(const std::vector<ReportPerson>& people) {
  std::vector<PersonPhotos> out;
  for (const ReportPerson& p : people) {
    if (p.hidden) continue;
    PersonPhotos photos{p.id, p.name, {}};
    for (const ReportFace& f : p.faces) photos.assets.push_back(f.asset);
    out.push_back(std::move(photos));
  }
  return out;
}

}  // namespace

int64_t NowUtc() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<Catalog>> OpenCatalog(const std::filesystem::path& data_dir,
                                             const sqlite::OpenOptions& options) {
  CAMROLL_RETURN_IF_ERROR(EnsureDirectory(data_dir));
  return Catalog::Open(data_dir / "catalog.db", options);
}

// Fails with kPermission when the caller wants the run to stop.
static Status KeepGoing(const PipelineOptions& options) {
  if (options.keep_going && !options.keep_going()) {
    return Fail(ErrorCode::kPermission, "stopped: the run is no longer allowed");
  }
  return Ok();
}

Result<PipelineSession> ScanRoll(const PipelineOptions& options) {
  if (options.data_dir.empty()) return Fail(ErrorCode::kInvalidInput, "no data folder given");
  PipelineSession s;
  s.data_dir = options.data_dir;
  CAMROLL_ASSIGN_OR_RETURN(s.catalog, OpenCatalog(s.data_dir, options.catalog));
  if (options.face_sealer) s.catalog->SetFaceSealer(options.face_sealer);
  s.geocoder = std::make_unique<LazyGeocoder>(s.data_dir / "cache" / "geo");
  AnalyzeOptions analyze;
  analyze.data_dir = s.data_dir;
  analyze.decode = options.decode;
  analyze.max_image_bytes = options.max_image_bytes;
  analyze.files = options.files.get();
  s.analyzer = std::make_unique<Analyzer>(
      analyze, [geocoder = s.geocoder.get()] { return geocoder->Get(); });

  RollScanner scanner(*s.catalog, *s.analyzer);
  ScanOptions scan;
  scan.threads = options.threads;
  scan.still_in_roll = options.still_in_roll;
  {
    StageProgress progress(options.on_progress, "scanning");
    scan.on_progress = [&progress](const ScanProgress& p) {
      progress.Report(p.done, p.to_analyse, p.current);
    };
    CAMROLL_ASSIGN_OR_RETURN(s.scan.stats, scanner.Scan(options.roll, scan));
  }
  CAMROLL_RETURN_IF_ERROR(KeepGoing(options));
  CAMROLL_RETURN_IF_ERROR(Understand(s, options));
  return s;
}

Result<RollModel> LoadRoll(Catalog& catalog, int64_t roll_id) {
  RollModel model;
  model.roll_id = roll_id;
  CAMROLL_ASSIGN_OR_RETURN(auto root, catalog.RollRoot(roll_id));
  if (root) model.root = *root;
  CAMROLL_ASSIGN_OR_RETURN(model.assets, catalog.LoadAssets(roll_id));
  InferMissingOffsets(model.assets);
  model.events = FindEvents(model.assets);
  return model;
}

Result<std::vector<ReportPerson>> LoadReportPeople(Catalog& catalog, int64_t roll_id,
                                                   const std::vector<AssetFacts>& assets,
                                                   std::map<size_t, std::vector<NormBox>>* boxes) {
  std::map<std::string, size_t> by_path;
  for (size_t i = 0; i < assets.size(); ++i) by_path[assets[i].path] = i;
  CAMROLL_ASSIGN_OR_RETURN(auto faces, catalog.LoadFaces(roll_id));
  CAMROLL_ASSIGN_OR_RETURN(PeopleState state, catalog.LoadPeople());
  std::map<int64_t, int64_t> person_of;
  for (const FaceState& f : state.faces) person_of[f.id] = f.person;
  std::map<int64_t, ReportPerson> people;
  for (const PersonState& p : state.people) people[p.id] = {p.id, p.name, p.hidden, {}};
  for (const auto& [path, face] : faces) {
    auto at = by_path.find(path);
    if (at == by_path.end()) continue;
    if (boxes != nullptr) (*boxes)[at->second].push_back(face.box);
    auto person = people.find(person_of[face.id]);
    if (person != people.end()) person->second.faces.push_back({at->second, face.box});
  }
  std::vector<ReportPerson> out;
  for (auto& [id, p] : people) {
    if (!p.faces.empty()) out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const ReportPerson& a, const ReportPerson& b) {
    return a.faces.size() > b.faces.size();
  });
  return out;
}

Result<std::vector<Idea>> MakeIdeas(Catalog& catalog, const RollModel& model,
                                    const std::filesystem::path& data_dir,
                                    const std::vector<ReportPerson>& people,
                                    const FileStore* files) {
  IdeaInputs in;
  in.people = PeopleForIdeas(people);
  in.assets = &model.assets;
  in.events = &model.events;
  in.colours = MeasureRollColours(model.assets, data_dir, files);
  CAMROLL_ASSIGN_OR_RETURN(in.feedback, catalog.LoadFeedback(model.roll_id));
  in.today = NowUtc() / 86400;
  std::vector<Idea> ideas = GenerateIdeas(in);
  CAMROLL_RETURN_IF_ERROR(catalog.ReplaceIdeas(model.roll_id, model.assets, ideas, NowUtc()));
  return ideas;
}

std::function<Result<GrayImage>(const RgbImage&)> PersonMasks(
    const std::filesystem::path& models_dir) {
  if (!ml::LoadModelManifest(models_dir)) return {};
  auto opened = ml::PersonSegmenter::Open(models_dir);
  if (!opened) {
    Log(LogLevel::kWarning, "portrait restyles are off: {}", opened.error().message());
    return {};
  }
  std::shared_ptr<const ml::PersonSegmenter> segmenter = std::move(*opened);
  return [segmenter](const RgbImage& photo) -> Result<GrayImage> {
    CAMROLL_ASSIGN_OR_RETURN(ml::PersonMask mask, segmenter->Segment(photo));
    return std::move(mask.mask);
  };
}

std::vector<size_t> ChooseRenders(const std::vector<Idea>& ideas, size_t top) {
  std::vector<size_t> chosen;
  std::set<IdeaType> types;
  for (size_t i = 0; i < ideas.size(); ++i) {
    if (i < top || types.count(ideas[i].type) == 0) chosen.push_back(i);
    types.insert(ideas[i].type);
  }
  return chosen;
}

std::map<std::string, std::vector<std::string>> RenderIdeas(
    const std::vector<Idea>& ideas, const std::vector<size_t>& which, const StudioContext& ctx,
    uint64_t seed, size_t threads, const PipelineProgress& on_progress,
    const std::function<bool()>& keep_going) {
  std::map<std::string, std::vector<std::string>> files;
  std::mutex mu;
  StageProgress progress(on_progress, "rendering");
  size_t done = 0;
  {
    ThreadPool pool(threads ? threads : std::max(1u, std::thread::hardware_concurrency()));
    for (size_t i : which) {
      pool.Submit([&, i] {
        if (keep_going && !keep_going()) return;
        auto rendered = RenderIdea(ideas[i], ctx, seed);
        std::lock_guard lock(mu);
        if (rendered) {
          files[ideas[i].id] = rendered->files;
        } else {
          Log(LogLevel::kWarning, "{}", rendered.error().message());
        }
        progress.Report(++done, which.size(), ideas[i].id);
      });
    }
  }
  return files;
}

Result<SuggestRun> Suggest(const PipelineOptions& options) {
  CAMROLL_ASSIGN_OR_RETURN(PipelineSession session, ScanRoll(options));
  CAMROLL_RETURN_IF_ERROR(KeepGoing(options));
  Catalog& catalog = *session.catalog;
  SuggestRun run;
  run.data_dir = session.data_dir;
  run.scan = session.scan;
  CAMROLL_ASSIGN_OR_RETURN(run.model, LoadRoll(catalog, session.scan.stats.roll_id));
  const RollModel& model = run.model;
  CAMROLL_RETURN_IF_ERROR(
      catalog.ReplaceEvents(model.roll_id, model.assets, model.events, NowUtc()));
  std::map<size_t, std::vector<NormBox>> face_boxes;
  if (run.scan.face_grouping) {
    CAMROLL_ASSIGN_OR_RETURN(run.people,
                             LoadReportPeople(catalog, model.roll_id, model.assets, &face_boxes));
  }
  auto ideas = MakeIdeas(catalog, model, run.data_dir, run.people, options.files.get());
  if (!ideas) return std::unexpected(std::move(ideas.error().Context("making ideas")));
  run.ideas = std::move(*ideas);
  StudioContext ctx;
  ctx.data_dir = run.data_dir;
  ctx.roll_root = model.root;
  ctx.assets = &model.assets;
  ctx.faces = run.scan.face_grouping ? &face_boxes : nullptr;
  ctx.person_mask = PersonMasks(ModelsDir(options));
  ctx.original_file = options.original_file;
  ctx.files = options.files.get();
  const auto which =
      options.no_render
          ? std::vector<size_t>{}
          : ChooseRenders(run.ideas, options.render_all ? run.ideas.size() : options.render_top);
  CAMROLL_RETURN_IF_ERROR(KeepGoing(options));
  run.rendered = RenderIdeas(run.ideas, which, ctx, options.seed, options.threads,
                             options.on_progress, options.keep_going);
  CAMROLL_RETURN_IF_ERROR(KeepGoing(options));
  for (const auto& [id, files] : run.rendered) {
    CAMROLL_RETURN_IF_ERROR(catalog.SetIdeaFiles(model.roll_id, id, files));
  }
  return run;
}

Result<Idea> IdeaFromStored(const StoredIdea& s, const RollModel& model) {
  std::map<std::string, size_t> by_path;
  for (size_t i = 0; i < model.assets.size(); ++i) by_path[model.assets[i].path] = i;
  Idea idea;
  idea.id = s.id;
  idea.type = s.type;
  idea.source = s.source;
  idea.title = s.title;
  idea.subtitle = s.subtitle;
  idea.why = s.why;
  idea.evidence = s.evidence;
  idea.variant = s.variant;
  for (const std::string& path : s.members) {
    auto it = by_path.find(path);
    if (it == by_path.end()) return Fail(ErrorCode::kNotFound, path + " has left the roll");
    idea.members.push_back(it->second);
  }
  return idea;
}

}  // namespace camroll
