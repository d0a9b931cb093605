#include "ideas/events.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include "ideas/titles.h"
#include "media/phash.h"

namespace camroll {
namespace {

constexpr int64_t kHour = 3600;

// A dated, eligible asset in time order.
struct Item {
  size_t index;  // into the assets
  int64_t key;   // LocalTime::SortKey
  bool away = false;
};

const std::string& LocalityOf(const Place& place) {
  return place.locality.empty() ? place.city : place.locality;
}

double Median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}

std::optional<Home> FindHome(const std::vector<AssetFacts>& assets,
                             const std::vector<Item>& items) {
  struct Area {
    std::set<int64_t> days;
    std::vector<double> lats, lons;
    std::map<std::string, size_t> localities;
    std::string country_code, country;
  };
  std::map<std::tuple<std::string, std::string, std::string>, Area> areas;
  for (const Item& item : items) {
    const AssetFacts& a = assets[item.index];
    if (!a.place || !a.gps) continue;
    Area& area = areas[{a.place->country_code, a.place->region, a.place->subregion}];
    area.days.insert(a.taken->LocalDay());
    area.lats.push_back(a.gps->lat);
    area.lons.push_back(a.gps->lon);
    ++area.localities[LocalityOf(*a.place)];
    area.country_code = a.place->country_code;
    area.country = a.place->country;
  }
  const Area* best = nullptr;
  for (const auto& [key, area] : areas) {
    if (!best || area.days.size() > best->days.size() ||
        (area.days.size() == best->days.size() && area.lats.size() > best->lats.size())) {
      best = &area;
    }
  }
  if (!best) return std::nullopt;
  Home home;
  home.locality = std::max_element(best->localities.begin(), best->localities.end(),
                                   [](const auto& x, const auto& y) { return x.second < y.second; })
                      ->first;
  home.country_code = best->country_code;
  home.country = best->country;
  home.lat = Median(best->lats);
  home.lon = Median(best->lons);
  home.days = best->days.size();
  return home;
}

// Photos without a position borrow the status of the nearest located photo within 6 hours.
void MarkAway(const std::vector<AssetFacts>& assets, const std::optional<Home>& home,
              double away_km, std::vector<Item>& items) {
  if (!home) return;
  std::vector<int> located;  // positions in items
  for (size_t i = 0; i < items.size(); ++i) {
    const AssetFacts& a = assets[items[i].index];
    if (a.gps) {
      items[i].away = HaversineKm(home->lat, home->lon, a.gps->lat, a.gps->lon) > away_km;
      located.push_back(static_cast<int>(i));
    }
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (assets[items[i].index].gps) continue;
    auto it = std::lower_bound(located.begin(), located.end(), static_cast<int>(i));
    int64_t best_gap = 6 * kHour + 1;
    for (auto cand : {it, it == located.begin() ? located.end() : it - 1}) {
      if (cand == located.end()) continue;
      int64_t gap = std::llabs(items[*cand].key - items[i].key);
      if (gap < best_gap) {
        best_gap = gap;
        items[i].away = items[*cand].away;
      }
    }
  }
}

struct UnionFind {
  std::vector<size_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  size_t Find(size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void Union(size_t a, size_t b) { parent[Find(a)] = Find(b); }
};

void FindDuplicates(const std::vector<AssetFacts>& assets, const std::vector<Item>& items,
                    const EventOptions& options, Event& event,
                    const std::vector<size_t>& positions) {
  const size_t n = positions.size();
  UnionFind uf(n);
  for (size_t a = 0; a < n; ++a) {
    const Item& ia = items[positions[a]];
    for (size_t b = a + 1; b < n; ++b) {
      const Item& ib = items[positions[b]];
      const double dt = static_cast<double>(ib.key - ia.key);
      const int dist = HammingDistance(assets[ia.index].phash, assets[ib.index].phash);
      if ((dt <= options.burst_window_s && dist <= options.burst_hash_distance) ||
          dist <= options.duplicate_hash_distance) {
        uf.Union(a, b);
      }
    }
  }
  std::map<size_t, std::vector<size_t>> groups;  // root → asset indices in time order
  for (size_t a = 0; a < n; ++a) groups[uf.Find(a)].push_back(items[positions[a]].index);
  auto score = [&](size_t index) { return assets[index].quality.score; };
  std::vector<size_t> candidates;
  for (auto& [root, members] : groups) {
    size_t best = *std::max_element(members.begin(), members.end(),
                                    [&](size_t x, size_t y) { return score(x) < score(y); });
    candidates.push_back(best);
    if (members.size() >= 2) event.duplicates.push_back({std::move(members), best});
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [&](size_t x, size_t y) { return score(x) > score(y); });
  if (candidates.size() > options.max_best) candidates.resize(options.max_best);
  event.best = std::move(candidates);
  std::sort(event.duplicates.begin(), event.duplicates.end(),
            [](const auto& x, const auto& y) { return x.members.front() < y.members.front(); });
}

Event MakeEvent(const std::vector<AssetFacts>& assets, const std::vector<Item>& items,
                const std::vector<size_t>& positions, bool trip, const std::optional<Home>& home,
                const EventOptions& options) {
  Event event;
  event.trip = trip;
  for (size_t p : positions) event.members.push_back(items[p].index);
  const AssetFacts& first = assets[event.members.front()];
  const AssetFacts& last = assets[event.members.back()];
  event.start = *first.taken;
  event.end = *last.taken;
  event.id = (trip ? "trip-" : "event-") + first.content_hash.substr(0, 12);

  // The event's place: the most frequent locality among its located photos.
  std::map<std::string, size_t> localities;
  for (size_t index : event.members) {
    if (const auto& place = assets[index].place) ++localities[LocalityOf(*place)];
  }
  const Place* example = nullptr;
  if (!localities.empty()) {
    auto top = std::max_element(localities.begin(), localities.end(),
                                [](const auto& x, const auto& y) { return x.second < y.second; });
    for (size_t index : event.members) {
      const auto& place = assets[index].place;
      if (place && LocalityOf(*place) == top->first) {
        example = &*place;
        break;
      }
    }
  }
  if (example) {
    event.locality = LocalityOf(*example);
    event.region = example->region;
    event.country_code = example->country_code;
    event.country = example->country;
  }
  TitleFacts title;
  title.start = event.start;
  title.end = event.end;
  title.trip = trip;
  title.place = event.locality;
  title.at_home = home && event.locality == home->locality;
  event.title = EventTitle(title);
  FindDuplicates(assets, items, options, event, positions);
  return event;
}

}  // namespace

void InferMissingOffsets(std::vector<AssetFacts>& assets) {
  std::vector<std::pair<int64_t, int>> known;  // (sort key, offset minutes)
  for (const AssetFacts& a : assets) {
    if (!a.failed && a.taken && a.taken->offset_minutes) {
      known.emplace_back(a.taken->SortKey(), *a.taken->offset_minutes);
    }
  }
  std::sort(known.begin(), known.end());
  if (known.empty()) return;
  for (AssetFacts& a : assets) {
    if (a.failed || !a.taken || a.taken->offset_minutes) continue;
    const int64_t key = a.taken->SortKey();
    auto it = std::lower_bound(known.begin(), known.end(), std::make_pair(key, INT32_MIN));
    std::optional<int> offset;
    int64_t best_gap = 48 * kHour + 1;
    for (auto cand : {it, it == known.begin() ? known.end() : it - 1}) {
      if (cand == known.end()) continue;
      if (int64_t gap = std::llabs(cand->first - key); gap < best_gap) {
        best_gap = gap;
        offset = cand->second;
      }
    }
    if (!offset) continue;
    if (a.taken_is_utc) {
      a.taken->local_seconds += static_cast<int64_t>(*offset) * 60;
      a.taken_is_utc = false;
    }
    a.taken->offset_minutes = offset;
    a.offset_source = OffsetSource::kNeighbours;
  }
}

EventsResult FindEvents(const std::vector<AssetFacts>& assets, const EventOptions& options) {
  std::vector<Item> items;
  for (size_t i = 0; i < assets.size(); ++i) {
    const AssetFacts& a = assets[i];
    if (a.failed || !a.taken || a.kind == MediaKind::kScreenshot) continue;
    items.push_back({i, a.taken->SortKey(), false});
  }
  std::stable_sort(items.begin(), items.end(), [&](const Item& x, const Item& y) {
    return x.key != y.key ? x.key < y.key : assets[x.index].path < assets[y.index].path;
  });

  EventsResult result;
  result.home = FindHome(assets, items);
  MarkAway(assets, result.home, options.away_km, items);

  // Trips: runs of away photos spanning a night.
  std::vector<bool> in_trip(items.size(), false);
  std::vector<std::pair<size_t, size_t>> trips;  // [first, last] positions
  const int64_t trip_gap = static_cast<int64_t>(options.trip_gap_h * kHour);
  for (size_t i = 0; i < items.size();) {
    if (!items[i].away) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < items.size() && items[j + 1].away &&
           items[j + 1].key - items[j].key <= trip_gap) {
      ++j;
    }
    const auto& first = *assets[items[i].index].taken;
    const auto& last = *assets[items[j].index].taken;
    if (last.LocalDay() > first.LocalDay() && j - i + 1 >= options.min_event_size) {
      trips.emplace_back(i, j);
      for (size_t k = i; k <= j; ++k) in_trip[k] = true;
    }
    i = j + 1;
  }

  // Everything else: split on long gaps, on a trip in between, and where the photos move
  // between home and away with an hour or more between them.
  std::vector<std::vector<size_t>> groups;
  std::vector<bool> group_is_trip;
  size_t next_trip = 0;
  const int64_t event_gap = static_cast<int64_t>(options.event_gap_h * kHour);
  for (size_t i = 0; i < items.size(); ++i) {
    if (in_trip[i]) {
      if (next_trip < trips.size() && trips[next_trip].first == i) {
        std::vector<size_t> positions;
        for (size_t k = trips[next_trip].first; k <= trips[next_trip].second; ++k) {
          positions.push_back(k);
        }
        groups.push_back(std::move(positions));
        group_is_trip.push_back(true);
        ++next_trip;
      }
      continue;
    }
    bool split = groups.empty() || group_is_trip.back() || groups.back().back() + 1 != i;
    if (!split) {
      const Item& prev = items[groups.back().back()];
      const int64_t gap = items[i].key - prev.key;
      split = gap > event_gap || (prev.away != items[i].away && gap >= kHour);
    }
    if (split) {
      groups.emplace_back();
      group_is_trip.push_back(false);
    }
    groups.back().push_back(i);
  }

  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].size() < options.min_event_size) {
      for (size_t p : groups[g]) result.loose.push_back(items[p].index);
      continue;
    }
    result.events.push_back(
        MakeEvent(assets, items, groups[g], group_is_trip[g], result.home, options));
  }
  return result;
}

}  // namespace camroll
