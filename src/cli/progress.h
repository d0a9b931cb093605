// A one-line progress bar on a terminal (stderr), redrawn at most ten times a second.
#pragma once

#include <chrono>
#include <string>

namespace camroll {

class ProgressBar {
 public:
  // Draws nothing unless stderr is a terminal and `enabled`.
  explicit ProgressBar(bool enabled);
  ~ProgressBar();
  void Update(size_t done, size_t total, double elapsed_s, const std::string& current);
  void Finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace camroll
