// Brings the catalog up to date with a camera-roll folder: new and changed files are analysed
// (in parallel, each decoded once), unchanged ones are skipped without reading them, removed
// ones are dropped with their facts and thumbnails. A file whose bytes the catalog already
// knows (moved, renamed, copied, touched) is not decoded again.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

#include "analyze/analyzer.h"
#include "catalog/catalog.h"

namespace camroll {

struct ScanProgress {
  size_t to_analyse = 0;  // files that needed work this run
  size_t done = 0;
  size_t failed = 0;
  double elapsed_s = 0;
  std::string current;  // the last file finished
};

struct ScanStats {
  int64_t roll_id = 0;
  size_t files = 0;      // files seen in the folder
  size_t unchanged = 0;  // skipped without reading
  size_t analysed = 0;   // decoded and analysed
  size_t reused = 0;     // known bytes: analysis copied, nothing decoded
  size_t failed = 0;     // could not be analysed (reason in the catalog)
  size_t removed = 0;    // gone from the folder, dropped from the catalog
  size_t kept = 0;       // absent from the folder but still in the roll (still_in_roll)
  double seconds = 0;
};

struct ScanOptions {
  size_t threads = 0;   // 0: one per CPU
  int64_t now_utc = 0;  // 0: the current time
  std::function<void(const ScanProgress&)> on_progress;
  // Asked about each catalogued file absent from the folder: true keeps it and its facts. A
  // server keeps originals sealed and puts only the files not analysed yet in the folder.
  std::function<bool(const std::string& rel)> still_in_roll;
};

class RollScanner {
 public:
  // Both must outlive the scanner. The catalog is used from the calling thread only.
  RollScanner(Catalog& catalog, const Analyzer& analyzer)
      : catalog_(catalog), analyzer_(analyzer) {}

  Result<ScanStats> Scan(const std::filesystem::path& root, const ScanOptions& options);

 private:
  Catalog& catalog_;
  const Analyzer& analyzer_;
};

// The files of a roll, relative to its root with '/' separators, sorted. Hidden files and
// folders (".thumbnails", ".trashed-…", ".nomedia") and sidecar files (IsSidecar) are not part
// of a camera roll; every other file is, and one camroll cannot read is reported.
Result<std::vector<std::string>> ListRollFiles(const std::filesystem::path& root);
// Files that describe media beside them (.aae, .xmp, .thm, Google Takeout's .json, ...).
bool IsSidecar(const std::filesystem::path& file);

}  // namespace camroll
