#include "ml/host_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "ml/tfjs_graph.h"

namespace camroll::ml {
namespace {

std::vector<int64_t> Strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

int64_t Count(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

HostTensor Empty(DType dtype, std::vector<int64_t> shape) {
  HostTensor t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  if (dtype == DType::kFloat) {
    t.f.assign(Count(t.shape), 0.0f);
  } else {
    t.i.assign(Count(t.shape), 0);
  }
  return t;
}

void Set(HostTensor& t, int64_t k, double v) {
  if (t.is_float()) {
    t.f[k] = static_cast<float>(v);
  } else {
    t.i[k] = static_cast<int64_t>(v);
  }
}

void CopyElem(const HostTensor& from, int64_t src, HostTensor& to, int64_t dst) {
  if (to.is_float()) {
    to.f[dst] = from.is_float() ? from.f[src] : static_cast<float>(from.i[src]);
  } else {
    to.i[dst] = from.is_float() ? static_cast<int64_t>(from.f[src]) : from.i[src];
  }
}

int64_t NormAxis(int64_t axis, size_t rank) {
  return axis < 0 ? axis + static_cast<int64_t>(rank) : axis;
}

}  // namespace

HostTensor TransposeHost(const HostTensor& t, const std::vector<int>& perm) {
  std::vector<int64_t> out_shape(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) out_shape[i] = t.shape[perm[i]];
  HostTensor out = Empty(t.dtype, out_shape);
  auto in_strides = Strides(t.shape);
  int64_t n = Count(out_shape);
  std::vector<int64_t> idx(perm.size(), 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t src = 0;
    for (size_t i = 0; i < perm.size(); ++i) src += idx[i] * in_strides[perm[i]];
    CopyElem(t, src, out, k);
    for (int i = static_cast<int>(perm.size()) - 1; i >= 0; --i) {
      if (++idx[i] < out_shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

Result<std::vector<int64_t>> BroadcastShapes(const std::vector<int64_t>& a,
                                             const std::vector<int64_t>& b) {
  size_t r = std::max(a.size(), b.size());
  std::vector<int64_t> out(r);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1) {
      return Fail(ErrorCode::kInvalidInput,
                  "shapes " + ShapeString(a) + " and " + ShapeString(b) + " do not broadcast");
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Result<HostTensor> BinaryHost(const HostTensor& a, const HostTensor& b,
                              const std::function<double(double, double)>& fn) {
  CAMROLL_ASSIGN_OR_RETURN(auto shape, BroadcastShapes(a.shape, b.shape));
  DType dtype = a.is_float() || b.is_float() ? DType::kFloat : a.dtype;
  HostTensor out = Empty(dtype, shape);
  size_t r = shape.size();
  auto sa = Strides(a.shape), sb = Strides(b.shape);
  int64_t n = Count(shape);
  std::vector<int64_t> idx(r, 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t ia = 0, ib = 0;
    for (size_t i = 0; i < r; ++i) {
      size_t ka = i + a.shape.size(), kb = i + b.shape.size();
      if (ka >= r && a.shape[ka - r] != 1) ia += idx[i] * sa[ka - r];
      if (kb >= r && b.shape[kb - r] != 1) ib += idx[i] * sb[kb - r];
    }
    Set(out, k, fn(a.At(ia), b.At(ib)));
    for (int i = static_cast<int>(r) - 1; i >= 0; --i) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

HostTensor UnaryHost(const HostTensor& t, const std::function<double(double)>& fn) {
  HostTensor out = Empty(t.dtype, t.shape);
  for (int64_t k = 0; k < t.size(); ++k) Set(out, k, fn(t.At(k)));
  return out;
}

HostTensor CastHost(const HostTensor& t, DType to) {
  HostTensor out = Empty(to, t.shape);
  for (int64_t k = 0; k < t.size(); ++k) {
    double v = t.At(k);
    if (to == DType::kBool) v = v != 0;
    Set(out, k, v);
  }
  return out;
}

Result<std::vector<int64_t>> ResolveReshape(int64_t count, std::vector<int64_t> shape) {
  int64_t known = 1;
  int unknown = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (unknown >= 0) return Fail(ErrorCode::kInvalidInput, "reshape with two -1 dims");
      unknown = static_cast<int>(i);
    } else {
      known *= shape[i];
    }
  }
  if (unknown >= 0) {
    if (known == 0 || count % known != 0) {
      return Fail(ErrorCode::kInvalidInput, "reshape: cannot infer the -1 dim");
    }
    shape[unknown] = count / known;
  } else if (known != count) {
    return Fail(ErrorCode::kInvalidInput,
                "reshape of " + std::to_string(count) + " elements to " + ShapeString(shape));
  }
  return shape;
}

Result<HostTensor> ReshapeHost(const HostTensor& t, std::vector<int64_t> shape) {
  CAMROLL_ASSIGN_OR_RETURN(auto resolved, ResolveReshape(t.size(), std::move(shape)));
  HostTensor out = t;
  out.shape = std::move(resolved);
  return out;
}

Result<HostTensor> ConcatHost(const std::vector<const HostTensor*>& parts, int64_t axis) {
  if (parts.empty()) return Fail(ErrorCode::kInvalidInput, "concat of nothing");
  size_t r = parts[0]->shape.size();
  axis = NormAxis(axis, r);
  std::vector<int64_t> shape = parts[0]->shape;
  shape[axis] = 0;
  bool any_float = false;
  for (const auto* p : parts) {
    if (p->shape.size() != r) return Fail(ErrorCode::kInvalidInput, "concat of mixed ranks");
    shape[axis] += p->shape[axis];
    any_float |= p->is_float();
  }
  HostTensor out = Empty(any_float ? DType::kFloat : parts[0]->dtype, shape);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= shape[i];
  for (size_t i = axis + 1; i < r; ++i) inner *= shape[i];
  int64_t k = 0;
  for (int64_t o = 0; o < outer; ++o) {
    for (const auto* p : parts) {
      int64_t chunk = p->shape[axis] * inner;
      for (int64_t j = 0; j < chunk; ++j) CopyElem(*p, o * chunk + j, out, k++);
    }
  }
  return out;
}

Result<HostTensor> GatherHost(const HostTensor& t, const HostTensor& indices, int64_t axis) {
  axis = NormAxis(axis, t.shape.size());
  if (axis < 0 || axis >= static_cast<int64_t>(t.shape.size())) {
    return Fail(ErrorCode::kInvalidInput, "gather axis out of range");
  }
  std::vector<int64_t> shape(t.shape.begin(), t.shape.begin() + axis);
  shape.insert(shape.end(), indices.shape.begin(), indices.shape.end());
  shape.insert(shape.end(), t.shape.begin() + axis + 1, t.shape.end());
  HostTensor out = Empty(t.dtype, shape);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= t.shape[i];
  for (size_t i = axis + 1; i < t.shape.size(); ++i) inner *= t.shape[i];
  int64_t k = 0;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < indices.size(); ++j) {
      int64_t at = static_cast<int64_t>(indices.At(j));
      if (at < 0) at += t.shape[axis];
      if (at < 0 || at >= t.shape[axis]) {
        return Fail(ErrorCode::kInvalidInput, "gather index out of range");
      }
      for (int64_t in = 0; in < inner; ++in) {
        CopyElem(t, (o * t.shape[axis] + at) * inner + in, out, k++);
      }
    }
  }
  return out;
}

Result<HostTensor> StridedSliceHost(const HostTensor& t, const std::vector<int64_t>& begin,
                                    const std::vector<int64_t>& end,
                                    const std::vector<int64_t>& strides, int64_t begin_mask,
                                    int64_t end_mask, int64_t shrink_mask) {
  size_t r = t.shape.size();
  if (begin.size() > r || end.size() != begin.size() || strides.size() != begin.size()) {
    return Fail(ErrorCode::kUnsupported, "strided slice with mismatched specs");
  }
  std::vector<int64_t> lo(r), step(r, 1), count(r);
  std::vector<int64_t> out_shape;
  for (size_t i = 0; i < r; ++i) {
    int64_t dim = t.shape[i];
    if (i >= begin.size()) {
      lo[i] = 0;
      count[i] = dim;
      out_shape.push_back(dim);
      continue;
    }
    int64_t s = strides[i];
    if (s == 0) return Fail(ErrorCode::kInvalidInput, "strided slice with stride 0");
    step[i] = s;
    bool shrink = (shrink_mask >> i) & 1;
    int64_t b = begin[i], e = end[i];
    if (b < 0) b += dim;
    if (e < 0) e += dim;
    if ((begin_mask >> i) & 1) b = s > 0 ? 0 : dim - 1;
    if ((end_mask >> i) & 1) e = s > 0 ? dim : -1;
    if (shrink) {
      e = b + 1;
      s = 1;
      step[i] = 1;
    }
    b = std::clamp<int64_t>(b, s > 0 ? 0 : -1, s > 0 ? dim : dim - 1);
    e = std::clamp<int64_t>(e, s > 0 ? 0 : -1, s > 0 ? dim : dim - 1);
    int64_t n = s > 0 ? std::max<int64_t>(0, (e - b + s - 1) / s)
                      : std::max<int64_t>(0, (b - e - s - 1) / -s);
    lo[i] = b;
    count[i] = n;
    if (!shrink) out_shape.push_back(n);
  }
  HostTensor out = Empty(t.dtype, out_shape);
  auto st = Strides(t.shape);
  int64_t total = 1;
  for (int64_t c : count) total *= c;
  std::vector<int64_t> idx(r, 0);
  for (int64_t k = 0; k < total; ++k) {
    int64_t src = 0;
    for (size_t i = 0; i < r; ++i) src += (lo[i] + idx[i] * step[i]) * st[i];
    CopyElem(t, src, out, k);
    for (int i = static_cast<int>(r) - 1; i >= 0; --i) {
      if (++idx[i] < count[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

HostTensor FillHost(const std::vector<int64_t>& shape, const HostTensor& value) {
  HostTensor out = Empty(value.dtype, shape);
  for (int64_t k = 0; k < out.size(); ++k) Set(out, k, value.At(0));
  return out;
}

Result<HostTensor> SparseToDenseHost(const HostTensor& indices, const std::vector<int64_t>& shape,
                                     const HostTensor& values, const HostTensor& fill) {
  HostTensor out = FillHost(shape, fill);
  int64_t n = indices.shape.empty() ? 1 : indices.shape[0];
  int64_t rank = indices.shape.size() == 2 ? indices.shape[1] : 1;
  auto st = Strides(shape);
  for (int64_t j = 0; j < n; ++j) {
    int64_t at = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t v = static_cast<int64_t>(indices.At(j * rank + d));
      if (v < 0 || v >= shape[d]) return Fail(ErrorCode::kInvalidInput, "index out of range");
      at += v * st[d];
    }
    Set(out, at, values.At(values.size() == 1 ? 0 : j));
  }
  return out;
}

Result<HostTensor> ReduceHost(const HostTensor& t, std::vector<int64_t> axes, bool keep_dims,
                              const std::string& kind) {
  size_t r = t.shape.size();
  std::vector<bool> reduce(r, false);
  for (int64_t a : axes) {
    a = NormAxis(a, r);
    if (a < 0 || a >= static_cast<int64_t>(r)) {
      return Fail(ErrorCode::kInvalidInput, "reduction axis out of range");
    }
    reduce[a] = true;
  }
  std::vector<int64_t> kept_shape(r);
  std::vector<int64_t> out_shape;
  for (size_t i = 0; i < r; ++i) {
    kept_shape[i] = reduce[i] ? 1 : t.shape[i];
    if (!reduce[i] || keep_dims) out_shape.push_back(kept_shape[i]);
  }
  double init = kind == "prod"  ? 1
                : kind == "max" ? -std::numeric_limits<double>::infinity()
                : kind == "min" ? std::numeric_limits<double>::infinity()
                                : 0;
  std::vector<double> acc(Count(kept_shape), init);
  auto ks = Strides(kept_shape);
  std::vector<int64_t> idx(r, 0);
  for (int64_t k = 0; k < t.size(); ++k) {
    int64_t dst = 0;
    for (size_t i = 0; i < r; ++i) dst += (reduce[i] ? 0 : idx[i]) * ks[i];
    double v = t.At(k);
    double& a = acc[dst];
    if (kind == "sum" || kind == "mean") {
      a += v;
    } else if (kind == "prod") {
      a *= v;
    } else if (kind == "max") {
      a = std::max(a, v);
    } else {
      a = std::min(a, v);
    }
    for (int i = static_cast<int>(r) - 1; i >= 0; --i) {
      if (++idx[i] < t.shape[i]) break;
      idx[i] = 0;
    }
  }
  if (kind == "mean") {
    int64_t n = t.size() / std::max<int64_t>(1, Count(kept_shape));
    for (double& a : acc) a /= static_cast<double>(n);
  }
  HostTensor out = Empty(kind == "mean" ? DType::kFloat : t.dtype, out_shape);
  for (size_t k = 0; k < acc.size(); ++k) Set(out, static_cast<int64_t>(k), acc[k]);
  return out;
}

}  // namespace camroll::ml
