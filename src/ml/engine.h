// Runs ONNX models with ONNX Runtime (CPU). One process-wide runtime environment; a Session per
// model, created once and reused (its Run is thread-safe). Thread counts are explicit so that
// model inference and camroll's own decode pool share the cores instead of fighting for them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "ml/host_tensor.h"

namespace camroll::ml {

struct SessionOptions {
  int intra_op_threads = 1;  // threads one Run may use; 0 = ONNX Runtime's default (all cores)
  bool optimize = true;      // graph optimisations (constant folding, fusions)
};

struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;  // -1 for a dynamic dim
};

// A float32 tensor crossing the engine's boundary.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;
};

// An input borrowed for one Run.
struct InputView {
  std::string name;
  std::vector<int64_t> shape;
  std::span<const float> data;
};

class Session {
 public:
  virtual ~Session() = default;
  virtual const std::vector<TensorSpec>& inputs() const = 0;
  virtual const std::vector<TensorSpec>& outputs() const = 0;
  // Runs the model; returns the named outputs (all of them when `outputs` is empty), in order.
  virtual Result<std::vector<Tensor>> Run(std::span<const InputView> inputs,
                                          std::span<const std::string> outputs = {}) = 0;
};

class InferenceEngine {
 public:
  // The process-wide engine (ONNX Runtime's environment is created on first use).
  static Result<InferenceEngine*> Get();

  Result<std::unique_ptr<Session>> Load(const std::filesystem::path& model,
                                        const SessionOptions& options = {});
  Result<std::unique_ptr<Session>> LoadFromMemory(std::span<const uint8_t> model,
                                                  const SessionOptions& options = {});
  // "ONNX Runtime 1.29.0".
  static std::string Version();

 private:
  InferenceEngine() = default;
};

}  // namespace camroll::ml
