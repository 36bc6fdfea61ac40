// Winograd F(4×4, 3×3) for 3×3 stride-1 convolutions on CPUs where oneDNN 2.x has no Winograd kernel (it has them for
// AVX-512 only; winograd.cpp uses them there). 4× fewer multiply-adds than direct convolution in the elementwise stage,
// which is 36 GEMMs per block of tiles through OpenBLAS (single-threaded inside our parallel loop); the input and output
// transforms are vectorized over the NHWC channels. Tiles are 6×6 input / 4×4 output, with Lavin & Gray's points
// (0, ±1, ±2, ∞); the kernel transform G g Gᵀ is computed in float64 once per kernel version.
#include "winograd_f43.h"

#include <algorithm>
#include <mutex>
#include <vector>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

extern "C" void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k, const float* alpha,
                       const float* a, const int* lda, const float* b, const int* ldb, const float* beta, float* c,
                       const int* ldc);

namespace knt {
namespace {

constexpr int kLanes = 16;  // channels per vector step (C and K are multiples of 16)

// U[a·6+b][c][k] = (G g Gᵀ)[a][b] for every (c, k), cached per kernel version like winograd.cpp's packing
struct Transformed {
  c10::weak_intrusive_ptr<c10::TensorImpl> owner;
  uint32_t version;
  void* data;
  at::Tensor u;
};

std::mutex cache_mutex;
std::vector<Transformed> cache;

at::Tensor transform_kernel(const at::Tensor& kernel_hwio) {
  static const double g_rows[6][3] = {{1 / 4., 0, 0},           {-1 / 6., -1 / 6., -1 / 6.}, {-1 / 6., 1 / 6., -1 / 6.},
                                      {1 / 24., 1 / 12., 1 / 6.}, {1 / 24., -1 / 12., 1 / 6.}, {0, 0, 1}};
  auto G = at::from_blob(const_cast<double*>(&g_rows[0][0]), {6, 3}, at::kDouble);
  int64_t c = kernel_hwio.size(2), k = kernel_hwio.size(3);
  auto u = at::einsum("ai,ijck,bj->abck", {G, kernel_hwio.to(at::kDouble), G});
  return u.to(at::kFloat).contiguous().view({36, c, k});
}

at::Tensor transformed(const at::Tensor& kernel_hwio) {
  auto* impl = kernel_hwio.unsafeGetTensorImpl();
  uint32_t version = impl->version_counter().current_version();
  std::lock_guard<std::mutex> lock(cache_mutex);
  for (auto it = cache.begin(); it != cache.end();) {
    if (it->owner.expired()) {
      it = cache.erase(it);
      continue;
    }
    if (it->owner._unsafe_get_target() == impl && it->data == kernel_hwio.data_ptr()) {
      if (it->version == version) return it->u;
      it = cache.erase(it);  // stale: the kernel changed in place
      continue;
    }
    ++it;
  }
  auto u = transform_kernel(kernel_hwio);
  cache.push_back({c10::weak_intrusive_ptr<c10::TensorImpl>(kernel_hwio.getIntrusivePtr()), version, kernel_hwio.data_ptr(), u});
  return u;
}

// Bᵀ d for six vectors of kLanes (stride between them `s` floats in and `o` out)
__attribute__((always_inline)) inline void input_1d(const float* d, int64_t s, float* r, int64_t o) {
  for (int l = 0; l < kLanes; ++l) {
    float d0 = d[l], d1 = d[s + l], d2 = d[2 * s + l], d3 = d[3 * s + l], d4 = d[4 * s + l], d5 = d[5 * s + l];
    r[l] = 4 * d0 - 5 * d2 + d4;
    r[o + l] = -4 * (d1 + d2) + d3 + d4;
    r[2 * o + l] = 4 * (d1 - d2) - d3 + d4;
    r[3 * o + l] = 2 * (d3 - d1) - d2 + d4;
    r[4 * o + l] = 2 * (d1 - d3) - d2 + d4;
    r[5 * o + l] = 4 * d1 - 5 * d3 + d5;
  }
}

// Aᵀ m for six vectors of kLanes into four
__attribute__((always_inline)) inline void output_1d(const float* m, int64_t s, float* r, int64_t o) {
  for (int l = 0; l < kLanes; ++l) {
    float m0 = m[l], m1 = m[s + l], m2 = m[2 * s + l], m3 = m[3 * s + l], m4 = m[4 * s + l], m5 = m[5 * s + l];
    float a = m1 + m2, b = m1 - m2, c = m3 + m4, d = m3 - m4;
    r[l] = m0 + a + c;
    r[o + l] = b + 2 * d;
    r[2 * o + l] = a + 4 * c;
    r[3 * o + l] = b + 8 * d + m5;
  }
}

struct Geometry {
  int64_t n, h, w, c, k, pad, oh, ow, th, tw;
};

// The block's input tiles into v[36][T][C]
__attribute__((target_clones("avx2", "default"))) void input_tiles(const Geometry& g, const float* x, int64_t t0, int64_t count,
                                                                 float* v) {
  alignas(64) float d[36 * kLanes], rows[36 * kLanes];
  static const float zeros[kLanes] = {};
  for (int64_t t = 0; t < count; ++t) {
    int64_t tile = t0 + t, tx = tile % g.tw, ty = (tile / g.tw) % g.th, n = tile / (g.tw * g.th);
    int64_t y0 = ty * 4 - g.pad, x0 = tx * 4 - g.pad;
    for (int64_t c = 0; c < g.c; c += kLanes) {
      for (int r = 0; r < 6; ++r)
        for (int s = 0; s < 6; ++s) {
          int64_t iy = y0 + r, ix = x0 + s;
          const float* src = (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) ? x + ((n * g.h + iy) * g.w + ix) * g.c + c : zeros;
          std::copy(src, src + kLanes, d + (r * 6 + s) * kLanes);
        }
      for (int s = 0; s < 6; ++s) input_1d(d + s * kLanes, 6 * kLanes, rows + s * kLanes, 6 * kLanes);  // columns: Bᵀ d
      for (int i = 0; i < 6; ++i) {
        alignas(64) float out[6 * kLanes];
        input_1d(rows + i * 6 * kLanes, kLanes, out, kLanes);  // rows: (Bᵀ d) B
        for (int j = 0; j < 6; ++j) std::copy(out + j * kLanes, out + (j + 1) * kLanes, v + ((i * 6 + j) * count + t) * g.c + c);
      }
    }
  }
}

// m[36][T][K] back to output tiles, with the bias and ReLU
__attribute__((target_clones("avx2", "default"))) void output_tiles(const Geometry& g, const float* m, const float* bias, bool relu,
                                                                  int64_t t0, int64_t count, float* y) {
  alignas(64) float cols[24 * kLanes], out[4 * kLanes];
  for (int64_t t = 0; t < count; ++t) {
    int64_t tile = t0 + t, tx = tile % g.tw, ty = (tile / g.tw) % g.th, n = tile / (g.tw * g.th);
    for (int64_t k = 0; k < g.k; k += kLanes) {
      // Aᵀ over the first index, for each of the six columns: cols[i][j]
      for (int j = 0; j < 6; ++j) output_1d(m + (j * count + t) * g.k + k, 6 * count * g.k, cols + j * kLanes, 6 * kLanes);
      for (int i = 0; i < 4; ++i) {
        int64_t oy = ty * 4 + i;
        output_1d(cols + i * 6 * kLanes, kLanes, out, kLanes);
        if (oy >= g.oh) break;
        for (int j = 0; j < 4; ++j) {
          int64_t ox = tx * 4 + j;
          if (ox >= g.ow) break;
          float* dst = y + ((n * g.oh + oy) * g.ow + ox) * g.k + k;
          for (int l = 0; l < kLanes; ++l) {
            float value = out[j * kLanes + l] + (bias != nullptr ? bias[k + l] : 0.f);
            dst[l] = relu ? std::max(value, 0.f) : value;
          }
        }
      }
    }
  }
}

at::Tensor winograd_forward(const at::Tensor& x, const at::Tensor& kernel_hwio, const at::Tensor& bias, int64_t pad, bool relu) {
  Geometry g{x.size(0), x.size(1), x.size(2), x.size(3), kernel_hwio.size(3), pad, 0, 0, 0, 0};
  g.oh = g.h + 2 * pad - 2;
  g.ow = g.w + 2 * pad - 2;
  g.th = (g.oh + 3) / 4;
  g.tw = (g.ow + 3) / 4;
  auto u = transformed(kernel_hwio);
  auto y = at::empty({g.n, g.oh, g.ow, g.k}, x.options());
  auto xc = x.contiguous();
  at::Tensor b = bias.defined() ? bias.contiguous() : at::Tensor();
  const float* xp = xc.data_ptr<float>();
  const float* up = u.data_ptr<float>();
  const float* bp = b.defined() ? b.data_ptr<float>() : nullptr;
  float* yp = y.data_ptr<float>();
  int64_t tiles = g.n * g.th * g.tw;
  // a block's transformed input and products take about 6 MB: the GEMMs of one block stay in cache
  int64_t block = std::clamp<int64_t>((6 << 20) / (36 * (g.c + g.k) * 4), 16, 256);
  int64_t blocks = (tiles + block - 1) / block;
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> v(36 * block * g.c), m(36 * block * g.k);
    for (int64_t b0 = begin; b0 < end; ++b0) {
      int64_t t0 = b0 * block, count = std::min(block, tiles - t0);
      input_tiles(g, xp, t0, count, v.data());
      const int mm = static_cast<int>(g.k), nn = static_cast<int>(count), kk = static_cast<int>(g.c);
      const float one = 1.f, zero = 0.f;
      for (int a = 0; a < 36; ++a)  // column-major: Mᵀ (K×T) = Uᵀ (K×C) · Vᵀ (C×T)
        sgemm_("N", "N", &mm, &nn, &kk, &one, up + a * g.c * g.k, &mm, v.data() + a * count * g.c, &kk, &zero,
               m.data() + a * count * g.k, &mm);
      output_tiles(g, m.data(), bp, relu, t0, count, yp);
    }
  });
  return y;
}

// Training: the forward through Winograd, the gradients through libtorch's convolution_backward
struct F43Function : public torch::autograd::Function<F43Function> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& kernel_hwio,
                            const at::Tensor& bias, int64_t pad) {
    ctx->save_for_backward({x, kernel_hwio});
    ctx->saved_data["pad"] = pad;
    ctx->saved_data["bias"] = bias.numel() > 0;
    return winograd_forward(x, kernel_hwio, bias.numel() > 0 ? bias : at::Tensor(), pad, false);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    auto &x = saved[0], &kernel = saved[1];
    bool has_bias = ctx->saved_data["bias"].toBool();
    int64_t pad = ctx->saved_data["pad"].toInt();
    auto gy = grads[0].contiguous().permute({0, 3, 1, 2});  // NCHW view of NHWC memory
    std::array<bool, 3> mask{ctx->needs_input_grad(0), ctx->needs_input_grad(1), has_bias && ctx->needs_input_grad(2)};
    int64_t k = kernel.size(3);
    auto [gx, gw, gb] = at::convolution_backward(gy, x.permute({0, 3, 1, 2}), kernel.permute({3, 2, 0, 1}),
                                                 at::OptionalIntArrayRef(at::IntArrayRef{k}), {1, 1}, {pad, pad}, {1, 1}, false,
                                                 {0, 0}, 1, mask);
    at::Tensor gx_nhwc, gw_hwio;
    if (gx.defined()) gx_nhwc = gx.permute({0, 2, 3, 1}).contiguous();
    if (gw.defined()) gw_hwio = gw.permute({0, 2, 3, 1}).contiguous().permute({1, 2, 3, 0});  // HWIO stored O,H,W,I like the kernel
    return {gx_nhwc, gw_hwio, has_bias && mask[2] ? gb : at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor winograd_f43_conv2d(const at::Tensor& x, const at::Tensor& kernel_hwio, const at::Tensor* bias, int64_t pad, bool relu,
                               bool grads) {
  if (!grads) return winograd_forward(x, kernel_hwio, bias != nullptr ? *bias : at::Tensor(), pad, relu);
  auto y = F43Function::apply(x, kernel_hwio, bias != nullptr ? *bias : at::empty({0}, x.options()), pad);
  if (relu) y.relu_();  // the Function saved its inputs, not its output
  return y;
}

}  // namespace knt
