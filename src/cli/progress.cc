#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace camroll {

ProgressBar::ProgressBar(bool enabled) : enabled_(enabled && ::isatty(STDERR_FILENO)) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(size_t done, size_t total, double elapsed_s, const std::string& current) {
  if (!enabled_ || total == 0) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && done < total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  constexpr int kWidth = 28;
  const int filled = static_cast<int>(kWidth * done / total);
  const double rate = elapsed_s > 0 ? done / elapsed_s : 0;
  const double eta = rate > 0 ? (total - done) / rate : 0;
  std::string name = current.size() > 32 ? "…" + current.substr(current.size() - 31) : current;
  std::string line =
      fmt::format("\r[{}{}] {}/{}  {:.1f} files/s  ETA {:.0f}s  {}", std::string(filled, '#'),
                  std::string(kWidth - filled, '.'), done, total, rate, eta, name);
  std::fprintf(stderr, "%s\033[K", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::Finish() {
  if (drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace camroll
