// Winograd F(4×4, 3×3) convolutions written here (winograd_f43.cpp), for the CPUs oneDNN 2.x has no Winograd kernel for.
#pragma once
#include <ATen/ATen.h>

namespace knt {

// y (NHWC) = conv(x NHWC float32 contiguous, kernel HWIO 3×3 float32) + bias, stride 1, symmetric padding `pad` (0-2),
// ReLU if asked; C and K multiples of 16 (the caller checks). With `grads` (the caller's: grad mode on and an input needing
// one) the forward runs through Winograd and the backward through libtorch's convolution_backward.
at::Tensor winograd_f43_conv2d(const at::Tensor& x, const at::Tensor& kernel_hwio, const at::Tensor* bias, int64_t pad, bool relu,
                               bool grads);

}  // namespace knt
