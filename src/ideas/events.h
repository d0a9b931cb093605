// Events and trips: the camera roll grouped the way people remember it.
//
// The rules (docs/adr/0003-events-and-trips.md explains the choices):
//  1. Home is the administrative area (country, region, subregion) where photos were taken on
//     the most distinct days; its centre is the median position of those photos.
//  2. A photo is away when its position is more than `away_km` from home; photos without a
//     position take the status of the nearest located photo within 6 hours, else "home".
//  3. A trip is a run of away photos, unbroken by home photos or by gaps over `trip_gap_h`,
//     that spans at least two local calendar days (a night away).
//  4. Everything else splits where consecutive photos are more than `event_gap_h` apart.
//  5. Groups smaller than `min_event_size` are everyday photos, not events.
//  6. Within an event, near-duplicates (bursts and reshoots) are grouped by perceptual hash and
//     time; the sharpest, best-exposed of each group is its best shot.
// Screenshots and failed files never enter events.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analyze/asset_facts.h"

namespace camroll {

struct EventOptions {
  double away_km = 50;
  double event_gap_h = 6;
  double trip_gap_h = 36;
  size_t min_event_size = 3;
  // Near-duplicates: pHash distance at most `burst_hash_distance` within `burst_window_s`, or at
  // most `duplicate_hash_distance` at any time within the event.
  int burst_hash_distance = 14;
  double burst_window_s = 120;
  int duplicate_hash_distance = 6;
  size_t max_best = 6;
};

struct Home {
  std::string locality;  // "Lisbon"
  std::string country_code;
  std::string country;
  double lat = 0;
  double lon = 0;
  size_t days = 0;  // distinct days with photos there
};

struct DuplicateGroup {
  std::vector<size_t> members;  // indices into the assets, time order
  size_t best = 0;              // index into the assets
};

struct Event {
  std::string id;  // stable while the event's first photo stays: "trip-3fa1c2d4e5b6"
  bool trip = false;
  std::string title;  // "19–21 Jun · Porto", "Saturday in Évora", "Saturday evening"
  LocalTime start;
  LocalTime end;
  std::string locality;  // the main place ("Porto"); empty when no photo has a position
  std::string region;
  std::string country_code;
  std::string country;
  std::vector<size_t> members;             // indices into the assets, time order
  std::vector<size_t> best;                // best shots, best first
  std::vector<DuplicateGroup> duplicates;  // groups of 2 or more
};

struct EventsResult {
  std::optional<Home> home;
  std::vector<Event> events;  // in time order
  std::vector<size_t> loose;  // dated everyday photos that belong to no event
};

// Fills missing UTC offsets from the nearest photo in time (within 48 h) that has one, and
// moves UTC-only readings (video creation times) to local time with it. Marks them kNeighbours.
void InferMissingOffsets(std::vector<AssetFacts>& assets);

EventsResult FindEvents(const std::vector<AssetFacts>& assets, const EventOptions& options = {});

}  // namespace camroll
