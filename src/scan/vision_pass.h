// The second pass of a scan: the models look at every file they have not seen yet (their upright
// preview, read back from the thumbnail cache), in parallel; the results go to the catalog from
// the calling thread. With face grouping on, new faces then join people (people/ Assign).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "analyze/vision.h"
#include "catalog/catalog.h"
#include "core/file_store.h"

namespace camroll {

struct VisionPassStats {
  size_t seen = 0;                  // files the models looked at
  size_t faces = 0;                 // faces found (face grouping on)
  size_t failed = 0;                // files the models could not look at (reason in `errors`)
  std::vector<std::string> errors;  // "path: reason"
  AssignReport people;              // what the new faces did to people
  double seconds = 0;
};

struct VisionPassOptions {
  size_t threads = 0;   // photos looked at side by side; 0: one per CPU
  int64_t now_utc = 0;  // 0: the current time
  std::function<void(size_t done, size_t total)> on_progress;
  const FileStore* files = nullptr;  // how the previews are kept; nullptr: plain files
};

Result<VisionPassStats> RunVisionPass(Catalog& catalog, int64_t roll_id,
                                      const std::filesystem::path& data_dir,
                                      const VisionAnalyzer& analyzer,
                                      const VisionPassOptions& options);

}  // namespace camroll
