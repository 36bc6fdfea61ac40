// Constant padding of NHWC float32 tensors in one pass (pad.cpp).
#pragma once
#include <ATen/ATen.h>

namespace knt {

// y = x (NHWC) padded by pads = {top, bottom, left, right} rows and columns of `value`, as one autograd op (its backward
// is the gradient's interior view, as libtorch's). Each output value is written once; libtorch 1.13's constant_pad_nd
// fills the whole output and then copies the input into it. nullopt where it does not apply (not float32, not
// contiguous, a negative pad (a crop), an empty tensor): the caller runs libtorch's.
c10::optional<at::Tensor> pad_nhwc(const at::Tensor& x, const int64_t* pads, double value);

}  // namespace knt
