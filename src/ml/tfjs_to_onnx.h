// Converts a TensorFlow.js graph model to a standard ONNX model (opset 13) that ONNX Runtime
// runs. See docs/adr/0007-models.md for the rules; in short:
//  - every tensor has a TF (NHWC) logical shape and a permutation to its physical ONNX layout;
//    convolutions, pools and resizes want NCHW, elementwise ops keep their input's layout,
//    axis-taking ops remap their axis, Reshape and MatMul want TF order, and a TF Transpose only
//    changes the bookkeeping. Transposes are inserted only where layouts disagree.
//  - constant operands are broadcast and laid out at conversion time; constant sub-graphs
//    (shape arithmetic, SparseToDense of empty indices, ...) are folded on the host.
//  - TF SAME padding becomes explicit (asymmetric) pads; fused convolutions and matmuls become
//    the base op plus their fused chain; depthwise filters become grouped convolutions.
//  - the graph is pruned to what the requested outputs need, so host-side post-processing
//    (TopKV2, NMS) can be cut away by asking for the tensors before it.
// The model's inputs keep TF's shape (NHWC images, batch pinned to 1).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "ml/host_tensor.h"
#include "ml/tfjs_graph.h"

namespace camroll::ml {

struct ConvertOptions {
  // Tensors to output, as node names ("global_pooling/Mean") or node outputs ("x:1"). Empty:
  // the signature's outputs. The ONNX outputs are named the same (a ":0" suffix is dropped).
  std::vector<std::string> outputs;
  std::string producer_version;  // recorded in the model
};

struct TensorInfo {
  std::string name;
  std::vector<int64_t> shape;
  DType dtype = DType::kFloat;
};

struct ConvertStats {
  int tf_nodes = 0;  // nodes the outputs depend on
  int folded = 0;    // of which computed at conversion time
  int onnx_nodes = 0;
  int transposes = 0;     // inserted layout changes
  int tf_transposes = 0;  // TF Transpose ops absorbed into the bookkeeping
};

struct OnnxModel {
  std::string bytes;  // a serialized onnx.ModelProto
  std::vector<TensorInfo> inputs, outputs;
  ConvertStats stats;
};

Result<OnnxModel> ConvertToOnnx(const TfjsGraph& graph, const ConvertOptions& options);

// Validates a serialized model with ONNX's checker (full check, with shape inference).
Status CheckOnnxModel(const std::string& bytes);

}  // namespace camroll::ml
