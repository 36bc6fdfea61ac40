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
    TORCH_CHECK(n >= 0 && (n == 0 || (inputs != nullptr && grads_out != nullptr)), "grad: bad input array");
    std::vector<at::Tensor> xs;
    xs.reserve(n);
    for (int i = 0; i < n; i++) xs.push_back(T(inputs[i]));
    auto gs = torch::autograd::grad({l}, xs, {}, /*retain_graph=*/false, /*create_graph=*/false,
                                    /*allow_unused=*/true);
    for (int i = 0; i < n; i++)
      if (!gs[i].defined()) gs[i] = at::zeros_like(xs[i]);
    // every result is computed before any handle is made; should wrapping fail part-way, the handles
    // already made are freed, so a failed call leaves nothing for the caller to release
    int made = 0;
    try {
      for (; made < n; made++) grads_out[made] = wrap(std::move(gs[made]));
    } catch (...) {
      for (int i = 0; i < made; i++) {
        knt_free(grads_out[i]);
        grads_out[i] = nullptr;
      }
      throw;
    }
    return 0;
  })
}

}  // extern "C"
