// Fused Keras optimizer updates: one pass over a variable, its gradient and its slots instead of the five to
// eight elementwise ops (each a full read and write of every tensor) the formulas take one by one. The
// arithmetic is the unfused ops' own, in their order, in float32. A call that cannot run fused (not float32,
// layouts differ, overlapping memory) returns 0 and the caller runs the unfused ops.
#include <cmath>
#include <ATen/Parallel.h>
#include "boundary.h"

using knt::T;
using knt::wrap;

namespace {

// Every tensor float32, on the CPU, of the first one's sizes and strides, non-overlapping and dense (so one
// flat index walks them all in step), and none sharing the first one's memory.
bool fusable(std::initializer_list<const at::Tensor*> ts) {
  const at::Tensor& w = **ts.begin();
  if (!w.is_non_overlapping_and_dense()) return false;
  for (const at::Tensor* t : ts) {
    if (t->scalar_type() != at::kFloat || !t->device().is_cpu() || t->layout() != at::kStrided) return false;
    if (t->sizes() != w.sizes() || t->strides() != w.strides() || t->storage_offset() < 0) return false;
    if (t != &w && t->data_ptr() == w.data_ptr()) return false;
  }
  return true;
}

// The first element in memory of a non-overlapping dense tensor (its lowest address).
float* base(const at::Tensor& t) {
  int64_t offset = 0;
  for (int64_t d = 0; d < t.dim(); d++)
    if (t.stride(d) < 0) offset += t.stride(d) * (t.size(d) - 1);
  return t.data_ptr<float>() + offset;
}

constexpr int64_t kGrain = 1 << 15;

// v = v·ρ + (1-ρ)·g·g; root = sqrt(v + ε); with momentum m = m·μ + lr·g/root, w = w - m; else w = w + (-lr)·g/root.
__attribute__((target_clones("avx512f", "avx2", "default")))
void rmsprop_range(float* __restrict w, const float* __restrict g, float* __restrict v, float* __restrict m,
                   int64_t n, float lr, float rho, float one_minus_rho, float mu, float eps) {
  const bool with_momentum = m != nullptr;  // loop-invariant: -O3 unswitches it into two vector loops
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    float vi = v[i] * rho;
    vi = vi + one_minus_rho * (g[i] * g[i]);
    v[i] = vi;
    float root = std::sqrt(vi + eps);
    if (with_momentum) {
      float mi = m[i] * mu;
      mi = mi + lr * (g[i] / root);
      m[i] = mi;
      w[i] = w[i] - mi;
    } else {
      w[i] = w[i] + (-lr) * (g[i] / root);
    }
  }
}

// m = m·β1 + (1-β1)·g; v = v·β2 + (1-β2)·g·g; w = w + (-α)·m/(sqrt(v) + ε).
__attribute__((target_clones("avx512f", "avx2", "default")))
void adam_range(float* __restrict w, const float* __restrict g, float* __restrict m, float* __restrict v, int64_t n,
                float alpha, float b1, float one_minus_b1, float b2, float one_minus_b2, float eps) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    float mi = m[i] * b1;
    mi = mi + one_minus_b1 * g[i];
    m[i] = mi;
    float vi = v[i] * b2;
    vi = vi + one_minus_b2 * (g[i] * g[i]);
    v[i] = vi;
    w[i] = w[i] + (-alpha) * (mi / (std::sqrt(vi) + eps));
  }
}

// Autograd checks saved tensors against their version; a raw write must count as an in-place op.
void bump(std::initializer_list<const at::Tensor*> ts) {
  for (const at::Tensor* t : ts) t->unsafeGetTensorImpl()->bump_version();
}

}  // namespace

extern "C" {

int knt_rmsprop_update(knt_tensor variable, knt_tensor grad, knt_tensor velocity, knt_tensor momentum, double lr,
                       double rho, double mu, double eps) {
  KNT_GUARD(-1, {
    const auto& w = T(variable);
    const auto& g = T(grad);
    const auto& v = T(velocity);
    const at::Tensor* m = momentum != nullptr ? &T(momentum) : nullptr;
    if (m != nullptr ? !fusable({&w, &g, &v, m}) : !fusable({&w, &g, &v})) return 0;
    float *pw = base(w), *pv = base(v), *pm = m != nullptr ? base(*m) : nullptr;
    const float* pg = base(g);
    // the scalars as the unfused ops see them: a double scalar is applied to float tensors as a float
    float flr = static_cast<float>(lr), frho = static_cast<float>(rho), f1rho = static_cast<float>(1 - rho);
    float fmu = static_cast<float>(mu), feps = static_cast<float>(eps);
    at::parallel_for(0, w.numel(), kGrain, [&](int64_t begin, int64_t end) {
      rmsprop_range(pw + begin, pg + begin, pv + begin, pm != nullptr ? pm + begin : nullptr, end - begin, flr, frho,
                    f1rho, fmu, feps);
    });
    if (m != nullptr) bump({&w, &v, m}); else bump({&w, &v});
    return 1;
  })
}

int knt_adam_update(knt_tensor variable, knt_tensor grad, knt_tensor m_slot, knt_tensor v_slot, double alpha,
                    double beta_1, double beta_2, double eps) {
  KNT_GUARD(-1, {
    const auto& w = T(variable);
    const auto& g = T(grad);
    const auto& m = T(m_slot);
    const auto& v = T(v_slot);
    if (!fusable({&w, &g, &m, &v})) return 0;
    float *pw = base(w), *pm = base(m), *pv = base(v);
    const float* pg = base(g);
    float fa = static_cast<float>(alpha), fb1 = static_cast<float>(beta_1), f1b1 = static_cast<float>(1 - beta_1);
    float fb2 = static_cast<float>(beta_2), f1b2 = static_cast<float>(1 - beta_2), feps = static_cast<float>(eps);
    at::parallel_for(0, w.numel(), kGrain, [&](int64_t begin, int64_t end) {
      adam_range(pw + begin, pg + begin, pm + begin, pv + begin, end - begin, fa, fb1, f1b1, fb2, f1b2, feps);
    });
    bump({&w, &m, &v});
    return 1;
  })
}

knt_tensor knt_zeros_like(knt_tensor t) {
  KNT_GUARD(nullptr, {
    // the same sizes and, for a dense tensor, the same strides (a fused update walks both in step)
    return wrap(at::zeros_like(T(t), at::MemoryFormat::Preserve).detach());
  })
}

}  // extern "C"
