// Layer kernels. Tensors arrive and leave NHWC; inside, the NCHW view of an NHWC tensor is
// channels-last in memory, which is the layout oneDNN's convolutions and pools run fastest on,
// so no copies are made on the way in or out.
#include <cmath>
#include <limits>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include "boundary.h"
#include "maxpool.h"
#include "pad.h"
#include "winograd.h"

using knt::T;
using knt::wrap;

namespace {

// NHWC tensor -> logical NCHW view, channels-last in memory.
at::Tensor to_nchw(const at::Tensor& x, const char* op) {
  TORCH_CHECK(x.dim() == 4, op, " expects a 4-D NHWC input, got shape ", x.sizes());
  auto v = x.permute({0, 3, 1, 2});
  if (!v.is_contiguous(at::MemoryFormat::ChannelsLast)) v = v.contiguous(at::MemoryFormat::ChannelsLast);
  return v;
}

at::Tensor to_nhwc(const at::Tensor& y) { return y.permute({0, 2, 3, 1}); }

bool symmetric(const int64_t* p) { return p[0] == p[1] && p[2] == p[3]; }

// A 4-D NHWC tensor padded with `value` (pads: top, bottom, left, right): in one pass where pad.cpp takes it, else libtorch's.
at::Tensor pad_nhwc(const at::Tensor& x, const int64_t* pads, double value, const char* op) {
  TORCH_CHECK(x.dim() == 4, op, " expects a 4-D NHWC input, got shape ", x.sizes());
  if (auto y = knt::pad_nhwc(x, pads, value)) return *y;
  return at::constant_pad_nd(x, {0, 0, pads[2], pads[3], pads[0], pads[1]}, value);
}

// TensorFlow's 'same' puts the odd pixel at the bottom/right; torch's convolution pads symmetrically, so an asymmetric
// padding is applied to the NHWC input first, and the convolution pads nothing.
at::Tensor padded_if_asymmetric(const at::Tensor& x, const int64_t* pads, const char* op) {
  return symmetric(pads) ? x : pad_nhwc(x, pads, 0, op);
}

// Inference batch norm over the last (channel) axis of a contiguous float tensor in one pass:
// y = (x - mean[c]) * scale[c] + beta[c], the accurate (unfolded) formula at the speed of a fused kernel, then
// clamped to [lo, hi] (a following ReLU / ReLU6 in the same pass; ±inf: none). The per-channel values are laid out
// repeated over a block of whole rows at least 256 values long, so a block is one vectorizable loop even when the
// channels are fewer than a vector's lanes (MobileNet α0.25 has 8).
__attribute__((target_clones("avx512f", "avx2", "default")))
void bn_block(const float* __restrict x, float* __restrict y, const float* __restrict m, const float* __restrict s,
              const float* __restrict b, int64_t n, float lo, float hi) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    float v = (x[i] - m[i]) * s[i] + b[i];
    v = v < lo ? lo : v;
    y[i] = v > hi ? hi : v;
  }
}

at::Tensor bn_inference_nhwc(const at::Tensor& x, const at::Tensor& mean, const at::Tensor& scale, const at::Tensor& beta,
                             double lo, double hi) {
  auto y = at::empty_like(x);
  const int64_t C = x.size(-1), rows = x.numel() / C;
  const int64_t block_rows = std::max<int64_t>(1, (256 + C - 1) / C), block = block_rows * C;
  auto m = mean.to(at::kFloat).contiguous().repeat({block_rows}), s = scale.to(at::kFloat).contiguous().repeat({block_rows});
  auto b = beta.defined() ? beta.to(at::kFloat).contiguous().repeat({block_rows}) : at::zeros({block}, x.options());
  const float* px = x.data_ptr<float>();
  const float* pm = m.data_ptr<float>();
  const float* ps = s.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  float* py = y.data_ptr<float>();
  const float flo = static_cast<float>(lo), fhi = static_cast<float>(hi);
  const int64_t blocks = (rows + block_rows - 1) / block_rows;
  at::parallel_for(0, blocks, std::max<int64_t>(1, 32768 / block), [&](int64_t begin, int64_t end) {
    for (int64_t k = begin; k < end; k++) {
      int64_t first = k * block, n = std::min(block, rows * C - first);
      bn_block(px + first, py + first, pm, ps, pb, n, flo, fhi);
    }
  });
  return y;
}

// x viewed with channels second (a view of an NHWC tensor, channels-last in memory for 4-D).
at::Tensor channels_second(const at::Tensor& in) {
  std::vector<int64_t> perm{0, in.dim() - 1};
  for (int64_t d = 1; d < in.dim() - 1; d++) perm.push_back(d);
  auto xc = in.permute(perm);
  if (in.dim() == 4 && !xc.is_contiguous(at::MemoryFormat::ChannelsLast)) xc = xc.contiguous(at::MemoryFormat::ChannelsLast);
  return xc;
}

at::Tensor channels_last(const at::Tensor& xc) {
  std::vector<int64_t> back{0};
  for (int64_t d = 2; d < xc.dim(); d++) back.push_back(d);
  back.push_back(1);
  return xc.permute(back);
}

// Checks a per-channel parameter of batch_norm: one float value per channel.
void check_per_channel(const at::Tensor* p, int64_t channels, const char* what, const at::Tensor& x) {
  if (p == nullptr) return;
  TORCH_CHECK(p->dim() == 1 && p->size(0) == channels, "batch_norm: ", what, " has shape ", p->sizes(),
              ", the input ", x.sizes(), " has ", channels, " channels");
  TORCH_CHECK(at::isFloatingType(p->scalar_type()), "batch_norm: ", what, " must be floating point, got ",
              p->scalar_type());
}

int64_t check_batch_norm_input(const at::Tensor& in) {
  TORCH_CHECK(in.dim() >= 2, "batch_norm expects at least 2 dimensions, got shape ", in.sizes());
  TORCH_CHECK(at::isFloatingType(in.scalar_type()), "batch_norm expects a floating input, got ", in.scalar_type());
  int64_t c = in.size(-1);
  TORCH_CHECK(c > 0, "batch_norm: the input ", in.sizes(), " has no channels");
  return c;
}

}  // namespace

extern "C" {

knt_tensor knt_conv2d(knt_tensor x, knt_tensor kernel_hwio, knt_tensor bias, const int64_t* strides,
                      const int64_t* pads, const int64_t* dilation, int64_t groups, int relu) {
  KNT_GUARD(nullptr, {
    const auto& k = T(kernel_hwio);
    TORCH_CHECK(k.dim() == 4, "conv2d expects a 4-D HWIO kernel, got shape ", k.sizes());
    if (auto y = knt::winograd_conv2d(T(x), k, bias != nullptr ? &T(bias) : nullptr, strides, pads, dilation, groups, relu != 0))
      return wrap(*y);  // it checks the shapes it takes; anything else runs here
    auto xn = to_nchw(padded_if_asymmetric(T(x), pads, "conv2d"), "conv2d");
    std::vector<int64_t> padding{pads[0], pads[2]};
    if (!symmetric(pads)) padding = {0, 0};
    auto w = k.permute({3, 2, 0, 1});  // HWIO -> OIHW
    c10::optional<at::Tensor> b;
    if (bias != nullptr) b = T(bias);
    auto y = at::conv2d(xn, w, b, {strides[0], strides[1]}, padding, {dilation[0], dilation[1]}, groups);
    // ReLU in place on the fresh output, before the NHWC view is made: the convolution's backward needs its
    // input and kernel, not its output, so autograd allows it, and no second activation-sized tensor is written
    if (relu) y.relu_();
    return wrap(to_nhwc(y));
  })
}

knt_tensor knt_depthwise_conv2d(knt_tensor x, knt_tensor kernel_hwim, knt_tensor bias, const int64_t* strides,
                                const int64_t* pads, const int64_t* dilation) {
  KNT_GUARD(nullptr, {
    auto xn = to_nchw(padded_if_asymmetric(T(x), pads, "depthwise_conv2d"), "depthwise_conv2d");
    const auto& k = T(kernel_hwim);
    TORCH_CHECK(k.dim() == 4, "depthwise_conv2d expects a 4-D (kh, kw, in, multiplier) kernel, got shape ", k.sizes());
    TORCH_CHECK(k.size(2) == xn.size(1), "depthwise_conv2d: kernel has ", k.size(2), " input channels, input has ",
                xn.size(1));
    int64_t in = k.size(2), mult = k.size(3);
    // (kh, kw, in, mult) -> (in * mult, 1, kh, kw): output channel c * mult + m, as TensorFlow orders them
    auto w = k.permute({2, 3, 0, 1}).reshape({in * mult, 1, k.size(0), k.size(1)});
    std::vector<int64_t> padding{pads[0], pads[2]};
    if (!symmetric(pads)) padding = {0, 0};
    c10::optional<at::Tensor> b;
    if (bias != nullptr) b = T(bias);
    auto y = at::conv2d(xn, w, b, {strides[0], strides[1]}, padding, {dilation[0], dilation[1]}, in);
    return wrap(to_nhwc(y));
  })
}

knt_tensor knt_batch_norm_train(knt_tensor x, knt_tensor gamma, knt_tensor beta, double epsilon, knt_tensor* mean_out,
                                knt_tensor* var_out) {
  KNT_GUARD(nullptr, {
    const auto& in = T(x);
    int64_t c = check_batch_norm_input(in);
    TORCH_CHECK(in.numel() > 0, "batch_norm (training) needs at least one row, got shape ", in.sizes());
    TORCH_CHECK(mean_out != nullptr && var_out != nullptr, "batch_norm: null output slots");
    c10::optional<at::Tensor> g, b;
    if (gamma != nullptr) g = T(gamma);
    if (beta != nullptr) b = T(beta);
    check_per_channel(gamma ? &*g : nullptr, c, "gamma", in);
    check_per_channel(beta ? &*b : nullptr, c, "beta", in);
    auto xc = channels_second(in);
    auto y = at::batch_norm(xc, g, b, {}, {}, /*training=*/true, 0.0, epsilon, /*cudnn_enabled=*/false);
    at::Tensor mean, var;
    {
      at::NoGradGuard no_grad;  // statistics only: the output keeps its history
      std::vector<int64_t> dims{0};
      for (int64_t d = 2; d < xc.dim(); d++) dims.push_back(d);
      auto vm = at::var_mean(xc.detach().to(at::kFloat), dims, /*unbiased=*/false);  // Keras: the biased variance
      var = std::get<0>(vm);
      mean = std::get<1>(vm);
    }
    auto out = channels_last(y);
    knt_tensor yh = wrap(std::move(out));
    try {
      *mean_out = wrap(std::move(mean));
      try {
        *var_out = wrap(std::move(var));
      } catch (...) {
        knt_free(*mean_out);
        *mean_out = nullptr;
        throw;
      }
    } catch (...) {
      knt_free(yh);
      throw;
    }
    return yh;
  })
}

knt_tensor knt_batch_norm(knt_tensor x, knt_tensor gamma, knt_tensor beta, knt_tensor moving_mean,
                          knt_tensor moving_var, double epsilon, double clamp_lo, double clamp_hi) {
  KNT_GUARD(nullptr, {
    const auto& in = T(x);
    int64_t c = check_batch_norm_input(in);
    c10::optional<at::Tensor> g, b;
    if (gamma != nullptr) g = T(gamma);
    if (beta != nullptr) b = T(beta);
    auto& mm = T(moving_mean);
    auto& mv = T(moving_var);
    check_per_channel(&mm, c, "moving_mean", in);
    check_per_channel(&mv, c, "moving_variance", in);
    check_per_channel(gamma ? &*g : nullptr, c, "gamma", in);
    check_per_channel(beta ? &*b : nullptr, c, "beta", in);
    // (x - mean) * gamma / sqrt(var + eps) + beta, on the channels-last tensor as it is.
    // torch's batch_norm kernel folds this into x * a + (beta - mean * a), whose cancellation measured
    // 4x further from a float64 evaluation over MobileNet's 27 normalisations (9.8e-4 vs 2.6e-4).
    auto scale = at::rsqrt(mv + epsilon);
    if (g) scale = scale * *g;
    if (in.scalar_type() == at::kFloat && in.is_contiguous() && !(at::GradMode::is_enabled() && in.requires_grad()) &&
        !(at::GradMode::is_enabled() && ((g && g->requires_grad()) || (b && b->requires_grad())))) {
      return wrap(bn_inference_nhwc(in, mm, scale, b ? *b : at::Tensor(), clamp_lo, clamp_hi));
    }
    auto centered = in - mm;
    auto y = b ? at::addcmul(*b, centered, scale) : centered * scale;
    // a following ReLU / ReLU6
    if (clamp_lo == 0 && std::isinf(clamp_hi) && clamp_hi > 0) {
      y = at::relu(y);  // ReLU's gradient at 0 (none), not clamp's
    } else if (std::isfinite(clamp_lo) || std::isfinite(clamp_hi)) {
      c10::optional<at::Scalar> lo, hi;
      if (std::isfinite(clamp_lo)) lo = clamp_lo;
      if (std::isfinite(clamp_hi)) hi = clamp_hi;
      y = at::clamp(y, lo, hi);
    }
    return wrap(y);
  })
}

knt_tensor knt_pad2d(knt_tensor x, const int64_t* pads, double value) {
  KNT_GUARD(nullptr, {
    return wrap(pad_nhwc(T(x), pads, value, "pad2d"));
  })
}

knt_tensor knt_pool2d(int op, knt_tensor x, const int64_t* pool, const int64_t* strides, const int64_t* pads, int relu) {
  KNT_GUARD(nullptr, {
    const char* name = op == KNT_MAXPOOL ? "max_pool2d" : "avg_pool2d";
    // non-overlapping windows without padding (Keras's default): one pass each way, the ReLU inside
    if (op == KNT_MAXPOOL && strides[0] == pool[0] && strides[1] == pool[1] && pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0)
      if (auto y = knt::max_pool_windows(T(x), pool[0], pool[1], relu != 0)) return wrap(*y);
    auto xn = to_nchw(T(x), name);
    at::IntArrayRef k(pool, 2), s(strides, 2);
    // a window wholly in the padding has no value to pool (an average of nothing is NaN, a max -inf);
    // TensorFlow's 'same' padding never makes one
    TORCH_CHECK(pads[0] < pool[0] && pads[1] < pool[0] && pads[2] < pool[1] && pads[3] < pool[1], name, ": padding (top ", pads[0],
                ", bottom ", pads[1], ", left ", pads[2], ", right ", pads[3], ") must be smaller than the window (", pool[0], "x", pool[1],
                "), or a window would hold only padding; input ", xn.sizes());
    at::Tensor y;
    if (op == KNT_MAXPOOL) {
      if (symmetric(pads)) {
        y = at::max_pool2d(xn, k, s, {pads[0], pads[2]});
      } else {
        // padded cells never win a max, as in TensorFlow
        auto p = at::constant_pad_nd(xn, {pads[2], pads[3], pads[0], pads[1]}, -std::numeric_limits<double>::infinity());
        y = at::max_pool2d(p, k, s);
      }
    } else if (op == KNT_AVGPOOL) {
      if (symmetric(pads)) {
        y = at::avg_pool2d(xn, k, s, {pads[0], pads[2]}, false, /*count_include_pad=*/false);
      } else {
        // TensorFlow averages over the real cells only: sum over window / count of real cells.
        std::vector<int64_t> pd{pads[2], pads[3], pads[0], pads[1]};
        auto sum = at::avg_pool2d(at::constant_pad_nd(xn, pd, 0), k, s);
        auto ones = at::ones({1, 1, xn.size(2), xn.size(3)}, xn.options().requires_grad(false));
        auto cnt = at::avg_pool2d(at::constant_pad_nd(ones, pd, 0), k, s);
        y = sum / cnt;
      }
    } else {
      throw std::invalid_argument("unknown pool op " + std::to_string(op));
    }
    // a following ReLU, in place on the fresh output (pooling's backward needs its input and indices, not its output)
    if (relu) y.relu_();
    return wrap(to_nhwc(y));
  })
}

knt_tensor knt_dense(knt_tensor x, knt_tensor kernel, knt_tensor bias, int relu) {
  KNT_GUARD(nullptr, {
    const auto& a = T(x);
    const auto& k = T(kernel);
    at::Tensor y;
    if (a.dim() == 2) {
      y = bias ? at::addmm(T(bias), a, k) : at::mm(a, k);
    } else {
      y = at::matmul(a, k);
      if (bias) y = y + T(bias);
    }
    // in place: the product's backward needs its operands, not its result (for N-D input, matmul's result may be a view)
    if (relu) y = y.is_view() ? at::relu(y) : y.relu_();
    return wrap(y);
  })
}

knt_tensor knt_activation(int op, knt_tensor x) {
  KNT_GUARD(nullptr, {
    const auto& a = T(x);
    switch (op) {
      case KNT_RELU: return wrap(at::relu(a));
      case KNT_SIGMOID: return wrap(at::sigmoid(a));
      case KNT_TANH: return wrap(at::tanh(a));
      case KNT_SOFTPLUS: return wrap(at::softplus(a));
      case KNT_ELU: return wrap(at::elu(a));
      case KNT_SELU: return wrap(at::selu(a));
      case KNT_SILU: return wrap(at::silu(a));
      case KNT_GELU: return wrap(at::gelu(a));
      case KNT_RELU6: return wrap(at::hardtanh(a, 0.0, 6.0));
    }
    throw std::invalid_argument("unknown activation " + std::to_string(op));
  })
}

knt_tensor knt_softmax(knt_tensor x, int64_t dim, int log) {
  KNT_GUARD(nullptr, { return wrap(log ? at::log_softmax(T(x), dim) : at::softmax(T(x), dim)); })
}

knt_tensor knt_dropout(knt_tensor x, double rate, int training) {
  KNT_GUARD(nullptr, { return wrap(at::dropout(T(x), rate, training != 0)); })
}

knt_tensor knt_bce_with_logits(knt_tensor logits, knt_tensor target) {
  KNT_GUARD(nullptr, {
    return wrap(at::binary_cross_entropy_with_logits(T(logits), T(target), {}, {}, at::Reduction::None));
  })
}

}  // extern "C"
