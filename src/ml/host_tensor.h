// A tensor held on the host: model weights, and the values the converter computes while it folds
// constant sub-graphs. Floats stay float32; every integer type is widened to int64 (shapes,
// indices); booleans are 0/1 integers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace camroll::ml {

enum class DType { kFloat, kInt, kBool };

struct HostTensor {
  DType dtype = DType::kFloat;
  std::vector<int64_t> shape;
  std::vector<float> f;    // when dtype == kFloat
  std::vector<int64_t> i;  // when dtype == kInt or kBool

  int64_t size() const {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    return n;
  }
  bool is_float() const { return dtype == DType::kFloat; }
  double At(int64_t k) const { return is_float() ? f[k] : static_cast<double>(i[k]); }

  static HostTensor Floats(std::vector<int64_t> shape, std::vector<float> values) {
    return {DType::kFloat, std::move(shape), std::move(values), {}};
  }
  static HostTensor Ints(std::vector<int64_t> shape, std::vector<int64_t> values) {
    return {DType::kInt, std::move(shape), {}, std::move(values)};
  }
};

std::string ShapeString(const std::vector<int64_t>& shape);

}  // namespace camroll::ml
