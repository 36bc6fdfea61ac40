// Reverse-mode gradients through libtorch's autograd engine.
#include <torch/csrc/autograd/autograd.h>
#include "boundary.h"

using knt::T;
using knt::wrap;

extern "C" {

int knt_grad(knt_tensor loss, const knt_tensor* inputs, int n, knt_tensor* grads_out) {
  KNT_GUARD(-1, {
    const auto& l = T(loss);
    TORCH_CHECK(l.numel() == 1, "gradients need a scalar loss, got shape ", l.sizes());
    TORCH_CHECK(l.requires_grad(), "the loss does not depend on any trainable weight");
    std::vector<at::Tensor> xs;
    xs.reserve(n);
    for (int i = 0; i < n; i++) xs.push_back(T(inputs[i]));
    auto gs = torch::autograd::grad({l}, xs, {}, /*retain_graph=*/false, /*create_graph=*/false,
                                    /*allow_unused=*/true);
    for (int i = 0; i < n; i++) grads_out[i] = wrap(gs[i].defined() ? gs[i] : at::zeros_like(xs[i]));
    return 0;
  })
}

}  // extern "C"
