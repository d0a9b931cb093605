// TensorFlow.js graph models ("format": "graph-model"): the JSON topology (a TensorFlow GraphDef
// written as JSON) and the weights of its binary shards, decoded into host tensors.
//
// What the loader knows about the format (tfjs-converter 1.x to 4.x):
//  - `modelTopology.node[]` has {name, op, input[], attr{}}; an input "x:1" is output 1 of node
//    x, "^x" a control dependency. Const nodes carry only dtype and shape; their values are
//    the weights of the same name.
//  - the weights are all shards of all `weightsManifest` groups concatenated in order, each
//    weight taking its shape's element count times its stored size; `quantization` {dtype:
//    uint8|uint16, min, scale} stores q and means q*scale+min, {dtype: float16} stores halves.
//    The byte count must match exactly.
//  - string attributes (`padding`, `data_format`, each entry of `fused_ops`) are base64.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "ml/host_tensor.h"

namespace camroll::ml {

struct TfNode {
  std::string name;
  std::string op;
  std::vector<std::string> inputs;  // data inputs only ("x", "x:1"); control inputs are dropped
  nlohmann::json attr;              // as in the file (string values still base64)
};

struct TfSignatureEntry {
  std::string key;             // the signature's key ("input_1", "Identity:0")
  std::string node;            // the tensor it names, as a node output ("input_1", "Identity:0")
  std::vector<int64_t> shape;  // -1 unknown; empty when the rank is unknown
};

struct TfjsGraph {
  std::vector<TfNode> nodes;  // in file order
  std::map<std::string, HostTensor> weights;
  std::vector<TfSignatureEntry> inputs, outputs;  // from the signature, when the file has one
  std::string converted_by;

  const TfNode* Find(const std::string& name) const;
};

// Parses a model.json document and the concatenated bytes of its shards, in manifest order.
Result<TfjsGraph> ParseTfjsGraph(const nlohmann::json& model, std::span<const uint8_t> shards);

// The shard file names of a model.json document, in the order the loader concatenates them.
Result<std::vector<std::string>> ShardPaths(const nlohmann::json& model);

// Loads `dir/<name>.json` and the shards it lists from `dir`.
Result<TfjsGraph> LoadTfjsGraph(const std::filesystem::path& model_json);

// Attribute helpers: TF's JSON attr values ({"i": "3"}, {"f": 0.1}, {"s": base64},
// {"list": {"i": [...]}}, {"b": true}, {"type": "DT_FLOAT"}).
Result<std::string> AttrString(const TfNode& node, const std::string& key);
std::string AttrStringOr(const TfNode& node, const std::string& key, std::string fallback);
int64_t AttrIntOr(const TfNode& node, const std::string& key, int64_t fallback);
double AttrFloatOr(const TfNode& node, const std::string& key, double fallback);
bool AttrBoolOr(const TfNode& node, const std::string& key, bool fallback);
std::vector<int64_t> AttrInts(const TfNode& node, const std::string& key);
Result<std::vector<std::string>> AttrStrings(const TfNode& node, const std::string& key);

// IEEE 754 half to float (subnormals, infinities and NaN included).
float HalfToFloat(uint16_t h);

}  // namespace camroll::ml
