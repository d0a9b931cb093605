// Ideas: what camroll proposes to make from a camera roll — collages, recap videos, restyles,
// themed frames and enhancements — chosen from events, trips, seasons, months and past years,
// ranked, and each with the reason it was chosen. Pure: no I/O; the renderers make the files.
//
// Ranking (docs/adr/0006-ideas-and-ranking.md): a weighted sum of recency, quality, diversity
// and a prior per type, moved by feedback (types and sources the owner accepted or dismissed),
// then re-ranked greedily so that the top of the list mixes types and sources. A dismissed idea
// never comes back: ids are stable for the same type, source, variant and photos.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analyze/asset_facts.h"
#include "ideas/events.h"
#include "ideas/themes.h"

namespace camroll {

enum class IdeaType { kCollage, kRecap, kRestyle, kTheme, kEnhance };
std::string_view IdeaTypeName(IdeaType type);  // "collage", "recap", "restyle", "theme", "enhance"
std::optional<IdeaType> IdeaTypeFromName(std::string_view name);

struct Idea {
  std::string id;  // "collage-3fa1c2d4e5b6": stable for type, source, variant and photos
  IdeaType type = IdeaType::kCollage;
  std::string source;  // "event:trip-…", "season:2026-summer", "month:2026-06", "on-this-day:2025"
  std::string title;   // the caption: "19–21 Jun · Porto", "Summer 2026"
  std::string subtitle;            // "Friday 19 – Sunday 21 June 2026 · Porto, Portugal"
  std::string why;                 // one sentence a person reads: why this idea, from these photos
  std::vector<Evidence> evidence;  // the facts behind it
  std::vector<size_t> members;     // assets shown, in showing order (indices into the assets)
  // What exactly to make: the look of a restyle ("watercolour"), the theme of a frame
  // ("golden-hour"), the layout family of a collage ("auto" or "scrapbook").
  std::string variant;
  double score = 0;
  std::vector<std::pair<std::string, double>> score_parts;  // recency, quality, … as computed
};

struct Feedback {
  std::string idea_id;
  IdeaType type = IdeaType::kCollage;
  std::string source;
  bool accepted = false;  // false: dismissed
};

// A person face grouping found and the photos they are in. Only given when the owner has face
// grouping on; people the owner hid are left out by the caller.
struct PersonPhotos {
  int64_t person_id = 0;
  std::string name;            // empty until the owner names them
  std::vector<size_t> assets;  // indices into IdeaInputs::assets
};

struct IdeaInputs {
  const std::vector<AssetFacts>* assets = nullptr;
  const EventsResult* events = nullptr;
  std::vector<ColourStats> colours = {};  // parallel to assets; empty switches colour rules off
  std::vector<Feedback> feedback = {};
  int64_t today = 0;                      // the local day (days since 1970-01-01) ideas are made on
  std::vector<PersonPhotos> people = {};  // a "person over time" collage for each who qualifies
};

// All ideas for the roll, best first, without the dismissed ones.
std::vector<Idea> GenerateIdeas(const IdeaInputs& inputs);

}  // namespace camroll
