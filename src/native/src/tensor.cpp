// Tensor handles: creation, data in and out, metadata.
#include <atomic>
#include <cstring>
#include "boundary.h"

namespace knt {

extern std::atomic<int64_t> g_live;

knt_tensor wrap(at::Tensor t) {
  auto* p = new at::Tensor(std::move(t));
  g_live.fetch_add(1, std::memory_order_relaxed);
  return reinterpret_cast<knt_tensor>(p);
}

at::ScalarType scalar_type(int code) {
  switch (code) {
    case KNT_F32: return at::kFloat;
    case KNT_F64: return at::kDouble;
    case KNT_I32: return at::kInt;
    case KNT_I64: return at::kLong;
    case KNT_U8: return at::kByte;
    case KNT_BOOL: return at::kBool;
    case KNT_BF16: return at::kBFloat16;
    case KNT_F16: return at::kHalf;
  }
  throw std::invalid_argument("unknown dtype code " + std::to_string(code));
}

int dtype_code(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return KNT_F32;
    case at::kDouble: return KNT_F64;
    case at::kInt: return KNT_I32;
    case at::kLong: return KNT_I64;
    case at::kByte: return KNT_U8;
    case at::kBool: return KNT_BOOL;
    case at::kBFloat16: return KNT_BF16;
    case at::kHalf: return KNT_F16;
    default: return -1;
  }
}

}  // namespace knt

using knt::T;
using knt::wrap;

extern "C" {

void knt_free(knt_tensor t) {
  if (t == nullptr) return;
  delete reinterpret_cast<at::Tensor*>(t);
  knt::g_live.fetch_sub(1, std::memory_order_relaxed);
}

knt_tensor knt_from_data(const void* data, const int64_t* shape, int ndim, int dtype) {
  KNT_GUARD(nullptr, {
    auto t = at::empty(knt::dims(shape, ndim), at::TensorOptions().dtype(knt::scalar_type(dtype)));
    if (t.numel() > 0) std::memcpy(t.data_ptr(), data, t.numel() * t.element_size());
    return wrap(std::move(t));
  })
}

knt_tensor knt_full(const int64_t* shape, int ndim, int dtype, double value) {
  KNT_GUARD(nullptr, {
    return wrap(at::full(knt::dims(shape, ndim), value, at::TensorOptions().dtype(knt::scalar_type(dtype))));
  })
}

knt_tensor knt_rand_uniform(const int64_t* shape, int ndim, double low, double high) {
  KNT_GUARD(nullptr, { return wrap(at::empty(knt::dims(shape, ndim), at::kFloat).uniform_(low, high)); })
}

knt_tensor knt_rand_normal(const int64_t* shape, int ndim, double mean, double stddev) {
  KNT_GUARD(nullptr, { return wrap(at::empty(knt::dims(shape, ndim), at::kFloat).normal_(mean, stddev)); })
}

knt_tensor knt_randperm(int64_t n) {
  KNT_GUARD(nullptr, { return wrap(at::randperm(n, at::kLong)); })
}

knt_tensor knt_arange(int64_t start, int64_t end, int dtype) {
  KNT_GUARD(nullptr, { return wrap(at::arange(start, end, at::TensorOptions().dtype(knt::scalar_type(dtype)))); })
}

int knt_ndim(knt_tensor t) {
  KNT_GUARD(-1, { return static_cast<int>(T(t).dim()); })
}

int knt_shape(knt_tensor t, int64_t* out, int cap) {
  KNT_GUARD(-1, {
    auto s = T(t).sizes();
    int n = static_cast<int>(s.size());
    for (int i = 0; i < n && i < cap; i++) out[i] = s[i];
    return n;
  })
}

int knt_dtype(knt_tensor t) {
  KNT_GUARD(-1, {
    int code = knt::dtype_code(T(t).scalar_type());
    TORCH_CHECK(code >= 0, "dtype ", T(t).scalar_type(), " has no KerasNet dtype code");
    return code;
  })
}

int knt_copy_out(knt_tensor t, void* dst, int64_t nbytes) {
  KNT_GUARD(-1, {
    auto c = T(t).detach().contiguous();
    int64_t need = c.numel() * c.element_size();
    TORCH_CHECK(need == nbytes, "copy_out: tensor has ", need, " bytes, destination has ", nbytes);
    if (need > 0) std::memcpy(dst, c.data_ptr(), need);
    return 0;
  })
}

int knt_item(knt_tensor t, double* out) {
  KNT_GUARD(-1, {
    *out = T(t).item<double>();
    return 0;
  })
}

knt_tensor knt_to_dtype(knt_tensor t, int dtype) {
  KNT_GUARD(nullptr, { return wrap(T(t).to(knt::scalar_type(dtype))); })
}

knt_tensor knt_clone(knt_tensor t) {
  KNT_GUARD(nullptr, { return wrap(T(t).clone()); })
}

knt_tensor knt_detach(knt_tensor t) {
  KNT_GUARD(nullptr, { return wrap(T(t).detach()); })
}

int knt_set_requires_grad(knt_tensor t, int flag) {
  KNT_GUARD(-1, {
    T(t).requires_grad_(flag != 0);
    return 0;
  })
}

int knt_requires_grad(knt_tensor t) {
  KNT_GUARD(-1, { return T(t).requires_grad() ? 1 : 0; })
}

}  // extern "C"
