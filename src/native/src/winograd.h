// Inference 3×3 convolutions through oneDNN's Winograd kernels (winograd.cpp).
#pragma once
#include <ATen/ATen.h>

namespace knt {

// y (NHWC) = conv(x NHWC, kernel HWIO) + bias, ReLU if asked; nullopt where it does not apply (gradients needed, a shape or
// dtype the kernels do not take, a CPU without them): the caller then runs libtorch's convolution.
c10::optional<at::Tensor> winograd_conv2d(const at::Tensor& x, const at::Tensor& kernel_hwio, const at::Tensor* bias,
                                          const int64_t* strides, const int64_t* pads, const int64_t* dilation, int64_t groups,
                                          bool relu);

}  // namespace knt
