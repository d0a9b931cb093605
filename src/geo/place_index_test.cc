#include "geo/place_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace camroll {
namespace {

struct Point {
  double lat, lon;
};

// Places spread over the globe plus tight clusters (cities are clusters), named "p<i>".
std::vector<Point> RandomPlaces(size_t count, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> jitter(0, 0.05);
  std::vector<Point> places;
  while (places.size() < count) {
    // Uniform on the sphere: latitude from asin of a uniform z.
    Point p{std::asin(2 * unit(rng) - 1) * 180 / std::numbers::pi, 360 * unit(rng) - 180};
    places.push_back(p);
    for (int i = 0; i < 5 && places.size() < count; ++i) {
      Point q{std::clamp(p.lat + jitter(rng), -90.0, 90.0), p.lon + jitter(rng)};
      if (q.lon > 180) q.lon -= 360;
      if (q.lon < -180) q.lon += 360;
      places.push_back(q);
    }
  }
  return places;
}

PlaceIndex IndexOf(const std::vector<Point>& places) {
  PlaceIndex::Builder builder;
  const uint32_t division = builder.AddDivision("PT", "Portugal", "Lisbon", "Lisbon");
  for (size_t i = 0; i < places.size(); ++i) {
    builder.AddPlace("p" + std::to_string(i), places[i].lat, places[i].lon, division);
  }
  return std::move(builder).Build();
}

TEST(PlausibleCoordinate, RejectsNonFiniteOutOfRangeAndNullIsland) {
  EXPECT_TRUE(IsPlausibleCoordinate(38.7, -9.1));
  EXPECT_TRUE(IsPlausibleCoordinate(90, 180));
  EXPECT_TRUE(IsPlausibleCoordinate(-90, -180));
  EXPECT_TRUE(IsPlausibleCoordinate(0, 0.0001));
  EXPECT_FALSE(IsPlausibleCoordinate(0, 0));
  EXPECT_FALSE(IsPlausibleCoordinate(90.0001, 0));
  EXPECT_FALSE(IsPlausibleCoordinate(10, -180.0001));
  EXPECT_FALSE(IsPlausibleCoordinate(std::nan(""), 10));
  EXPECT_FALSE(IsPlausibleCoordinate(10, std::numeric_limits<double>::infinity()));
}

TEST(Haversine, MatchesKnownDistances) {
  // Lisbon to Porto is ~274 km, Paris to London ~344 km.
  EXPECT_NEAR(HaversineKm(38.7223, -9.1393, 41.1496, -8.6109), 274, 2);
  EXPECT_NEAR(HaversineKm(48.8566, 2.3522, 51.5074, -0.1278), 344, 2);
  // A quarter of the equator, and across the antimeridian the short way round.
  EXPECT_NEAR(HaversineKm(0, 0, 0, 90), 2 * std::numbers::pi * 6371.0088 / 4, 1e-6);
  EXPECT_NEAR(HaversineKm(0, 179.5, 0, -179.5), 111.2, 0.1);
  EXPECT_EQ(HaversineKm(12, 34, 12, 34), 0);
}

TEST(PlaceIndex, FindsExactlyTheNearestPlaceThatAScanFinds) {
  std::mt19937_64 rng(42);
  const auto places = RandomPlaces(5000, rng);
  const PlaceIndex index = IndexOf(places);
  ASSERT_EQ(index.size(), places.size());

  // Queries near places (the common case) and anywhere (the hard one: long searches).
  std::uniform_real_distribution<double> unit(0, 1);
  std::normal_distribution<double> jitter(0, 0.2);
  for (int i = 0; i < 2000; ++i) {
    double lat, lon;
    if (i % 2 == 0) {
      const Point& p = places[rng() % places.size()];
      lat = std::clamp(p.lat + jitter(rng), -90.0, 90.0);
      lon = std::remainder(p.lon + jitter(rng), 360.0);
    } else {
      lat = std::asin(2 * unit(rng) - 1) * 180 / std::numbers::pi;
      lon = 360 * unit(rng) - 180;
    }
    size_t best = 0;
    double best_km = std::numeric_limits<double>::infinity();
    for (size_t j = 0; j < places.size(); ++j) {
      const double km = HaversineKm(lat, lon, places[j].lat, places[j].lon);
      if (km < best_km) {
        best_km = km;
        best = j;
      }
    }
    const auto found = index.Nearest(lat, lon, 1e6);
    ASSERT_TRUE(found) << lat << "," << lon;
    EXPECT_EQ(found->city, "p" + std::to_string(best)) << lat << "," << lon;
    EXPECT_NEAR(found->distance_km, best_km, 1e-6);
    EXPECT_NEAR(found->lat, places[best].lat, 1e-9);
    EXPECT_NEAR(found->lon, places[best].lon, 1e-9);
  }
}

TEST(PlaceIndex, FindsPlacesAcrossTheAntimeridianAndNearThePoles) {
  const PlaceIndex index = IndexOf({{-17.7, 179.9}, {-17.7, 170}, {89.9, 0}, {-89.9, 90}});
  EXPECT_EQ(index.Nearest(-17.7, -179.9, 100)->city, "p0");
  EXPECT_NEAR(index.Nearest(-17.7, -179.9, 100)->distance_km, 21.2, 0.1);
  EXPECT_EQ(index.Nearest(89.9, 180, 100)->city, "p2");
  EXPECT_EQ(index.Nearest(-90, 0, 100)->city, "p3");
}

TEST(PlaceIndex, ReturnsNothingBeyondMaxKm) {
  const PlaceIndex index = IndexOf({{10, 10}});
  const double km = HaversineKm(10, 11, 10, 10);  // ~109.5 km
  EXPECT_FALSE(index.Nearest(10, 11, km - 0.001));
  EXPECT_TRUE(index.Nearest(10, 11, km + 0.001));
  EXPECT_TRUE(index.Nearest(-10, -170, 30000));  // the whole Earth
  EXPECT_FALSE(index.Nearest(10, 10, -1));
  EXPECT_FALSE(index.Nearest(10, 10, std::nan("")));
}

TEST(PlaceIndex, ReturnsNothingForImplausibleQueriesOrAnEmptyIndex) {
  const PlaceIndex index = IndexOf({{0, 0.001}});
  EXPECT_FALSE(index.Nearest(0, 0, 100));
  EXPECT_FALSE(index.Nearest(std::nan(""), 0, 100));
  EXPECT_FALSE(IndexOf({}).Nearest(10, 10, 1e6));
}

TEST(PlaceIndex, ReportsTheDivisionOfThePlace) {
  PlaceIndex::Builder builder;
  const uint32_t lisbon = builder.AddDivision("PT", "Portugal", "Lisbon", "Lisbon");
  const uint32_t paris = builder.AddDivision("FR", "France", "Île-de-France", "");
  EXPECT_EQ(builder.AddDivision("PT", "Portugal", "Lisbon", "Lisbon"), lisbon);
  builder.AddPlace("Lisbon", 38.72509, -9.1498, lisbon);
  builder.AddPlace("Paris", 48.85341, 2.3488, paris);
  const PlaceIndex index = std::move(builder).Build();
  const auto place = index.Nearest(48.8566, 2.3522, 100);
  ASSERT_TRUE(place);
  EXPECT_EQ(place->city, "Paris");
  EXPECT_EQ(place->region, "Île-de-France");
  EXPECT_EQ(place->subregion, "");
  EXPECT_EQ(place->country_code, "FR");
  EXPECT_EQ(place->country, "France");
  EXPECT_NEAR(place->distance_km, HaversineKm(48.8566, 2.3522, 48.85341, 2.3488), 1e-9);
  EXPECT_EQ(index.Nearest(38.7223, -9.1393, 100)->region, "Lisbon");
}

TEST(PlaceIndex, IsSafeToQueryFromManyThreads) {
  std::mt19937_64 rng(7);
  const auto places = RandomPlaces(5000, rng);
  const PlaceIndex index = IndexOf(places);
  const auto queries = RandomPlaces(2000, rng);
  std::vector<std::string> expected;
  for (const Point& q : queries) expected.push_back(index.Nearest(q.lat, q.lon, 1e6)->city);

  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < queries.size(); ++i) {
        mismatches[t] += index.Nearest(queries[i].lat, queries[i].lon, 1e6)->city != expected[i];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

class PlaceIndexFile : public ::testing::Test {
 protected:
  PlaceIndexFile() {
    std::mt19937_64 rng(1);
    PlaceIndex::Builder builder;
    const uint32_t division = builder.AddDivision("PT", "Portugal", "Lisbon", "Lisbon");
    for (const Point& p : RandomPlaces(300, rng)) builder.AddPlace("x", p.lat, p.lon, division);
    builder.Reject(3);
    index_ = std::move(builder).Build();
    key_.fill(7);
    bytes_ = index_.Serialize(key_);
  }

  Result<PlaceIndex> Load(const std::string& bytes, const Digest& key) const {
    return PlaceIndex::Deserialize(
        std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), key);
  }

  PlaceIndex index_;
  Digest key_;
  std::string bytes_;
};

TEST_F(PlaceIndexFile, RoundTripsEveryPlace) {
  auto loaded = Load(bytes_, key_);
  ASSERT_TRUE(loaded) << loaded.error().ToString();
  EXPECT_EQ(loaded->size(), index_.size());
  EXPECT_EQ(loaded->rejected(), 3u);
  EXPECT_EQ(loaded->Serialize(key_), bytes_);
  EXPECT_EQ(loaded->Nearest(38.7, -9.1, 1e6), index_.Nearest(38.7, -9.1, 1e6));
}

TEST_F(PlaceIndexFile, RefusesAnotherSourceKey) {
  Digest other = key_;
  other[31] ^= 1;
  auto loaded = Load(bytes_, other);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().code(), ErrorCode::kInvalidInput);
}

TEST_F(PlaceIndexFile, RefusesEveryTruncation) {
  for (size_t size = 0; size < bytes_.size(); size += (size < 200 ? 1 : 97)) {
    EXPECT_FALSE(Load(bytes_.substr(0, size), key_)) << size;
  }
  EXPECT_FALSE(Load(bytes_ + "x", key_));
}

TEST_F(PlaceIndexFile, RefusesAnyFlippedBit) {
  for (size_t i = 0; i < bytes_.size(); i += 13) {
    std::string damaged = bytes_;
    damaged[i] ^= static_cast<char>(1 << (i % 8));
    EXPECT_FALSE(Load(damaged, key_)) << "byte " << i;
  }
}

}  // namespace
}  // namespace camroll
