// Max pooling over non-overlapping windows (stride = window, no padding: Keras's MaxPooling2D default) on NHWC float32.
// libtorch 1.13's channels-last max_pool2d keeps an int64 index per output value and its backward zero-fills the input
// gradient and then scatters into it; here the forward keeps one byte per output value (the winning cell of its window,
// 255 where a fused ReLU zeroed the output) and the backward writes every input cell once. Values and gradients are
// libtorch's (KNT_FAST_POOL=0 runs libtorch's instead): a NaN wins a window (a later NaN over an earlier one), ties go to the first cell, the ReLU passes NaN
// (and its gradient).
#include "maxpool.h"
#include <atomic>
#include <cstdint>
#include <cstring>
#include <ATen/Parallel.h>
#include <torch/autograd.h>
#include "boundary.h"

namespace knt {
namespace {

std::atomic<int64_t> calls{0};

constexpr uint8_t kNoGradient = 255;

// One output row: OW windows of ph×pw cells, C channels each; x points at the window row's first input row.
__attribute__((target_clones("avx512f", "avx2", "default")))
void pool_row(const float* __restrict x, float* __restrict y, uint8_t* __restrict idx, int64_t W, int64_t C, int64_t OW,
              int64_t ph, int64_t pw, bool relu) {
  for (int64_t ox = 0; ox < OW; ox++) {
    const float* base = x + ox * pw * C;
    float* yo = y + ox * C;
    uint8_t* io = idx ? idx + ox * C : nullptr;
    for (int64_t c = 0; c < C; c++) yo[c] = base[c];
    if (io) std::memset(io, 0, C);
    for (int64_t i = 0; i < ph; i++)
      for (int64_t j = i == 0 ? 1 : 0; j < pw; j++) {
        const float* v = base + (i * W + j) * C;
        const uint8_t p = static_cast<uint8_t>(i * pw + j);
        if (io) {
#pragma omp simd
          for (int64_t c = 0; c < C; c++) {
            const float a = v[c];
            const bool take = a > yo[c] || a != a;
            yo[c] = take ? a : yo[c];
            io[c] = take ? p : io[c];
          }
        } else {
#pragma omp simd
          for (int64_t c = 0; c < C; c++) {
            const float a = v[c];
            yo[c] = (a > yo[c] || a != a) ? a : yo[c];
          }
        }
      }
    if (relu) {
      // ReLU's gradient stops where its output is <= 0 (libtorch's threshold_backward: a NaN passes it)
      if (io)
        for (int64_t c = 0; c < C; c++) io[c] = yo[c] <= 0 ? kNoGradient : io[c];
      for (int64_t c = 0; c < C; c++) yo[c] = (yo[c] > 0 || yo[c] != yo[c]) ? yo[c] : 0.0f;
    }
  }
}

// The input gradient of one window row (ph input rows, W cells each; cells right of the last window get 0).
__attribute__((target_clones("avx512f", "avx2", "default")))
void unpool_row(const float* __restrict g, const uint8_t* __restrict idx, float* __restrict gx, int64_t W, int64_t C, int64_t OW,
                int64_t ph, int64_t pw) {
  for (int64_t i = 0; i < ph; i++) {
    float* row = gx + i * W * C;
    for (int64_t ox = 0; ox < OW; ox++) {
      const float* go = g + ox * C;
      const uint8_t* io = idx + ox * C;
      for (int64_t j = 0; j < pw; j++) {
        float* out = row + (ox * pw + j) * C;
        const uint8_t p = static_cast<uint8_t>(i * pw + j);
#pragma omp simd
        for (int64_t c = 0; c < C; c++) out[c] = io[c] == p ? go[c] : 0.0f;
      }
    }
    std::memset(row + OW * pw * C, 0, sizeof(float) * (W - OW * pw) * C);
  }
}

// rows of work (n, oy) per task: about 64 KiB of input
int64_t grain(int64_t row_bytes) { return std::max<int64_t>(1, (64 << 10) / std::max<int64_t>(1, row_bytes)); }

struct MaxPoolWindows : public torch::autograd::Function<MaxPoolWindows> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, int64_t ph, int64_t pw, bool relu,
                            bool keep) {
    // keep: a gradient will be asked for (decided by the caller: grad mode is off in here)
    const int64_t N = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3), OH = H / ph, OW = W / pw;
    auto y = at::empty({N, OH, OW, C}, x.options());
    at::Tensor idx = keep ? at::empty({N, OH, OW, C}, x.options().dtype(at::kByte)) : at::Tensor();
    const float* px = x.data_ptr<float>();
    float* py = y.data_ptr<float>();
    uint8_t* pi = keep ? idx.data_ptr<uint8_t>() : nullptr;
    at::parallel_for(0, N * OH, grain(ph * W * C * 4), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; r++) {
        const int64_t n = r / OH, oy = r % OH;
        pool_row(px + ((n * H + oy * ph) * W) * C, py + r * OW * C, pi ? pi + r * OW * C : nullptr, W, C, OW, ph, pw, relu);
      }
    });
    if (keep) {
      ctx->save_for_backward({idx});
      ctx->saved_data["h"] = H;
      ctx->saved_data["w"] = W;
      ctx->saved_data["ph"] = ph;
      ctx->saved_data["pw"] = pw;
    }
    calls++;
    return y;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list grads) {
    auto idx = ctx->get_saved_variables()[0];
    const int64_t H = ctx->saved_data["h"].toInt(), W = ctx->saved_data["w"].toInt();
    const int64_t ph = ctx->saved_data["ph"].toInt(), pw = ctx->saved_data["pw"].toInt();
    const int64_t N = idx.size(0), OH = idx.size(1), OW = idx.size(2), C = idx.size(3);
    auto g = grads[0].to(at::kFloat).contiguous();
    auto gx = at::empty({N, H, W, C}, g.options());
    const float* pg = g.data_ptr<float>();
    const uint8_t* pi = idx.data_ptr<uint8_t>();
    float* pgx = gx.data_ptr<float>();
    at::parallel_for(0, N * OH, grain(ph * W * C * 4), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; r++) {
        const int64_t n = r / OH, oy = r % OH;
        float* rows = pgx + ((n * H + oy * ph) * W) * C;
        unpool_row(pg + r * OW * C, pi + r * OW * C, rows, W, C, OW, ph, pw);
        // rows below the last window row get 0
        if (oy == OH - 1) std::memset(rows + ph * W * C, 0, sizeof(float) * (H - OH * ph) * W * C);
      }
    });
    return {gx, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

c10::optional<at::Tensor> max_pool_windows(const at::Tensor& x, int64_t ph, int64_t pw, bool relu) {
  static const bool enabled = switched_on("KNT_FAST_POOL");
  if (!enabled) return c10::nullopt;
  if (x.scalar_type() != at::kFloat || x.dim() != 4 || !x.is_contiguous() || ph * pw > 255 || ph < 1 || pw < 1) return c10::nullopt;
  if (x.size(1) < ph || x.size(2) < pw || x.numel() == 0) return c10::nullopt;
  return MaxPoolWindows::apply(x, ph, pw, relu, at::GradMode::is_enabled() && x.requires_grad());
}

}  // namespace knt

extern "C" KNT_API int64_t knt_max_pool_windows_calls(void) { return knt::calls.load(); }
