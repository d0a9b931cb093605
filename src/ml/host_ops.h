// Tensor arithmetic on the host, for the converter: laying out constants and folding constant
// sub-graphs. Shapes here are small (weights, shape vectors); clarity over speed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"
#include "ml/host_tensor.h"

namespace camroll::ml {

// Output dim i of the result is input dim perm[i].
HostTensor TransposeHost(const HostTensor& t, const std::vector<int>& perm);

// Numpy/TF broadcasting of two shapes; fails when incompatible.
Result<std::vector<int64_t>> BroadcastShapes(const std::vector<int64_t>& a,
                                             const std::vector<int64_t>& b);

// Elementwise binary op with broadcasting. The result is float when either input is.
Result<HostTensor> BinaryHost(const HostTensor& a, const HostTensor& b,
                              const std::function<double(double, double)>& fn);

HostTensor UnaryHost(const HostTensor& t, const std::function<double(double)>& fn);

HostTensor CastHost(const HostTensor& t, DType to);

// Reshape with at most one -1.
Result<HostTensor> ReshapeHost(const HostTensor& t, std::vector<int64_t> shape);
Result<std::vector<int64_t>> ResolveReshape(int64_t count, std::vector<int64_t> shape);

Result<HostTensor> ConcatHost(const std::vector<const HostTensor*>& parts, int64_t axis);

// Gathers along `axis` with the given (flattened) indices; the indices' shape replaces the axis.
Result<HostTensor> GatherHost(const HostTensor& t, const HostTensor& indices, int64_t axis);

// TF StridedSlice for the common masks (begin, end, shrink_axis; no ellipsis or new_axis).
Result<HostTensor> StridedSliceHost(const HostTensor& t, const std::vector<int64_t>& begin,
                                    const std::vector<int64_t>& end,
                                    const std::vector<int64_t>& strides, int64_t begin_mask,
                                    int64_t end_mask, int64_t shrink_mask);

// TF SparseToDense: `indices` [n, rank] or [n] (rank 1), `values` [n] or a scalar.
Result<HostTensor> SparseToDenseHost(const HostTensor& indices, const std::vector<int64_t>& shape,
                                     const HostTensor& values, const HostTensor& fill);

// A tensor of `shape` where every element is `value` (dtype of `value`).
HostTensor FillHost(const std::vector<int64_t>& shape, const HostTensor& value);

// Reduction over `axes` (TF semantics; negative axes count from the end).
Result<HostTensor> ReduceHost(const HostTensor& t, std::vector<int64_t> axes, bool keep_dims,
                              const std::string& kind);  // "sum", "prod", "max", "min", "mean"

}  // namespace camroll::ml
