// Milliseconds per inference of every installed model with ONNX Runtime, at 1 and 2 intra-op
// threads, on a fixed random input of the model's input shape (dynamic dims: batch 1, ocr_det at
// 640 x 640). Only Session::Run is timed: no decoding, resizing or post-processing. This is the
// C++ side of the ONNX Runtime vs TensorFlow.js comparison (bench/ml_tfjs_bench.mjs is the other).
//
//   CAMROLL_MODELS_DIR=build/release/models ml_bench [--benchmark_filter=centernet]
//
// The models directory defaults to camroll's (ml::DefaultModelsDir()); install the models with
// `camroll models install --models DIR` first.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "ml/engine.h"
#include "ml/model_store.h"

namespace camroll::ml {
namespace {

constexpr int64_t kDynamicSide = 640;  // H and W for models that take any size (ocr_det)

std::vector<int64_t> ConcreteShape(const std::vector<int64_t>& shape) {
  std::vector<int64_t> out = shape;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] < 0) out[i] = i == 0 ? 1 : kDynamicSide;
  }
  // NCHW with dynamic channels cannot happen in camroll's models; keep 3 if it did.
  if (out.size() == 4 && shape[1] < 0) out[1] = 3;
  return out;
}

void RunModel(benchmark::State& state, const std::filesystem::path& dir, const std::string& id,
              int threads) {
  SessionOptions options;
  options.intra_op_threads = threads;
  auto session = OpenModel(dir, id, options);
  if (!session) {
    state.SkipWithError(session.error().ToString().c_str());
    return;
  }
  const TensorSpec& spec = (*session)->inputs().at(0);
  std::vector<int64_t> shape = ConcreteShape(spec.shape);
  size_t count = 1;
  for (int64_t d : shape) count *= static_cast<size_t>(d);
  std::vector<float> data(count);
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> uniform(0.0f, 1.0f);
  for (float& v : data) v = uniform(rng);
  InputView in{spec.name, shape, data};
  // One untimed run: ONNX Runtime allocates its buffers on the first.
  if (auto r = (*session)->Run({&in, 1}); !r) {
    state.SkipWithError(r.error().ToString().c_str());
    return;
  }
  for (auto _ : state) {
    auto r = (*session)->Run({&in, 1});
    benchmark::DoNotOptimize(r);
  }
  std::string label;
  for (size_t i = 0; i < shape.size(); ++i) label += (i ? "x" : "") + std::to_string(shape[i]);
  state.SetLabel(label);
}

}  // namespace
}  // namespace camroll::ml

int main(int argc, char** argv) {
  using namespace camroll::ml;
  const std::filesystem::path dir = DefaultModelsDir();
  auto manifest = LoadModelManifest(dir);
  if (!manifest) {
    std::fprintf(stderr, "%s\n", manifest.error().ToString().c_str());
    return 2;
  }
  std::fprintf(stderr, "models: %s (%s)\n", dir.c_str(), InferenceEngine::Version().c_str());
  for (const ModelInfo& m : manifest->models) {
    for (int threads : {1, 2}) {
      benchmark::RegisterBenchmark(
          (m.id + "/threads:" + std::to_string(threads)).c_str(),
          [dir, id = m.id, threads](benchmark::State& s) { RunModel(s, dir, id, threads); })
          ->Unit(benchmark::kMillisecond)
          ->MinTime(2.0)
          ->UseRealTime();
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
