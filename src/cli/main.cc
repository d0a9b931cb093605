// camroll: one binary, several commands (see `camroll --help`). This is the only place that
// chooses concrete implementations and wires the modules together.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "analyze/analyzer.h"
#include "catalog/catalog.h"
#include "cli/credits.h"
#include "cli/progress.h"
#include "cli/version.h"
#include "core/log.h"
#include "core/paths.h"
#include "geo/reverse_geocoder.h"
#include "ideas/events.h"
#include "report/report.h"
#include "scan/roll_scanner.h"

namespace camroll {
namespace {

// Exit codes: what scripts can rely on.
constexpr int kExitOk = 0;
constexpr int kExitSomeFilesFailed = 1;  // the run completed; some files could not be read
constexpr int kExitUsage = 2;
constexpr int kExitFatal = 3;  // nothing useful was produced (catalog unusable, ...)

struct ScanFlags {
  std::string roll;
  std::string data_dir;
  size_t threads = 0;
  bool json = false;
  bool quiet = false;
  uint64_t max_pixels = DecodeOptions{}.max_pixels;
  uint64_t max_image_bytes = AnalyzeOptions{}.max_image_bytes;
  std::string decoder = "auto";
};

void AddScanFlags(CLI::App& cmd, ScanFlags& f) {
  cmd.add_option("ROLL", f.roll, "Folder holding the camera roll")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd.add_option("--data", f.data_dir,
                 "Data folder for the catalog and thumbnails (default: $XDG_DATA_HOME/camroll)");
  cmd.add_option("--threads", f.threads, "Analysis threads (default: one per CPU)");
  cmd.add_flag("--json", f.json, "Print machine-readable JSON on stdout instead of a summary");
  cmd.add_flag("--quiet,-q", f.quiet, "No progress bar");
  cmd.add_option("--max-pixels", f.max_pixels, "Refuse images declaring more pixels than this")
      ->capture_default_str();
  cmd.add_option("--max-image-bytes", f.max_image_bytes, "Refuse image files larger than this")
      ->capture_default_str();
  cmd.add_option("--decoder", f.decoder,
                 "JPEG decoding: auto, turbo (libjpeg-turbo DCT scaling) or vips")
      ->check(CLI::IsMember({"auto", "turbo", "vips"}))
      ->capture_default_str();
}

int64_t NowUtc() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string NowIso() { return FormatIso8601(LocalTime{NowUtc(), 0}); }

// Loads the place index the first time a photo needs it (thread-safe); a scan with nothing new
// never pays for it.
class LazyGeocoder {
 public:
  explicit LazyGeocoder(std::filesystem::path cache_dir) : cache_dir_(std::move(cache_dir)) {}
  const ReverseGeocoder* Get() {
    std::call_once(once_, [this] {
      auto geocoder = ReverseGeocoder::OpenDefault(cache_dir_);
      if (geocoder) {
        geocoder_ = std::move(*geocoder);
      } else {
        Log(LogLevel::kWarning, "places are unavailable ({}); run scripts/setup.sh",
            geocoder.error().message());
      }
    });
    return geocoder_.get();
  }

 private:
  std::filesystem::path cache_dir_;
  std::once_flag once_;
  std::unique_ptr<ReverseGeocoder> geocoder_;
};

struct Session {
  std::filesystem::path data_dir;
  std::unique_ptr<Catalog> catalog;
  std::unique_ptr<LazyGeocoder> geocoder;
  std::unique_ptr<Analyzer> analyzer;
  ScanStats stats;
};

// Opens the data folder and scans the roll into the catalog.
Result<Session> ScanRoll(const ScanFlags& flags) {
  Session s;
  s.data_dir = flags.data_dir.empty() ? DefaultDataDir() : std::filesystem::path(flags.data_dir);
  CAMROLL_RETURN_IF_ERROR(EnsureDirectory(s.data_dir));
  CAMROLL_ASSIGN_OR_RETURN(s.catalog, Catalog::Open(s.data_dir / "catalog.db"));
  s.geocoder = std::make_unique<LazyGeocoder>(s.data_dir / "cache" / "geo");
  AnalyzeOptions options;
  options.data_dir = s.data_dir;
  options.decode.max_pixels = flags.max_pixels;
  options.decode.backend = flags.decoder == "turbo"  ? DecodeBackend::kTurbo
                           : flags.decoder == "vips" ? DecodeBackend::kVips
                                                     : DecodeBackend::kAuto;
  options.max_image_bytes = flags.max_image_bytes;
  s.analyzer = std::make_unique<Analyzer>(
      options, [geocoder = s.geocoder.get()] { return geocoder->Get(); });

  RollScanner scanner(*s.catalog, *s.analyzer);
  ProgressBar bar(!flags.quiet && !flags.json);
  ScanOptions scan_options;
  scan_options.threads = flags.threads;
  scan_options.on_progress = [&bar](const ScanProgress& p) {
    bar.Update(p.done, p.to_analyse, p.elapsed_s, p.current);
  };
  CAMROLL_ASSIGN_OR_RETURN(s.stats, scanner.Scan(flags.roll, scan_options));
  bar.Finish();
  return s;
}

nlohmann::json StatsJson(const ScanStats& st) {
  return {{"files", st.files},    {"unchanged", st.unchanged}, {"analysed", st.analysed},
          {"reused", st.reused},  {"failed", st.failed},       {"removed", st.removed},
          {"seconds", st.seconds}};
}

std::string StatsLine(const ScanStats& st) {
  return fmt::format(
      "Scanned {} files in {:.1f} s: {} analysed, {} unchanged, {} reused, {} removed, {} failed.",
      st.files, st.seconds, st.analysed, st.unchanged, st.reused, st.removed, st.failed);
}

int RunScan(const ScanFlags& flags) {
  auto session = ScanRoll(flags);
  if (!session) {
    std::cerr << "camroll: " << session.error().message() << "\n";
    return kExitFatal;
  }
  auto assets = session->catalog->LoadAssets(session->stats.roll_id);
  if (!assets) {
    std::cerr << "camroll: " << assets.error().message() << "\n";
    return kExitFatal;
  }
  nlohmann::json errors = nlohmann::json::array();
  size_t failed = 0;
  for (const AssetFacts& a : *assets) {
    if (a.failed) {
      ++failed;
      errors.push_back({{"file", a.path}, {"reason", a.error}, {"severity", "error"}});
    }
    for (const auto& w : a.warnings) {
      errors.push_back({{"file", a.path}, {"reason", w}, {"severity", "warning"}});
    }
  }
  if (flags.json) {
    std::cout << nlohmann::json{{"scan", StatsJson(session->stats)}, {"errors", errors}}.dump(2)
              << "\n";
  } else {
    std::cout << StatsLine(session->stats) << "\n";
    for (const auto& e : errors) {
      if (e["severity"] == "error") {
        std::cout << "  " << e["file"].get<std::string>() << ": " << e["reason"].get<std::string>()
                  << "\n";
      }
    }
  }
  return failed ? kExitSomeFilesFailed : kExitOk;
}

int RunSuggest(const ScanFlags& flags, const std::string& out) {
  auto session = ScanRoll(flags);
  if (!session) {
    std::cerr << "camroll: " << session.error().message() << "\n";
    return kExitFatal;
  }
  const int64_t roll_id = session->stats.roll_id;
  auto assets = session->catalog->LoadAssets(roll_id);
  if (!assets) {
    std::cerr << "camroll: " << assets.error().message() << "\n";
    return kExitFatal;
  }
  InferMissingOffsets(*assets);
  RollReport report;
  report.roll = flags.roll;
  report.events = FindEvents(*assets);
  report.generated_at = NowIso();
  if (auto st = session->catalog->ReplaceEvents(roll_id, *assets, report.events, NowUtc()); !st) {
    std::cerr << "camroll: " << st.error().message() << "\n";
    return kExitFatal;
  }
  report.assets = std::move(*assets);
  if (auto st = WriteReport(report, session->data_dir, out); !st) {
    std::cerr << "camroll: writing the output: " << st.error().message() << "\n";
    return kExitFatal;
  }
  const size_t failed = std::count_if(report.assets.begin(), report.assets.end(),
                                      [](const AssetFacts& a) { return a.failed; });
  const std::filesystem::path out_dir = std::filesystem::absolute(out);
  if (flags.json) {
    nlohmann::json manifest = ManifestJson(report);
    manifest["scan"] = StatsJson(session->stats);
    manifest["output"] = out_dir.string();
    std::cout << manifest.dump(2) << "\n";
  } else {
    size_t trips = 0;
    for (const Event& e : report.events.events) trips += e.trip;
    std::cout << StatsLine(session->stats) << "\n";
    std::cout << fmt::format("Found {} events and {} trips", report.events.events.size() - trips,
                             trips);
    if (report.events.home) {
      std::cout << fmt::format(" (home: {}, {})", report.events.home->locality,
                               report.events.home->country);
    }
    std::cout << ".\n";
    for (const Event& e : report.events.events) {
      std::cout << fmt::format("  {:<28} {:>3} items{}\n", e.title, e.members.size(),
                               e.trip ? "  trip" : "");
    }
    if (failed)
      std::cout << fmt::format("{} files could not be read; see manifest.json \"errors\".\n",
                               failed);
    std::cout << "Open " << (out_dir / "index.html").string() << "\n";
  }
  return failed ? kExitSomeFilesFailed : kExitOk;
}

}  // namespace
}  // namespace camroll

int main(int argc, char** argv) {
  using namespace camroll;
  CLI::App app{"camroll — turns a camera roll into events, trips and ideas, on your own machine"};
  app.require_subcommand(0, 1);
  bool version = false;
  app.add_flag("--version", version, "Print the version and the credits of bundled data");
  int verbosity = 0;
  app.add_flag("-v,--verbose", verbosity, "More logging (repeat for debug)");

  ScanFlags scan_flags;
  auto* scan = app.add_subcommand("scan", "Bring the catalog up to date with a camera-roll folder");
  AddScanFlags(*scan, scan_flags);

  ScanFlags suggest_flags;
  std::string out;
  auto* suggest = app.add_subcommand(
      "suggest",
      "Scan a camera roll and write its events and trips to an output folder (on-device mode)");
  AddScanFlags(*suggest, suggest_flags);
  suggest->add_option("--out,-o", out, "Output folder (manifest.json, index.html, thumbs/)")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  SetLogLevel(verbosity >= 2   ? LogLevel::kDebug
              : verbosity == 1 ? LogLevel::kInfo
                               : LogLevel::kWarning);
  if (version) {
    std::cout << "camroll " << CAMROLL_VERSION << "\n\n" << kCredits;
    return 0;
  }
  if (*scan) return RunScan(scan_flags);
  if (*suggest) return RunSuggest(suggest_flags, out);
  std::cout << app.help();
  return 2;
}
