#include "geo/place_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <numbers>
#include <type_traits>

namespace camroll {
namespace {

constexpr double kEarthRadiusKm = 6371.0088;  // IUGG mean radius
constexpr double kRadiansPerDegree = std::numbers::pi / 180;

std::array<double, 3> UnitVector(double lat, double lon) {
  const double phi = lat * kRadiansPerDegree;
  const double lambda = lon * kRadiansPerDegree;
  return {std::cos(phi) * std::cos(lambda), std::cos(phi) * std::sin(lambda), std::sin(phi)};
}

// The cache file starts with this header; the payload follows: nodes, divisions, axes, strings.
struct FileHeader {
  char magic[8];
  uint32_t version;
  uint32_t byte_order;  // kByteOrderMark as the writer stored it
  uint8_t source_key[32];
  uint8_t checksum[32];  // SHA-256 of the whole file with this field zeroed
  uint64_t node_count;
  uint64_t division_count;
  uint64_t string_bytes;
  uint64_t rejected;
};
static_assert(std::is_trivially_copyable_v<FileHeader> && sizeof(FileHeader) == 112);

constexpr char kMagic[8] = {'C', 'R', 'G', 'E', 'O', 'I', 'D', 'X'};
// Bump when Node, Division, the payload layout or the tree layout change.
constexpr uint32_t kFormatVersion = 1;
constexpr uint32_t kByteOrderMark = 0x01020304;

Digest Checksum(std::span<const uint8_t> file) {
  constexpr size_t kAt = offsetof(FileHeader, checksum);
  constexpr uint8_t kZeros[sizeof FileHeader::checksum] = {};
  Sha256 sha;
  sha.Update(file.first(kAt));
  sha.Update(kZeros);
  sha.Update(file.subspan(kAt + sizeof kZeros));
  return sha.Finish();
}

std::unexpected<Error> Corrupt(std::string_view why) {
  return Fail(ErrorCode::kInvalidInput, fmt::format("place index: {}", why));
}

}  // namespace

bool NamesDivision(std::string_view place, std::string_view division) {
  if (place.empty() || division.empty()) return false;
  auto lower = [](std::string_view v) {
    std::string out(v);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string a = lower(place), b = lower(division);
  if (a == b) return true;
  // The division is the place with a prefix: "State of Berlin", "Greater London".
  if (b.size() > a.size() && b.compare(b.size() - a.size(), a.size(), a) == 0 &&
      b[b.size() - a.size() - 1] == ' ') {
    return true;
  }
  // The place is the division and a generic word: "New York City". Not "Paris 04 Louvre",
  // an arrondissement of the division "Paris".
  for (std::string_view suffix : {" city", " town"}) {
    if (a.size() == b.size() + suffix.size() && a.compare(0, b.size(), b) == 0 &&
        a.compare(b.size(), suffix.size(), suffix) == 0) {
      return true;
    }
  }
  return false;
}

bool IsPlausibleCoordinate(double lat, double lon) {
  return std::isfinite(lat) && std::isfinite(lon) && std::abs(lat) <= 90 && std::abs(lon) <= 180 &&
         !(lat == 0 && lon == 0);
}

double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  const double dphi = (lat2 - lat1) * kRadiansPerDegree;
  const double dlambda = (lon2 - lon1) * kRadiansPerDegree;
  const double h = std::sin(dphi / 2) * std::sin(dphi / 2) +
                   std::cos(lat1 * kRadiansPerDegree) * std::cos(lat2 * kRadiansPerDegree) *
                       std::sin(dlambda / 2) * std::sin(dlambda / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

uint32_t PlaceIndex::Builder::Intern(std::string_view s) {
  if (s.empty()) return 0;
  if (auto it = string_offsets_.find(s); it != string_offsets_.end()) return it->second;
  // Offsets are 32-bit: the inputs are read with limits far below 4 GiB.
  const auto offset = static_cast<uint32_t>(strings_.size());
  strings_.append(s);
  strings_.push_back('\0');
  string_offsets_.emplace(s, offset);
  return offset;
}

uint32_t PlaceIndex::Builder::AddDivision(std::string_view country_code, std::string_view country,
                                          std::string_view region, std::string_view subregion) {
  const std::array<uint32_t, 4> key = {Intern(country_code), Intern(country), Intern(region),
                                       Intern(subregion)};
  auto [it, inserted] = division_ids_.try_emplace(key, static_cast<uint32_t>(divisions_.size()));
  if (inserted) divisions_.push_back({key[0], key[1], key[2], key[3]});
  return it->second;
}

void PlaceIndex::Builder::AddPlace(std::string_view name, double lat, double lon,
                                   uint32_t division) {
  const auto v = UnitVector(lat, lon);
  nodes_.push_back({{v[0], v[1], v[2]}, Intern(name), division});
}

PlaceIndex PlaceIndex::Builder::Build() && {
  PlaceIndex index;
  index.nodes_ = std::move(nodes_);
  index.divisions_ = std::move(divisions_);
  index.strings_ = std::move(strings_);
  index.rejected_ = rejected_;
  index.nodes_.shrink_to_fit();
  index.divisions_.shrink_to_fit();
  index.strings_.shrink_to_fit();
  index.axes_.assign(index.nodes_.size(), 0);
  index.BuildTree(0, index.nodes_.size());
  return index;
}

void PlaceIndex::BuildTree(size_t lo, size_t hi) {
  if (hi - lo < 2) return;  // a leaf keeps axis 0, which Search never reads
  // Split on the axis of largest extent: the points lie on a sphere, so deep down one of the
  // three axes is nearly flat and cycling through axes would waste a level in three.
  double min[3], max[3];
  for (int a = 0; a < 3; ++a) min[a] = max[a] = nodes_[lo].v[a];
  for (size_t i = lo + 1; i < hi; ++i) {
    for (int a = 0; a < 3; ++a) {
      min[a] = std::min(min[a], nodes_[i].v[a]);
      max[a] = std::max(max[a], nodes_[i].v[a]);
    }
  }
  int axis = 0;
  for (int a = 1; a < 3; ++a) {
    if (max[a] - min[a] > max[axis] - min[axis]) axis = a;
  }
  const size_t mid = lo + (hi - lo) / 2;
  std::nth_element(nodes_.begin() + lo, nodes_.begin() + mid, nodes_.begin() + hi,
                   [axis](const Node& a, const Node& b) { return a.v[axis] < b.v[axis]; });
  axes_[mid] = static_cast<uint8_t>(axis);
  BuildTree(lo, mid);
  BuildTree(mid + 1, hi);
}

void PlaceIndex::Search(size_t lo, size_t hi, const double q[3], Best& best) const {
  if (lo >= hi) return;
  const size_t mid = lo + (hi - lo) / 2;
  const Node& node = nodes_[mid];
  const double dx = q[0] - node.v[0], dy = q[1] - node.v[1], dz = q[2] - node.v[2];
  const double d2 = dx * dx + dy * dy + dz * dz;
  if (d2 < best.d2) best = {d2, &node};
  if (hi - lo == 1) return;
  // Everything across the splitting plane is at least |diff| away.
  const double diff = q[axes_[mid]] - node.v[axes_[mid]];
  const bool left_first = diff < 0;
  Search(left_first ? lo : mid + 1, left_first ? mid : hi, q, best);
  if (diff * diff < best.d2) Search(left_first ? mid + 1 : lo, left_first ? hi : mid, q, best);
}

bool PlaceIndex::NodeNamesItsDivision(const Node& node) const {
  const Division& d = divisions_[node.division];
  const std::string_view name = String(node.name);
  return NamesDivision(name, String(d.subregion)) || NamesDivision(name, String(d.region));
}

void PlaceIndex::SearchLocality(size_t lo, size_t hi, const double q[3], Best& best) const {
  if (lo >= hi) return;
  const size_t mid = lo + (hi - lo) / 2;
  const Node& node = nodes_[mid];
  const double dx = q[0] - node.v[0], dy = q[1] - node.v[1], dz = q[2] - node.v[2];
  const double d2 = dx * dx + dy * dy + dz * dz;
  if (d2 < best.d2 && NodeNamesItsDivision(node)) best = {d2, &node};
  if (hi - lo == 1) return;
  const double diff = q[axes_[mid]] - node.v[axes_[mid]];
  const bool left_first = diff < 0;
  SearchLocality(left_first ? lo : mid + 1, left_first ? mid : hi, q, best);
  if (diff * diff < best.d2) {
    SearchLocality(left_first ? mid + 1 : lo, left_first ? hi : mid, q, best);
  }
}

std::optional<Place> PlaceIndex::Nearest(double lat, double lon, double max_km) const {
  if (!IsPlausibleCoordinate(lat, lon) || !(max_km >= 0)) return std::nullopt;
  // The chord between two points on the unit sphere grows with the angle between them, so the
  // nearest by chord is the nearest by great circle. max_km becomes the chord to beat.
  const double angle = max_km / kEarthRadiusKm;
  const double max_chord = angle >= std::numbers::pi ? 2 : 2 * std::sin(angle / 2);
  Best best = {std::nextafter(max_chord * max_chord, std::numeric_limits<double>::infinity()),
               nullptr};
  const auto q = UnitVector(lat, lon);
  Search(0, nodes_.size(), q.data(), best);
  if (best.node == nullptr) return std::nullopt;

  const Node& n = *best.node;
  const Division& d = divisions_[n.division];
  Place place;
  place.city = String(n.name);
  place.region = String(d.region);
  place.subregion = String(d.subregion);
  place.country_code = String(d.country_code);
  place.country = String(d.country);
  place.lat = std::atan2(n.v[2], std::hypot(n.v[0], n.v[1])) / kRadiansPerDegree;
  place.lon = std::atan2(n.v[1], n.v[0]) / kRadiansPerDegree;
  place.distance_km = HaversineKm(lat, lon, place.lat, place.lon);

  place.locality = place.city;
  if (!NodeNamesItsDivision(n)) {
    const double locality_chord = 2 * std::sin(kLocalityKm / kEarthRadiusKm / 2);
    Best named = {locality_chord * locality_chord, nullptr};
    SearchLocality(0, nodes_.size(), q.data(), named);
    if (named.node != nullptr && divisions_[named.node->division].country_code == d.country_code) {
      place.locality = String(named.node->name);
    }
  }
  return place;
}

size_t PlaceIndex::MemoryBytes() const {
  return nodes_.capacity() * sizeof(Node) + axes_.capacity() +
         divisions_.capacity() * sizeof(Division) + strings_.capacity();
}

std::string PlaceIndex::Serialize(const Digest& source_key) const {
  // The arrays are written as raw bytes: they must have no padding and no pointers.
  static_assert(std::is_trivially_copyable_v<Node> && sizeof(Node) == 32);
  static_assert(std::is_trivially_copyable_v<Division> && sizeof(Division) == 16);
  const size_t node_bytes = nodes_.size() * sizeof(Node);
  const size_t division_bytes = divisions_.size() * sizeof(Division);
  std::string out(sizeof(FileHeader) + node_bytes + division_bytes + axes_.size() + strings_.size(),
                  '\0');
  char* p = out.data() + sizeof(FileHeader);
  std::memcpy(p, nodes_.data(), node_bytes);
  p += node_bytes;
  std::memcpy(p, divisions_.data(), division_bytes);
  p += division_bytes;
  std::memcpy(p, axes_.data(), axes_.size());
  p += axes_.size();
  std::memcpy(p, strings_.data(), strings_.size());

  FileHeader header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.version = kFormatVersion;
  header.byte_order = kByteOrderMark;
  std::memcpy(header.source_key, source_key.data(), source_key.size());
  header.node_count = nodes_.size();
  header.division_count = divisions_.size();
  header.string_bytes = strings_.size();
  header.rejected = rejected_;
  std::memcpy(out.data(), &header, sizeof header);
  const Digest checksum =
      Checksum(std::span(reinterpret_cast<const uint8_t*>(out.data()), out.size()));
  std::memcpy(out.data() + offsetof(FileHeader, checksum), checksum.data(), checksum.size());
  return out;
}

Result<PlaceIndex> PlaceIndex::Deserialize(std::span<const uint8_t> bytes,
                                           const Digest& source_key) {
  FileHeader header;
  if (bytes.size() < sizeof header) return Corrupt("shorter than its header");
  std::memcpy(&header, bytes.data(), sizeof header);
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0 || header.version != kFormatVersion ||
      header.byte_order != kByteOrderMark) {
    return Corrupt("not a place index of this version");
  }
  if (std::memcmp(header.source_key, source_key.data(), source_key.size()) != 0) {
    return Corrupt("built from other sources");
  }

  // Every count is checked against the bytes left before it is multiplied, so a hostile header
  // cannot overflow the size computation.
  const std::span<const uint8_t> payload = bytes.subspan(sizeof header);
  size_t used = 0;
  auto fits = [&](uint64_t count, size_t element_size) {
    if (count > (payload.size() - used) / element_size) return false;
    used += count * element_size;
    return true;
  };
  if (!fits(header.node_count, sizeof(Node)) || !fits(header.division_count, sizeof(Division)) ||
      !fits(header.node_count, 1) || !fits(header.string_bytes, 1) || used != payload.size()) {
    return Corrupt("size does not match its header");
  }
  if (const Digest checksum = Checksum(bytes);
      std::memcmp(header.checksum, checksum.data(), checksum.size()) != 0) {
    return Corrupt("checksum mismatch");
  }

  PlaceIndex index;
  index.nodes_.resize(header.node_count);
  index.divisions_.resize(header.division_count);
  index.axes_.resize(header.node_count);
  index.strings_.resize(header.string_bytes);
  index.rejected_ = header.rejected;
  const uint8_t* p = payload.data();
  std::memcpy(index.nodes_.data(), p, index.nodes_.size() * sizeof(Node));
  p += index.nodes_.size() * sizeof(Node);
  std::memcpy(index.divisions_.data(), p, index.divisions_.size() * sizeof(Division));
  p += index.divisions_.size() * sizeof(Division);
  std::memcpy(index.axes_.data(), p, index.axes_.size());
  p += index.axes_.size();
  std::memcpy(index.strings_.data(), p, index.strings_.size());

  // A matching checksum proves the file is intact, not that its writer was this code: check
  // every offset so that lookups cannot read out of bounds.
  const uint64_t string_bytes = index.strings_.size();
  if (string_bytes == 0 || string_bytes > std::numeric_limits<uint32_t>::max() ||
      index.strings_.back() != '\0') {
    return Corrupt("bad string table");
  }
  for (const Division& d : index.divisions_) {
    if (d.country_code >= string_bytes || d.country >= string_bytes || d.region >= string_bytes ||
        d.subregion >= string_bytes) {
      return Corrupt("division string out of range");
    }
  }
  for (size_t i = 0; i < index.nodes_.size(); ++i) {
    const Node& n = index.nodes_[i];
    if (n.name >= string_bytes || n.division >= index.divisions_.size() || index.axes_[i] > 2 ||
        !std::isfinite(n.v[0]) || !std::isfinite(n.v[1]) || !std::isfinite(n.v[2])) {
      return Corrupt("place out of range");
    }
  }
  return index;
}

}  // namespace camroll
