#include "ml/engine.h"

#include <fmt/format.h>
#include <onnxruntime_cxx_api.h>

#include <mutex>

namespace camroll::ml {
namespace {

Ort::Env& Environment() {
  static Ort::Env env(ORT_LOGGING_LEVEL_ERROR, "camroll");
  return env;
}

Error OrtFailure(const Ort::Exception& e, const std::string& what) {
  return Error(ErrorCode::kInternal, fmt::format("ONNX Runtime, {}: {}", what, e.what()));
}

class OrtSession final : public Session {
 public:
  explicit OrtSession(Ort::Session session) : session_(std::move(session)) {
    Ort::AllocatorWithDefaultOptions alloc;
    for (size_t i = 0; i < session_.GetInputCount(); ++i) {
      auto name = session_.GetInputNameAllocated(i, alloc);
      auto type = session_.GetInputTypeInfo(i);  // owns what the shape info points into
      inputs_.push_back({name.get(), type.GetTensorTypeAndShapeInfo().GetShape()});
    }
    for (size_t i = 0; i < session_.GetOutputCount(); ++i) {
      auto name = session_.GetOutputNameAllocated(i, alloc);
      auto type = session_.GetOutputTypeInfo(i);
      outputs_.push_back({name.get(), type.GetTensorTypeAndShapeInfo().GetShape()});
    }
  }

  const std::vector<TensorSpec>& inputs() const override { return inputs_; }
  const std::vector<TensorSpec>& outputs() const override { return outputs_; }

  Result<std::vector<Tensor>> Run(std::span<const InputView> inputs,
                                  std::span<const std::string> outputs) override {
    try {
      auto memory = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
      std::vector<Ort::Value> in_values;
      std::vector<const char*> in_names;
      for (const auto& in : inputs) {
        int64_t count = 1;
        for (int64_t d : in.shape) count *= d;
        if (count != static_cast<int64_t>(in.data.size())) {
          return Fail(ErrorCode::kInvalidInput,
                      fmt::format("input {}: {} values for shape {}", in.name, in.data.size(),
                                  ShapeString(in.shape)));
        }
        // ONNX Runtime does not write inputs; its API takes a non-const pointer.
        in_values.push_back(
            Ort::Value::CreateTensor<float>(memory, const_cast<float*>(in.data.data()),
                                            in.data.size(), in.shape.data(), in.shape.size()));
        in_names.push_back(in.name.c_str());
      }
      std::vector<const char*> out_names;
      if (outputs.empty()) {
        for (const auto& o : outputs_) out_names.push_back(o.name.c_str());
      } else {
        for (const auto& o : outputs) out_names.push_back(o.c_str());
      }
      auto results = session_.Run(Ort::RunOptions{nullptr}, in_names.data(), in_values.data(),
                                  in_values.size(), out_names.data(), out_names.size());
      std::vector<Tensor> out;
      for (auto& r : results) {
        auto info = r.GetTensorTypeAndShapeInfo();
        if (info.GetElementType() != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) {
          return Fail(ErrorCode::kUnsupported, "model output that is not float32");
        }
        Tensor t;
        t.shape = info.GetShape();
        const float* p = r.GetTensorData<float>();
        t.data.assign(p, p + info.GetElementCount());
        out.push_back(std::move(t));
      }
      return out;
    } catch (const Ort::Exception& e) {
      return std::unexpected(OrtFailure(e, "run"));
    }
  }

 private:
  Ort::Session session_;
  std::vector<TensorSpec> inputs_, outputs_;
};

Ort::SessionOptions MakeOptions(const SessionOptions& options) {
  Ort::SessionOptions so;
  so.SetIntraOpNumThreads(options.intra_op_threads);
  so.SetInterOpNumThreads(1);
  so.SetExecutionMode(ORT_SEQUENTIAL);
  so.SetGraphOptimizationLevel(options.optimize ? GraphOptimizationLevel::ORT_ENABLE_ALL
                                                : GraphOptimizationLevel::ORT_DISABLE_ALL);
  // Worker threads that spin waiting for work steal cycles from the decode pool.
  so.AddConfigEntry("session.intra_op.allow_spinning", "0");
  return so;
}

}  // namespace

Result<InferenceEngine*> InferenceEngine::Get() {
  static std::once_flag once;
  static InferenceEngine* engine = nullptr;
  static std::string failure;
  std::call_once(once, [] {
    try {
      Environment();
      engine = new InferenceEngine();  // lives for the process
    } catch (const Ort::Exception& e) {
      failure = e.what();
    }
  });
  if (engine == nullptr) {
    return Fail(ErrorCode::kInternal, "ONNX Runtime did not start: " + failure);
  }
  return engine;
}

Result<std::unique_ptr<Session>> InferenceEngine::Load(const std::filesystem::path& model,
                                                       const SessionOptions& options) {
  try {
    Ort::Session s(Environment(), model.c_str(), MakeOptions(options));
    return std::unique_ptr<Session>(new OrtSession(std::move(s)));
  } catch (const Ort::Exception& e) {
    return std::unexpected(OrtFailure(e, "loading " + model.string()));
  }
}

Result<std::unique_ptr<Session>> InferenceEngine::LoadFromMemory(std::span<const uint8_t> model,
                                                                 const SessionOptions& options) {
  try {
    Ort::Session s(Environment(), model.data(), model.size(), MakeOptions(options));
    return std::unique_ptr<Session>(new OrtSession(std::move(s)));
  } catch (const Ort::Exception& e) {
    return std::unexpected(OrtFailure(e, "loading a model from memory"));
  }
}

std::string InferenceEngine::Version() {
  return std::string("ONNX Runtime ") + Ort::GetVersionString();
}

}  // namespace camroll::ml
