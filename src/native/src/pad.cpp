// Constant padding of NHWC float32 tensors in one pass: ZeroPadding2D and the odd pixel of TensorFlow's 'same' padding
// (MobileNet pads before each of its 5 stride-2 convolutions). libtorch 1.13's constant_pad_nd fills the whole output with
// the value and then copies the input into its interior, writing the interior twice; here every output row is written
// once, the pad cells with the value and the interior copied. Values are libtorch's (a copy), and so is the gradient: the
// interior of the output's gradient. KNT_FAST_PAD=0 runs libtorch's instead.
#include "pad.h"
#include <algorithm>
#include <atomic>
#include <cstring>
#include <ATen/Parallel.h>
#include <torch/autograd.h>
#include "boundary.h"

namespace knt {
namespace {

std::atomic<int64_t> calls{0};

struct PadNhwc : public torch::autograd::Function<PadNhwc> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, int64_t top, int64_t bottom,
                            int64_t left, int64_t right, double value) {
    const int64_t N = x.size(0), H = x.size(1), W = x.size(2), C = x.size(3);
    const int64_t OH = H + top + bottom, OW = W + left + right;
    auto y = at::empty({N, OH, OW, C}, x.options());
    const float* px = x.data_ptr<float>();
    float* py = y.data_ptr<float>();
    const float v = static_cast<float>(value);
    const int64_t row = OW * C;
    // rows of work per task: about 64 KiB of output
    at::parallel_for(0, N * OH, std::max<int64_t>(1, (64 << 10) / std::max<int64_t>(1, row * 4)), [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; r++) {
        const int64_t n = r / OH, oy = r % OH, iy = oy - top;
        float* out = py + r * row;
        if (iy < 0 || iy >= H) {
          std::fill_n(out, row, v);
          continue;
        }
        std::fill_n(out, left * C, v);
        std::memcpy(out + left * C, px + (n * H + iy) * W * C, sizeof(float) * W * C);
        std::fill_n(out + (left + W) * C, right * C, v);
      }
    });
    ctx->saved_data["top"] = top;
    ctx->saved_data["left"] = left;
    ctx->saved_data["h"] = H;
    ctx->saved_data["w"] = W;
    calls++;
    return y;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list grads) {
    const int64_t top = ctx->saved_data["top"].toInt(), left = ctx->saved_data["left"].toInt();
    const int64_t H = ctx->saved_data["h"].toInt(), W = ctx->saved_data["w"].toInt();
    // as constant_pad_nd's backward: the interior of the gradient, a view
    return {grads[0].narrow(1, top, H).narrow(2, left, W), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

c10::optional<at::Tensor> pad_nhwc(const at::Tensor& x, const int64_t* pads, double value) {
  static const bool enabled = switched_on("KNT_FAST_PAD");
  if (!enabled) return c10::nullopt;
  if (x.scalar_type() != at::kFloat || x.dim() != 4 || !x.is_contiguous() || x.numel() == 0) return c10::nullopt;
  if (std::any_of(pads, pads + 4, [](int64_t p) { return p < 0; })) return c10::nullopt;
  return PadNhwc::apply(x, pads[0], pads[1], pads[2], pads[3], value);
}

}  // namespace knt

extern "C" KNT_API int64_t knt_pad_nhwc_calls(void) { return knt::calls.load(); }
