// Max pooling over non-overlapping windows, ReLU optionally fused (maxpool.cpp).
#pragma once
#include <ATen/ATen.h>

namespace knt {

// y (NHWC) = max_pool(x NHWC) with window ph×pw, stride = window, no padding, then ReLU if asked, as one autograd op whose
// backward writes the input's gradient in a single pass from a one-byte window index per output value. nullopt where it
// does not apply (not float32, not contiguous NHWC, a window of more than 255 cells): the caller runs libtorch's pooling.
c10::optional<at::Tensor> max_pool_windows(const at::Tensor& x, int64_t ph, int64_t pw, bool relu);

}  // namespace knt
