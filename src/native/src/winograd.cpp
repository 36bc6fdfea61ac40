// 3×3 stride-1 convolutions through oneDNN's Winograd F(4×4, 3×3) kernels (the same libdnnl libtorch uses,
// called directly): 2.25× fewer multiply-adds than direct convolution, measured 1.6-2.6× faster on VGG16's layers
// (AVX-512), with a relative RMS difference of 1e-6 from direct convolution. libtorch 1.13 only ever asks oneDNN for
// direct convolution. Inference uses the forward kernel with ReLU as a post-op and kernels packed once per version;
// training runs forward, backward-data and backward-weights through Winograd as an autograd Function. For float32,
// 16-multiple channel counts, groups 1, symmetric padding ≤ 1; anything else takes the libtorch path. On a CPU without
// oneDNN's kernels (before AVX-512) the same convolutions run our F(4×4, 3×3) (winograd_f43.cpp). KNT_WINOGRAD=0 in the
// environment turns both off (A/B measurements).
#include "winograd.h"
#include "boundary.h"
#include "winograd_f43.h"

#include <atomic>
#include <map>
#include <mutex>
#include <tuple>
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/custom_function.h>
#include <oneapi/dnnl/dnnl.hpp>

namespace knt {
namespace {

using dnnl::memory;

struct Conv {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward prim;
};

// (N, C, H, W, K, pad, relu, bias, threads) -> the primitive; a failed creation is remembered as null
using Key = std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, bool, bool, int>;

struct WeightEntry {
  c10::weak_intrusive_ptr<c10::TensorImpl> owner;
  uint32_t version;
  void* data;
  memory::desc desc;
  at::Tensor packed;  // the kernel in the primitive's (Winograd-domain) layout, as bytes
};

struct TrainConv;
// (N, C, H, W, K, pad, bias, threads) -> the three primitives; a failed creation is remembered as null
using TrainKey = std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, bool, int>;

// Shared by every thread: the engine and the kernels packed into the primitives' layouts (under the mutex).
struct Shared {
  std::mutex mutex;
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  std::vector<WeightEntry> weights;
};

Shared& shared() {
  static Shared s;
  return s;
}

// Each thread's own primitives and stream. oneDNN 2.x gives a Winograd primitive the creating thread's scratchpad
// (its "global" scratchpad is thread-local): run on another thread, the primitive writes through a null or too small
// one (seen: a crash as two threads ran VGG16's halves of a batch). So every thread makes its own, for its thread count.
struct State {
  dnnl::engine& engine;
  dnnl::stream stream;
  std::map<Key, std::unique_ptr<Conv>> convs;
  std::map<TrainKey, std::unique_ptr<TrainConv>> train;
  ~State();
};

std::atomic<int64_t> calls{0};
std::atomic<bool> own_only{false};

State& state() {
  thread_local State s{shared().engine, dnnl::stream(shared().engine), {}, {}};
  return s;
}

bool enabled() {
  static const bool on = switched_on("KNT_WINOGRAD");
  return on;
}

memory::desc plain(const memory::dims& d, memory::format_tag tag) { return memory::desc(d, memory::data_type::f32, tag); }

Conv* conv_for(State& s, const Key& key) {
  auto it = s.convs.find(key);
  if (it != s.convs.end()) return it->second.get();
  auto [n, c, h, w, k, pad, relu, has_bias, threads] = key;
  std::unique_ptr<Conv> made;
  try {
    memory::dims src{n, c, h, w}, wei{k, c, 3, 3}, dst{n, k, h + 2 * pad - 2, w + 2 * pad - 2};
    auto any = [](const memory::dims& d) { return memory::desc(d, memory::data_type::f32, memory::format_tag::any); };
    auto bias_md = has_bias ? plain({k}, memory::format_tag::a) : memory::desc();
    dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_winograd, any(src), any(wei),
                                      bias_md, any(dst), {1, 1}, {pad, pad}, {pad, pad});
    dnnl::primitive_attr attr;
    if (relu) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
      attr.set_post_ops(ops);
    }
    dnnl::convolution_forward::primitive_desc pd(d, attr, s.engine);
    made = std::make_unique<Conv>(Conv{pd, dnnl::convolution_forward(pd)});
  } catch (const dnnl::error&) {
    made = nullptr;  // no Winograd kernel for this shape or CPU: libtorch's path, every time
  }
  return (s.convs[key] = std::move(made)).get();
}

// The kernel reordered into a primitive's layout `wanted` once per kernel version (an optimizer step or assign bumps it):
// inference reuses it across calls, a training step packs it once for its forward and backward-data.
at::Tensor packed_weights(State& s, const memory::desc& wanted, const at::Tensor& kernel_hwio) {
  auto& all = shared();
  std::lock_guard<std::mutex> lock(all.mutex);
  auto* impl = kernel_hwio.unsafeGetTensorImpl();
  uint32_t version = impl->version_counter().current_version();
  for (auto it = all.weights.begin(); it != all.weights.end();) {
    if (it->owner.expired()) {  // its kernel is gone
      it = all.weights.erase(it);
      continue;
    }
    if (it->owner._unsafe_get_target() == impl && it->data == kernel_hwio.data_ptr() && it->desc == wanted) {
      if (it->version == version) return it->packed;
      it = all.weights.erase(it);  // stale
      continue;
    }
    ++it;
  }
  auto oihw = kernel_hwio.permute({3, 2, 0, 1}).contiguous();
  memory::dims wei{oihw.size(0), oihw.size(1), 3, 3};
  memory from(plain(wei, memory::format_tag::oihw), s.engine, oihw.data_ptr());
  auto packed = at::empty({static_cast<int64_t>(wanted.get_size())}, at::kByte);
  memory to(wanted, s.engine, packed.data_ptr());
  dnnl::reorder(from, to).execute(s.stream, from, to);
  s.stream.wait();
  all.weights.push_back({c10::weak_intrusive_ptr<c10::TensorImpl>(kernel_hwio.getIntrusivePtr()), version, kernel_hwio.data_ptr(),
                         wanted, packed});
  return packed;
}

// ---- training: forward, backward-data and backward-weights primitives of one shape, behind an autograd Function

struct TrainConv {
  dnnl::convolution_forward::primitive_desc fwd_pd;
  dnnl::convolution_forward fwd;
  dnnl::convolution_backward_data::primitive_desc data_pd;
  dnnl::convolution_backward_data data;
  dnnl::convolution_backward_weights::primitive_desc weights_pd;
  dnnl::convolution_backward_weights weights;
};

State::~State() = default;  // TrainConv is complete here

TrainConv* train_conv_for(State& s, const TrainKey& key) {
  auto& convs = s.train;
  auto it = convs.find(key);
  if (it != convs.end()) return it->second.get();
  auto [n, c, h, w, k, pad, has_bias, threads] = key;
  std::unique_ptr<TrainConv> made;
  try {
    memory::dims src{n, c, h, w}, wei{k, c, 3, 3}, dst{n, k, h + 2 * pad - 2, w + 2 * pad - 2};
    auto any = [](const memory::dims& d) { return memory::desc(d, memory::data_type::f32, memory::format_tag::any); };
    auto bias_md = has_bias ? plain({k}, memory::format_tag::a) : memory::desc();
    auto alg = dnnl::algorithm::convolution_winograd;
    dnnl::convolution_forward::desc fd(dnnl::prop_kind::forward_training, alg, any(src), any(wei), bias_md, any(dst), {1, 1},
                                       {pad, pad}, {pad, pad});
    dnnl::convolution_forward::primitive_desc fpd(fd, s.engine);
    dnnl::convolution_backward_data::desc dd(alg, any(src), any(wei), any(dst), {1, 1}, {pad, pad}, {pad, pad});
    dnnl::convolution_backward_data::primitive_desc dpd(dd, s.engine, fpd);
    dnnl::convolution_backward_weights::desc wd(alg, any(src), any(wei), bias_md, any(dst), {1, 1}, {pad, pad}, {pad, pad});
    dnnl::convolution_backward_weights::primitive_desc wpd(wd, s.engine, fpd);
    made = std::make_unique<TrainConv>(TrainConv{fpd, dnnl::convolution_forward(fpd), dpd, dnnl::convolution_backward_data(dpd), wpd,
                                                 dnnl::convolution_backward_weights(wpd)});
  } catch (const dnnl::error&) {
    made = nullptr;
  }
  return (convs[key] = std::move(made)).get();
}

// A plain NHWC (or OHWI) tensor into the layout `want` (a byte tensor), or the tensor's own memory when it is that layout.
struct Blocked {
  at::Tensor storage;
  memory mem;
};

Blocked to_layout(State& s, void* data, const memory::desc& from, const memory::desc& want) {
  memory src(from, s.engine, data);
  if (from == want) return {at::Tensor(), src};
  auto bytes = at::empty({static_cast<int64_t>(want.get_size())}, at::kByte);
  memory dst(want, s.engine, bytes.data_ptr());
  dnnl::reorder(src, dst).execute(s.stream, src, dst);
  return {bytes, dst};
}

memory out_buffer(State& s, const memory::desc& want, at::Tensor& keep) {
  keep = at::empty({static_cast<int64_t>(want.get_size())}, at::kByte);
  return memory(want, s.engine, keep.data_ptr());
}

void from_layout(State& s, memory blocked, void* data, const memory::desc& to) {
  memory dst(to, s.engine, data);
  dnnl::reorder(blocked, dst).execute(s.stream, blocked, dst);
}

struct Shape {
  int64_t n, c, h, w, k, oh, ow;
};

Shape shape_of(const at::Tensor& x, const at::Tensor& kernel_hwio, int64_t pad) {
  int64_t h = x.size(1), w = x.size(2);
  return {x.size(0), x.size(3), h, w, kernel_hwio.size(3), h + 2 * pad - 2, w + 2 * pad - 2};
}

at::Tensor train_forward(const at::Tensor& x, const at::Tensor& kernel_hwio, const at::Tensor& bias, int64_t pad) {
  auto& s = state();
  auto sh = shape_of(x, kernel_hwio, pad);
  TrainConv* conv = train_conv_for(s, TrainKey{sh.n, sh.c, sh.h, sh.w, sh.k, pad, bias.defined(), at::get_num_threads()});
  TORCH_CHECK(conv != nullptr, "winograd conv2d: no kernel for this shape");  // winograd_conv2d made it first
  auto xs = to_layout(s, x.data_ptr(), plain({sh.n, sh.c, sh.h, sh.w}, memory::format_tag::nhwc), conv->fwd_pd.src_desc());
  auto weights = packed_weights(s, conv->fwd_pd.weights_desc(), kernel_hwio);
  memory ws(conv->fwd_pd.weights_desc(), s.engine, weights.data_ptr());
  at::Tensor ykeep;
  auto ys = out_buffer(s, conv->fwd_pd.dst_desc(), ykeep);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, xs.mem}, {DNNL_ARG_WEIGHTS, ws}, {DNNL_ARG_DST, ys}};
  at::Tensor b;
  if (bias.defined()) {
    b = bias.contiguous();
    args.emplace(DNNL_ARG_BIAS, memory(plain({sh.k}, memory::format_tag::a), s.engine, b.data_ptr()));
  }
  conv->fwd.execute(s.stream, args);
  auto y = at::empty({sh.n, sh.oh, sh.ow, sh.k}, x.options());
  from_layout(s, ys, y.data_ptr(), plain({sh.n, sh.k, sh.oh, sh.ow}, memory::format_tag::nhwc));
  s.stream.wait();
  calls++;
  return y;
}

// The input's gradient (NHWC), the kernel's (HWIO, stored O,H,W,I as the kernels are) and the bias's.
std::tuple<at::Tensor, at::Tensor, at::Tensor> train_backward(const at::Tensor& x, const at::Tensor& kernel_hwio, const at::Tensor& gy_in,
                                                              int64_t pad, bool has_bias, bool want_x, bool want_w) {
  auto& s = state();
  auto sh = shape_of(x, kernel_hwio, pad);
  auto gy = gy_in.contiguous();
  TrainConv* conv = train_conv_for(s, TrainKey{sh.n, sh.c, sh.h, sh.w, sh.k, pad, has_bias, at::get_num_threads()});
  TORCH_CHECK(conv != nullptr, "winograd conv2d backward: no kernel for this shape");
  auto nhwc_dst = plain({sh.n, sh.k, sh.oh, sh.ow}, memory::format_tag::nhwc);
  auto nhwc_src = plain({sh.n, sh.c, sh.h, sh.w}, memory::format_tag::nhwc);
  auto ohwi_md = plain({sh.k, sh.c, 3, 3}, memory::format_tag::ohwi);
  at::Tensor gx, gw, gb;
  if (want_x) {
    auto gys = to_layout(s, gy.data_ptr(), nhwc_dst, conv->data_pd.diff_dst_desc());
    auto weights = packed_weights(s, conv->data_pd.weights_desc(), kernel_hwio);  // usually the forward's packing
    memory ws(conv->data_pd.weights_desc(), s.engine, weights.data_ptr());
    at::Tensor keep;
    auto gxs = out_buffer(s, conv->data_pd.diff_src_desc(), keep);
    conv->data.execute(s.stream, {{DNNL_ARG_DIFF_DST, gys.mem}, {DNNL_ARG_WEIGHTS, ws}, {DNNL_ARG_DIFF_SRC, gxs}});
    gx = at::empty({sh.n, sh.h, sh.w, sh.c}, x.options());
    from_layout(s, gxs, gx.data_ptr(), nhwc_src);
  }
  if (want_w) {
    auto xs = to_layout(s, x.data_ptr(), nhwc_src, conv->weights_pd.src_desc());
    auto gys = to_layout(s, gy.data_ptr(), nhwc_dst, conv->weights_pd.diff_dst_desc());
    at::Tensor keep;
    auto gws = out_buffer(s, conv->weights_pd.diff_weights_desc(), keep);
    std::unordered_map<int, memory> args{{DNNL_ARG_SRC, xs.mem}, {DNNL_ARG_DIFF_DST, gys.mem}, {DNNL_ARG_DIFF_WEIGHTS, gws}};
    if (has_bias) {
      gb = at::empty({sh.k}, x.options());
      args.emplace(DNNL_ARG_DIFF_BIAS, memory(plain({sh.k}, memory::format_tag::a), s.engine, gb.data_ptr()));
    }
    conv->weights.execute(s.stream, args);
    auto ohwi_grad = at::empty({sh.k, 3, 3, sh.c}, x.options());
    from_layout(s, gws, ohwi_grad.data_ptr(), ohwi_md);
    gw = ohwi_grad.permute({1, 2, 3, 0});  // HWIO, stored O,H,W,I like the kernel: fused optimizer updates apply
  }
  s.stream.wait();
  return {gx, gw, gb};
}

struct WinogradConvFunction : public torch::autograd::Function<WinogradConvFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& kernel_hwio,
                            const at::Tensor& bias, int64_t pad) {
    ctx->save_for_backward({x, kernel_hwio});
    ctx->saved_data["pad"] = pad;
    ctx->saved_data["bias"] = bias.numel() > 0;
    return train_forward(x, kernel_hwio, bias.numel() > 0 ? bias : at::Tensor(), pad);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::tensor_list grads) {
    auto saved = ctx->get_saved_variables();
    bool has_bias = ctx->saved_data["bias"].toBool();
    auto [gx, gw, gb] = train_backward(saved[0], saved[1], grads[0], ctx->saved_data["pad"].toInt(), has_bias,
                                       ctx->needs_input_grad(0), ctx->needs_input_grad(1) || (has_bias && ctx->needs_input_grad(2)));
    return {gx, gw, has_bias ? gb : at::Tensor(), at::Tensor()};
  }
};

}  // namespace

c10::optional<at::Tensor> winograd_conv2d(const at::Tensor& x, const at::Tensor& kernel_hwio, const at::Tensor* bias,
                                          const int64_t* strides, const int64_t* pads, const int64_t* dilation, int64_t groups,
                                          bool relu) {
  if (!enabled()) return c10::nullopt;
  bool grads = at::GradMode::is_enabled() &&
               (x.requires_grad() || kernel_hwio.requires_grad() || (bias != nullptr && bias->requires_grad()));
  if (groups != 1 || x.dim() != 4 || kernel_hwio.dim() != 4) return c10::nullopt;
  if (x.scalar_type() != at::kFloat || kernel_hwio.scalar_type() != at::kFloat || !x.is_contiguous() || !x.device().is_cpu())
    return c10::nullopt;
  if (bias != nullptr && (bias->scalar_type() != at::kFloat || bias->dim() != 1)) return c10::nullopt;
  if (kernel_hwio.size(0) != 3 || kernel_hwio.size(1) != 3 || strides[0] != 1 || strides[1] != 1 || dilation[0] != 1 ||
      dilation[1] != 1)
    return c10::nullopt;
  int64_t pad = pads[0];
  if (pads[1] != pad || pads[2] != pad || pads[3] != pad || pad > 1) return c10::nullopt;
  int64_t n = x.size(0), h = x.size(1), w = x.size(2), c = x.size(3), k = kernel_hwio.size(3);
  if (kernel_hwio.size(2) != c || c % 16 != 0 || k % 16 != 0 || h + 2 * pad < 3 || w + 2 * pad < 3 || n == 0) return c10::nullopt;

  auto& s = state();
  bool ours = own_only.load();  // tests run our kernel where oneDNN's would run
  if (grads) {
    // training: forward, backward-data and backward-weights through Winograd too, behind an autograd Function
    if (!ours) ours = train_conv_for(s, TrainKey{n, c, h, w, k, pad, bias != nullptr, at::get_num_threads()}) == nullptr;
    if (ours) {  // no oneDNN kernel on this CPU
      calls++;
      return winograd_f43_conv2d(x, kernel_hwio, bias, pad, relu, grads);
    }
    // no bias: an empty placeholder (an undefined tensor cannot be an autograd Function's argument)
    auto y = WinogradConvFunction::apply(x, kernel_hwio, bias != nullptr ? *bias : at::empty({0}, x.options()), pad);
    if (relu) y.relu_();  // the Function saved its inputs, not its output
    return y;
  }
  Conv* conv = ours ? nullptr : conv_for(s, Key{n, c, h, w, k, pad, relu, bias != nullptr, at::get_num_threads()});
  if (conv == nullptr) {  // no oneDNN kernel on this CPU
    calls++;
    return winograd_f43_conv2d(x, kernel_hwio, bias, pad, relu, grads);
  }
  auto weights = packed_weights(s, conv->pd.weights_desc(), kernel_hwio);
  auto y = at::empty({n, h + 2 * pad - 2, w + 2 * pad - 2, k}, x.options());
  auto xs = to_layout(s, x.data_ptr(), plain({n, c, h, w}, memory::format_tag::nhwc), conv->pd.src_desc());
  at::Tensor ykeep;
  auto ys = out_buffer(s, conv->pd.dst_desc(), ykeep);
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, xs.mem}, {DNNL_ARG_WEIGHTS, memory(conv->pd.weights_desc(), s.engine, weights.data_ptr())}, {DNNL_ARG_DST, ys}};
  at::Tensor b;
  if (bias != nullptr) {
    b = bias->contiguous();
    args.emplace(DNNL_ARG_BIAS, memory(plain({k}, memory::format_tag::a), s.engine, b.data_ptr()));
  }
  conv->prim.execute(s.stream, args);
  from_layout(s, ys, y.data_ptr(), plain({n, k, y.size(1), y.size(2)}, memory::format_tag::nhwc));
  s.stream.wait();
  calls++;
  return y;
}

}  // namespace knt

extern "C" KNT_API int64_t knt_winograd_calls(void) { return knt::calls.load(); }

// Whether qualifying convolutions run Winograd: oneDNN's kernels where the CPU has them (oneDNN 2.6: AVX-512), ours
// (winograd_f43.cpp) elsewhere; 0 only when KNT_WINOGRAD=0.
extern "C" KNT_API int knt_winograd_available(void) { return knt::enabled() ? 1 : 0; }

// Tests: 1 runs our F(4×4, 3×3) even where oneDNN's kernels would run, so that both are checked on an AVX-512 machine.
extern "C" KNT_API void knt_winograd_own_only(int on) { knt::own_only.store(on != 0); }
