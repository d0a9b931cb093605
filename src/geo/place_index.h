// The storage and geometry behind ReverseGeocoder: populated places in a static k-d tree over
// unit-sphere vectors, their names in one string table, and the binary form that the geocoder
// caches on disk. Knows nothing about the JSON the places come from.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/sha256.h"

namespace camroll {

struct Place {
  std::string city;  // GeoNames name of the nearest populated place
  // The name people would use for where they were: `city`, unless it is a neighbourhood of a
  // bigger place close by (within kLocalityKm) that gives its name to its division
  // ("Intendente" → "Lisbon", "Paris 04 Hôtel-de-Ville" → "Paris", "Mitte" → "Berlin").
  std::string locality;
  std::string region;        // admin1 name ("Lisbon", "Île-de-France"); may be empty
  std::string subregion;     // admin2 name ("Lisbon", "Paris"); may be empty
  std::string country_code;  // ISO 3166-1 alpha-2 (GeoNames also uses "XK" for Kosovo)
  std::string country;       // "Portugal"; empty when the code has no known name
  double lat = 0, lon = 0;   // of the place, degrees
  double distance_km = 0;    // great-circle distance from the query point
  bool operator==(const Place&) const = default;
};

// False for NaN/inf, |lat| > 90, |lon| > 180, and exactly (0, 0): "null island" is what a GPS
// fix without data is written as, far more often than a photo taken there.
bool IsPlausibleCoordinate(double lat, double lon);

// How far a neighbourhood may be from the place whose name it borrows as its locality.
inline constexpr double kLocalityKm = 5.0;

// Whether a place name names an administrative division, without regard to case: equal names,
// a division that adds a prefix ("Berlin" / "State of Berlin", "London" / "Greater London"), or a
// place that adds "City" or "Town" ("New York City" / "New York").
bool NamesDivision(std::string_view place, std::string_view division);

// Great-circle distance on a sphere of the mean Earth radius (6371.0088 km).
double HaversineKm(double lat1, double lon1, double lat2, double lon2);

class PlaceIndex {
 private:
  // A place as a tree node. The tree is implicit: the node for a range [lo, hi) of the array sits
  // at its middle, splitting it on axes_[mid] into [lo, mid) and (mid, hi).
  struct Node {
    double v[3];        // unit vector
    uint32_t name;      // offset in strings_
    uint32_t division;  // index in divisions_
  };
  struct Division {  // offsets in strings_
    uint32_t country_code, country, region, subregion;
  };

 public:
  class Builder {
   public:
    // The id of an administrative division for AddPlace; equal divisions share one id.
    uint32_t AddDivision(std::string_view country_code, std::string_view country,
                         std::string_view region, std::string_view subregion);
    // The name must not contain '\0' and the coordinate must be plausible; the caller filters.
    void AddPlace(std::string_view name, double lat, double lon, uint32_t division);
    // Counts input entries that were dropped as malformed.
    void Reject(uint64_t count = 1) { rejected_ += count; }
    PlaceIndex Build() &&;

   private:
    uint32_t Intern(std::string_view s);

    struct StringHash {
      using is_transparent = void;
      size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    std::vector<Node> nodes_;
    std::vector<Division> divisions_;
    std::map<std::array<uint32_t, 4>, uint32_t> division_ids_;
    std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> string_offsets_;
    std::string strings_ = std::string(1, '\0');  // offset 0 is the empty string
    uint64_t rejected_ = 0;
  };

  // The cache file: a header naming `source_key` (the digest of the inputs the index was built
  // from) and a SHA-256 of the file, then the arrays as they sit in memory (native byte order;
  // a file from another byte order is rejected, not converted).
  std::string Serialize(const Digest& source_key) const;
  // Fails (kInvalidInput) for any file Serialize did not write for this `source_key`: another
  // version or key, truncation, a checksum mismatch, or offsets out of range. Never reads out of
  // bounds, whatever the bytes.
  static Result<PlaceIndex> Deserialize(std::span<const uint8_t> bytes, const Digest& source_key);

  // The place nearest to a plausible (lat, lon) within max_km, else nullopt. Exact: it returns
  // what a scan of every place would (ties aside). Safe to call from many threads.
  std::optional<Place> Nearest(double lat, double lon, double max_km) const;

  size_t size() const { return nodes_.size(); }
  uint64_t rejected() const { return rejected_; }
  // Bytes held by the arrays and the string table.
  size_t MemoryBytes() const;

 private:
  struct Best {
    double d2;  // squared chord distance to beat
    const Node* node;
  };

  void BuildTree(size_t lo, size_t hi);
  void Search(size_t lo, size_t hi, const double q[3], Best& best) const;
  // The nearest node within chord² `max_d2` whose name names its own division.
  void SearchLocality(size_t lo, size_t hi, const double q[3], Best& best) const;
  bool NodeNamesItsDivision(const Node& node) const;
  std::string_view String(uint32_t offset) const { return strings_.data() + offset; }

  std::vector<Node> nodes_;
  std::vector<uint8_t> axes_;
  std::vector<Division> divisions_;
  std::string strings_;  // NUL-terminated strings, back to back
  uint64_t rejected_ = 0;
};

}  // namespace camroll
