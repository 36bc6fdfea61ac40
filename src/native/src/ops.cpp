// Elementwise math, reductions, shape ops and the in-place updates optimizers use.
#include "boundary.h"

using knt::T;
using knt::wrap;

namespace {

at::Tensor binary(int op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case KNT_ADD: return at::add(a, b);
    case KNT_SUB: return at::sub(a, b);
    case KNT_MUL: return at::mul(a, b);
    case KNT_DIV: return at::div(a, b);
    case KNT_POW: return at::pow(a, b);
    case KNT_MAXIMUM: return at::maximum(a, b);
    case KNT_MINIMUM: return at::minimum(a, b);
    case KNT_EQ: return at::eq(a, b);
    case KNT_NE: return at::ne(a, b);
    case KNT_GT: return at::gt(a, b);
    case KNT_LT: return at::lt(a, b);
    case KNT_GE: return at::ge(a, b);
    case KNT_LE: return at::le(a, b);
    case KNT_RSUB: return at::sub(b, a);
    case KNT_RDIV: return at::div(b, a);
  }
  throw std::invalid_argument("unknown binary op " + std::to_string(op));
}

at::Tensor binary_scalar(int op, const at::Tensor& a, double s) {
  switch (op) {
    case KNT_ADD: return at::add(a, s);
    case KNT_SUB: return at::sub(a, s);
    case KNT_MUL: return at::mul(a, s);
    case KNT_DIV: return at::div(a, s);
    case KNT_POW: return at::pow(a, s);
    case KNT_MAXIMUM: return at::clamp_min(a, s);
    case KNT_MINIMUM: return at::clamp_max(a, s);
    case KNT_EQ: return at::eq(a, s);
    case KNT_NE: return at::ne(a, s);
    case KNT_GT: return at::gt(a, s);
    case KNT_LT: return at::lt(a, s);
    case KNT_GE: return at::ge(a, s);
    case KNT_LE: return at::le(a, s);
    case KNT_RSUB: return at::rsub(a, s);
    case KNT_RDIV: return at::reciprocal(a).mul_(s);
  }
  throw std::invalid_argument("unknown scalar op " + std::to_string(op));
}

at::Tensor unary(int op, const at::Tensor& a) {
  switch (op) {
    case KNT_NEG: return at::neg(a);
    case KNT_EXP: return at::exp(a);
    case KNT_LOG: return at::log(a);
    case KNT_SQRT: return at::sqrt(a);
    case KNT_SQUARE: return at::square(a);
    case KNT_ABS: return at::abs(a);
    case KNT_FLOOR: return at::floor(a);
    case KNT_ROUND: return at::round(a);
    case KNT_SIGN: return at::sign(a);
    case KNT_RSQRT: return at::rsqrt(a);
  }
  throw std::invalid_argument("unknown unary op " + std::to_string(op));
}

}  // namespace

extern "C" {

knt_tensor knt_binary(int op, knt_tensor a, knt_tensor b) {
  KNT_GUARD(nullptr, { return wrap(binary(op, T(a), T(b))); })
}

knt_tensor knt_binary_scalar(int op, knt_tensor a, double s) {
  KNT_GUARD(nullptr, { return wrap(binary_scalar(op, T(a), s)); })
}

knt_tensor knt_unary(int op, knt_tensor a) {
  KNT_GUARD(nullptr, { return wrap(unary(op, T(a))); })
}

knt_tensor knt_clamp(knt_tensor a, double lo, double hi) {
  KNT_GUARD(nullptr, { return wrap(at::clamp(T(a), lo, hi)); })
}

knt_tensor knt_reduce(int op, knt_tensor a, const int64_t* dims, int ndims, int keepdim) {
  KNT_GUARD(nullptr, {
    const auto& x = T(a);
    bool all = ndims == 0;
    auto d = knt::dims(dims, ndims);
    switch (op) {
      case KNT_SUM: return wrap(all ? at::sum(x) : at::sum(x, d, keepdim != 0));
      case KNT_MEAN: return wrap(all ? at::mean(x) : at::mean(x, d, keepdim != 0));
      case KNT_MAX: return wrap(all ? at::max(x) : at::amax(x, d, keepdim != 0));
      case KNT_MIN: return wrap(all ? at::min(x) : at::amin(x, d, keepdim != 0));
    }
    throw std::invalid_argument("unknown reduction " + std::to_string(op));
  })
}

knt_tensor knt_argmax(knt_tensor a, int64_t dim) {
  KNT_GUARD(nullptr, { return wrap(at::argmax(T(a), dim)); })
}

knt_tensor knt_reshape(knt_tensor a, const int64_t* shape, int ndim) {
  KNT_GUARD(nullptr, { return wrap(at::reshape(T(a), knt::dims(shape, ndim))); })
}

knt_tensor knt_permute(knt_tensor a, const int64_t* dims, int ndim) {
  KNT_GUARD(nullptr, { return wrap(T(a).permute(knt::dims(dims, ndim))); })
}

knt_tensor knt_contiguous(knt_tensor a) {
  KNT_GUARD(nullptr, { return wrap(T(a).contiguous()); })
}

knt_tensor knt_narrow(knt_tensor a, int64_t dim, int64_t start, int64_t length) {
  KNT_GUARD(nullptr, { return wrap(T(a).narrow(dim, start, length)); })
}

knt_tensor knt_index_select(knt_tensor a, int64_t dim, knt_tensor index) {
  KNT_GUARD(nullptr, { return wrap(at::index_select(T(a), dim, T(index))); })
}

knt_tensor knt_cat(const knt_tensor* ts, int n, int64_t dim) {
  KNT_GUARD(nullptr, {
    std::vector<at::Tensor> v;
    v.reserve(n);
    for (int i = 0; i < n; i++) v.push_back(T(ts[i]));
    return wrap(at::cat(v, dim));
  })
}

knt_tensor knt_matmul(knt_tensor a, knt_tensor b) {
  KNT_GUARD(nullptr, { return wrap(at::matmul(T(a), T(b))); })
}

knt_tensor knt_one_hot(knt_tensor labels, int64_t num_classes) {
  KNT_GUARD(nullptr, { return wrap(at::one_hot(T(labels).to(at::kLong), num_classes).to(at::kFloat)); })
}

// Optimizer updates mutate variables in place, outside autograd (the caller disables grad mode).
int knt_inplace(int op, knt_tensor self, knt_tensor other, double alpha) {
  KNT_GUARD(-1, {
    auto& s = T(self);
    const auto& o = T(other);
    switch (op) {
      case KNT_ADD: s.add_(o, alpha); break;
      case KNT_SUB: s.sub_(o, alpha); break;
      case KNT_MUL: s.mul_(o); break;
      case KNT_DIV: s.div_(o); break;
      case KNT_MAXIMUM: at::maximum_out(s, s, o); break;
      case KNT_COPY: s.copy_(o); break;
      default: throw std::invalid_argument("unknown in-place op " + std::to_string(op));
    }
    return 0;
  })
}

int knt_inplace_scalar(int op, knt_tensor self, double v) {
  KNT_GUARD(-1, {
    auto& s = T(self);
    switch (op) {
      case KNT_ADD: s.add_(v); break;
      case KNT_MUL: s.mul_(v); break;
      case KNT_FILL: s.fill_(v); break;
      default: throw std::invalid_argument("unknown in-place scalar op " + std::to_string(op));
    }
    return 0;
  })
}

int knt_addcmul_(knt_tensor self, knt_tensor t1, knt_tensor t2, double value) {
  KNT_GUARD(-1, {
    T(self).addcmul_(T(t1), T(t2), value);
    return 0;
  })
}

int knt_addcdiv_(knt_tensor self, knt_tensor t1, knt_tensor t2, double value) {
  KNT_GUARD(-1, {
    T(self).addcdiv_(T(t1), T(t2), value);
    return 0;
  })
}

}  // extern "C"
