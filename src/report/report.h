// What `camroll suggest` leaves in its output folder: manifest.json (for programs), index.html
// (for people) and the thumbnails both refer to. Everything is relative to the output folder,
// so the folder can be moved or served as it is.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyze/asset_facts.h"
#include "core/result.h"
#include "ideas/events.h"
#include "ideas/ideas.h"

namespace camroll {

// An idea and the files made for it, relative to the data folder (renders/…; empty when not
// rendered). The report links them into the output folder as ideas/<idea id>/<file name>.
struct ReportIdea {
  Idea idea;
  std::vector<std::string> rendered;
};

// The output-relative files of a rendered idea: ideas/<id>/story.jpg, ...
std::vector<std::string> OutputIdeaFiles(const ReportIdea& idea);

// A person of face grouping and where their faces are.
struct ReportFace {
  size_t asset = 0;  // index into RollReport::assets
  NormBox box;
};
struct ReportPerson {
  int64_t id = 0;
  std::string name;  // empty: unnamed
  bool hidden = false;
  std::vector<ReportFace> faces;
};

struct RollReport {
  std::string roll;                // the roll folder, as given
  std::vector<AssetFacts> assets;  // every file, failed ones included
  EventsResult events;             // indices into assets
  std::vector<ReportIdea> ideas;   // best first
  std::string generated_at;        // ISO 8601 UTC
  // What the models could do this run: "on" when installed, else "not installed".
  std::string models = "not installed";
  bool face_grouping = false;        // the owner's switch
  std::vector<ReportPerson> people;  // only with face grouping on; most faces first
};

// manifest.json's content. Schema: docs/manifest.md.
nlohmann::json ManifestJson(const RollReport& report);

// Writes manifest.json, index.html, thumbs/ and ideas/ into out_dir (created if needed).
// Thumbnails and renders are hard-linked from data_dir where possible; what is no longer part
// of the report is removed. Files are replaced atomically.
Status WriteReport(const RollReport& report, const std::filesystem::path& data_dir,
                   const std::filesystem::path& out_dir);

// The output-relative file of an asset's thumbnail of a given size ("thumbs/<hash>-256.jpg").
std::string OutputThumbnail(const AssetFacts& asset, int size);

std::string HtmlEscape(std::string_view text);

}  // namespace camroll
