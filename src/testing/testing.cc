#include "testing/testing.h"

#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace camroll::testing {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "camroll-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path SourceDir() { return CAMROLL_SOURCE_DIR; }
std::filesystem::path BinaryDir() { return CAMROLL_BINARY_DIR; }

std::filesystem::path SharedTestData() {
  std::filesystem::path p;
  if (const char* env = std::getenv("CAMROLL_SHARED_TESTDATA"); env && *env) {
    p = env;
  } else {
    p = SourceDir().parent_path() / "shared" / "testdata";
  }
  return std::filesystem::is_directory(p) ? p : std::filesystem::path();
}

std::filesystem::path SampleRoll() {
  std::filesystem::path p = BinaryDir() / "sample-roll";
  return std::filesystem::exists(p / "ground_truth.json") ? p : std::filesystem::path();
}

void WriteBytes(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> PlainMediaFiles(const std::filesystem::path& dir) {
  std::vector<std::string> found;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::string head(12, '\0');
    in.read(head.data(), 12);
    if (head.starts_with("\xFF\xD8\xFF") || head.substr(4, 4) == "ftyp") {
      found.push_back(e.path().string());
    }
  }
  return found;
}

}  // namespace camroll::testing
