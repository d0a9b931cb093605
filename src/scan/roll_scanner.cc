#include "scan/roll_scanner.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "core/log.h"
#include "core/thread_pool.h"

namespace camroll {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct Job {
  std::string rel;
  FileStat stat;
};

// Tells the workers to skip what is left when the writer gives up early (a catalog error):
// the pool's destructor would otherwise analyse every queued file before returning.
class CancelOnExit {
 public:
  explicit CancelOnExit(std::atomic<bool>& flag) : flag_(flag) {}
  ~CancelOnExit() { flag_ = true; }

 private:
  std::atomic<bool>& flag_;
};

}  // namespace

bool IsSidecar(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // Apple edit lists, XMP and editor sidecars, camera thumbnails and proxies, Google Takeout
  // metadata: they sit beside photos in real rolls and describe them; they are not media.
  static constexpr std::string_view kSidecars[] = {".aae", ".xmp",  ".thm", ".lrv", ".dop",
                                                   ".pp3", ".json", ".db",  ".ini"};
  return std::find(std::begin(kSidecars), std::end(kSidecars), ext) != std::end(kSidecars);
}

Result<std::vector<std::string>> ListRollFiles(const std::filesystem::path& root) {
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    return Fail(ErrorCode::kNotFound, fmt::format("{} is not a folder", root.string()));
  }
  std::vector<std::string> files;
  auto it = std::filesystem::recursive_directory_iterator(
      root, std::filesystem::directory_options::skip_permission_denied, ec);
  if (ec) return Fail(ErrorCode::kIo, fmt::format("listing {}: {}", root.string(), ec.message()));
  for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return Fail(ErrorCode::kIo, fmt::format("listing {}: {}", root.string(), ec.message()));
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && !IsSidecar(it->path())) {
      files.push_back(it->path().lexically_relative(root).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Result<ScanStats> RollScanner::Scan(const std::filesystem::path& root_in,
                                    const ScanOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  const std::filesystem::path root = std::filesystem::weakly_canonical(root_in, ec);
  if (ec) return Fail(ErrorCode::kNotFound, fmt::format("{}: {}", root_in.string(), ec.message()));
  const int64_t now = options.now_utc != 0
                          ? options.now_utc
                          : std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  ScanStats stats;
  CAMROLL_ASSIGN_OR_RETURN(stats.roll_id, catalog_.EnsureRoll(root.string()));
  CAMROLL_ASSIGN_OR_RETURN(auto states, catalog_.FileStates(stats.roll_id));
  CAMROLL_ASSIGN_OR_RETURN(auto files, ListRollFiles(root));
  stats.files = files.size();

  // Decide from the file system alone what needs work.
  std::vector<Job> jobs;
  std::unordered_set<std::string> seen;
  for (const std::string& rel : files) {
    seen.insert(rel);
    auto st = StatFile(root / rel);
    if (!st) {
      Log(LogLevel::kWarning, "{}: {}", rel, st.error().message());
      continue;
    }
    auto it = states.find(rel);
    if (it != states.end() && it->second.size_bytes == st->size &&
        it->second.mtime_ns == st->mtime_ns && it->second.analysis_version == Analyzer::kVersion) {
      ++stats.unchanged;
      continue;
    }
    jobs.push_back({rel, *st});
  }
  std::vector<std::string> removed;
  for (const auto& [rel, state] : states) {
    if (seen.count(rel)) continue;
    if (options.still_in_roll && options.still_in_roll(rel)) {
      ++stats.kept;
    } else {
      removed.push_back(rel);
    }
  }
  std::sort(removed.begin(), removed.end());

  // Content the catalog has already analysed with this version, under any path.
  std::unordered_set<std::string> known_hashes;
  {
    CAMROLL_ASSIGN_OR_RETURN(auto q,
                             catalog_.db().Prepare("SELECT DISTINCT content_hash FROM assets WHERE "
                                                   "status = 'ok' AND analysis_version = ?"));
    q.Bind(1, Analyzer::kVersion);
    for (;;) {
      CAMROLL_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      known_hashes.insert(q.Text(0));
    }
  }

  // Workers analyse; this thread writes to the catalog in batches.
  BlockingQueue<Analysis> results;
  std::atomic<bool> cancelled{false};
  {
    const size_t threads =
        options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    ThreadPool pool(std::min(threads, std::max<size_t>(jobs.size(), 1)));
    for (const Job& job : jobs) {
      pool.Submit([&, job] {
        if (cancelled) return;
        auto known = [&](const std::string& hash) { return known_hashes.count(hash) > 0; };
        results.Push(analyzer_.Analyze(root / job.rel, job.rel, job.stat, now, known));
      });
    }
    CancelOnExit cancel_on_exit(cancelled);  // destroyed before the pool
    ScanProgress progress;
    progress.to_analyse = jobs.size();
    CAMROLL_ASSIGN_OR_RETURN(auto tx, catalog_.Begin());
    auto last_commit = std::chrono::steady_clock::now();
    std::optional<sqlite::Transaction> batch(std::move(tx));
    for (size_t n = 0; n < jobs.size(); ++n) {
      std::optional<Analysis> a = results.Pop();
      if (!a) break;
      AssetFacts& f = a->facts;
      if (a->known_content) {
        CAMROLL_ASSIGN_OR_RETURN(auto earlier,
                                 catalog_.FindAnalysedByHash(f.content_hash, Analyzer::kVersion));
        if (!earlier) return Fail(ErrorCode::kInternal, "known content vanished from the catalog");
        AssetFacts copy = std::move(*earlier);
        copy.path = f.path;
        copy.size_bytes = f.size_bytes;
        copy.mtime_ns = f.mtime_ns;
        CAMROLL_RETURN_IF_ERROR(catalog_.PutAsset(stats.roll_id, copy, Analyzer::kVersion, now));
        ++stats.reused;
      } else {
        CAMROLL_RETURN_IF_ERROR(catalog_.PutAsset(stats.roll_id, f, Analyzer::kVersion, now));
        if (f.failed) {
          ++stats.failed;
          ++progress.failed;
        } else {
          ++stats.analysed;
        }
      }
      ++progress.done;
      progress.current = f.path;
      progress.elapsed_s = SecondsSince(start);
      if (options.on_progress) options.on_progress(progress);
      if (std::chrono::steady_clock::now() - last_commit > std::chrono::milliseconds(500)) {
        CAMROLL_RETURN_IF_ERROR(batch->Commit());
        batch.reset();
        CAMROLL_ASSIGN_OR_RETURN(auto next, catalog_.Begin());
        batch.emplace(std::move(next));
        last_commit = std::chrono::steady_clock::now();
      }
    }
    CAMROLL_ASSIGN_OR_RETURN(auto unused, catalog_.RemoveAssets(stats.roll_id, removed));
    stats.removed = removed.size();
    CAMROLL_RETURN_IF_ERROR(catalog_.MarkScanned(stats.roll_id, now));
    CAMROLL_RETURN_IF_ERROR(batch->Commit());
    // Thumbnails are named by content: delete them once no file has those bytes any more.
    for (const std::string& hash : unused) {
      for (int size : {analyzer_.options().thumb_size, analyzer_.options().preview_size}) {
        std::filesystem::remove(analyzer_.options().data_dir / Analyzer::ThumbnailFile(hash, size),
                                ec);
      }
    }
  }
  stats.seconds = SecondsSince(start);
  return stats;
}

}  // namespace camroll
