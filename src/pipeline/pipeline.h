// The roll-processing pipeline: scan a roll into the catalog, let the models look at it, find
// its events and people, make and rank ideas, render the best of them. The CLI runs it for
// `camroll scan` and `camroll suggest`; a server's workers run it in-process for a user's roll.
// Nothing here prints: progress goes to a callback, problems that do not stop the run to the log.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"
#include "catalog/catalog.h"
#include "core/result.h"
#include "ideas/events.h"
#include "ideas/ideas.h"
#include "media/decode.h"
#include "report/report.h"
#include "scan/roll_scanner.h"
#include "scan/vision_pass.h"
#include "studio/studio.h"

namespace camroll {

// The catalog setting that holds the owner's face-grouping switch ("on" / "off").
inline constexpr const char* kFaceGroupingKey = "face_grouping";

// Seconds since 1970-01-01 UTC, now.
int64_t NowUtc();

// Progress of one stage ("scanning", "looking", "rendering"): items done of total, seconds since
// the stage began, and the item just finished (empty when there is none to name). Each stage
// that reports at all ends with a call where done == total. Calls never overlap, but may come
// from worker threads.
using PipelineProgress = std::function<void(std::string_view stage, size_t done, size_t total,
                                            double elapsed_s, std::string_view current)>;

// What one run over a roll should do; the CLI fills it from flags, the server from a user's state.
struct PipelineOptions {
  std::filesystem::path data_dir;  // catalog.db, thumbs/, renders/ live here (required)
  std::filesystem::path roll;      // the folder of media
  size_t threads = 0;              // 0: one per CPU
  DecodeOptions decode;            // max_pixels, backend
  uint64_t max_image_bytes = AnalyzeOptions{}.max_image_bytes;
  std::filesystem::path models_dir;  // empty: ml::DefaultModelsDir()
  // The owner's face-grouping switch: kKeep leaves it as stored (off by default), kOn switches
  // it on, kOff switches it off and purges every face, embedding and person (as --no-faces).
  enum class Faces { kKeep, kOn, kOff } faces = Faces::kKeep;
  // Face grouping on while the models are not installed: an error (kNotFound) when true, else
  // a warning and a run without the models.
  bool require_models_for_faces = true;
  size_t render_top = 12;  // render the best this many ideas, and the best of each type
  bool render_all = false;
  bool no_render = false;
  uint64_t seed = 1;  // the same seed gives the same files
  PipelineProgress on_progress;
  // Asked between stages and before each render: false stops the run with kPermission. A
  // server's worker stops this way when the owner withdraws consent during a run.
  std::function<bool()> keep_going;
  // A server keeps originals sealed: it puts only the files not analysed yet in `roll`, says
  // which absent files are still part of it (ScanOptions::still_in_roll), opens the others for
  // the renders on request (StudioContext::original_file) and seals face signatures
  // (Catalog::FaceSealer). Unset: the roll folder holds every file as it is.
  std::function<bool(const std::string& rel)> still_in_roll;
  std::function<Result<std::filesystem::path>(const AssetFacts&)> original_file;
  std::shared_ptr<const Catalog::FaceSealer> face_sealer;
  // How thumbnails, previews and renders are kept (a server seals them); null: plain files.
  std::shared_ptr<const FileStore> files;
  sqlite::OpenOptions catalog;  // how catalog.db is opened (a server's seals its pages)
};

// What a scan did and found, for the owner to read.
struct ScanSummary {
  ScanStats stats;
  bool face_grouping = false;  // the owner's switch, after this run's options
  bool models = false;         // the models were installed and looked at the roll
  std::optional<VisionPassStats> vision;
  int64_t faces_deleted = -1;  // Faces::kOff: how many faces the purge deleted
};

class LazyGeocoder;  // loads the place index when a photo first needs it

// An open data folder after a scan of one roll.
struct PipelineSession {
  PipelineSession();
  ~PipelineSession();
  PipelineSession(PipelineSession&&) noexcept;
  PipelineSession& operator=(PipelineSession&&) noexcept;

  std::filesystem::path data_dir;
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<LazyGeocoder> geocoder;
  std::unique_ptr<Analyzer> analyzer;  // uses `geocoder`
  ScanSummary scan;
};

// Opens (creating it if needed) the catalog of a data folder.
Result<std::unique_ptr<Catalog>> OpenCatalog(const std::filesystem::path& data_dir,
                                             const sqlite::OpenOptions& options = {});

// Opens the data folder, applies the face-grouping switch, scans the roll into the catalog and
// lets the models (when installed) look at what they have not seen yet. Stages "scanning" and
// "looking".
Result<PipelineSession> ScanRoll(const PipelineOptions& options);

// A roll as the idea makers see it: its files (offsets filled in) and events.
struct RollModel {
  int64_t roll_id = 0;
  std::filesystem::path root;
  std::vector<AssetFacts> assets;
  EventsResult events;
};

Result<RollModel> LoadRoll(Catalog& catalog, int64_t roll_id);

// A stored idea as the studio takes it, its members resolved against the roll's files (by
// path). Fails with kNotFound when a member has left the roll.
Result<Idea> IdeaFromStored(const StoredIdea& stored, const RollModel& model);

// People for the report: every person with faces in the roll, most faces first. `boxes`, when
// given, receives every face box by asset index.
Result<std::vector<ReportPerson>> LoadReportPeople(Catalog& catalog, int64_t roll_id,
                                                   const std::vector<AssetFacts>& assets,
                                                   std::map<size_t, std::vector<NormBox>>* boxes);

// Generates and stores the roll's ideas, ranked with the owner's feedback. `people` (empty
// unless face grouping is on) may appear in ideas, except the ones the owner hid.
Result<std::vector<Idea>> MakeIdeas(Catalog& catalog, const RollModel& model,
                                    const std::filesystem::path& data_dir,
                                    const std::vector<ReportPerson>& people,
                                    const FileStore* files = nullptr);

// Person masks for portrait restyles, when the models are installed; empty otherwise (the studio
// then refuses those ideas with a reason).
std::function<Result<GrayImage>(const RgbImage&)> PersonMasks(
    const std::filesystem::path& models_dir);

// Which ideas to render now: the best `top`, and the best of every type not among them.
std::vector<size_t> ChooseRenders(const std::vector<Idea>& ideas, size_t top);

// Renders ideas `which` in parallel (stage "rendering"); returns each one's files (relative to
// the data folder) by idea id. An idea that fails is logged and left out; so are the ones not
// started once `keep_going` says false.
std::map<std::string, std::vector<std::string>> RenderIdeas(
    const std::vector<Idea>& ideas, const std::vector<size_t>& which, const StudioContext& ctx,
    uint64_t seed, size_t threads, const PipelineProgress& on_progress,
    const std::function<bool()>& keep_going = {});

// One `suggest` run, up to the report.
struct SuggestRun {
  std::filesystem::path data_dir;
  ScanSummary scan;
  RollModel model;
  std::vector<ReportPerson> people;                          // only with face grouping on
  std::vector<Idea> ideas;                                   // best first, as stored
  std::map<std::string, std::vector<std::string>> rendered;  // idea id → files made now
};

// Scans the roll (ScanRoll), stores its events, people and ideas, and renders the chosen ideas,
// storing their files in the catalog.
Result<SuggestRun> Suggest(const PipelineOptions& options);

}  // namespace camroll
