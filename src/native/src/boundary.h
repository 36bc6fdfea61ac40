// Shared helpers for the extern "C" boundary: handle <-> at::Tensor, error capture.
// Nothing may throw past an exported function: KNT_GUARD turns every exception into a stored
// message (knt_last_error) and a failure value the C# side turns into a .NET exception. Every
// exported function that can fail or runs a kernel goes through KNT_GUARD.
#pragma once
#include <ATen/ATen.h>
#include <cstdlib>
#include <string>
#include <vector>
#include "knt.h"

namespace knt {

void set_error(const char* message);
void clear_error();

// A kernel's off switch from the environment (KNT_WINOGRAD, KNT_FAST_POOL): on unless the variable is "0".
inline bool switched_on(const char* variable) {
  const char* v = std::getenv(variable);
  return v == nullptr || std::string(v) != "0";
}

// Entered by every exported function: clears the calling thread's error slot (a failure never reports an
// older call's message) and flushes denormals to zero for the kernels this call runs, as TensorFlow's CPU
// kernels do, then restores the caller's floating-point mode (MXCSR) on return, so managed code never
// runs with it. OpenMP workers are engine-owned threads: created inside a call, they inherit the mode.
class CallGuard {
 public:
  CallGuard();
  ~CallGuard();
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;

 private:
  unsigned int saved_;
};

inline at::Tensor& T(knt_tensor t) {
  if (t == nullptr) throw std::invalid_argument("null tensor handle");
  return *reinterpret_cast<at::Tensor*>(t);
}

knt_tensor wrap(at::Tensor t);

inline at::IntArrayRef dims(const int64_t* p, int n) { return at::IntArrayRef(p, static_cast<size_t>(n)); }

at::ScalarType scalar_type(int code);
int dtype_code(at::ScalarType t);

}  // namespace knt

#define KNT_GUARD(fail, ...)                                              \
  try {                                                                   \
    knt::CallGuard knt_call_guard_;                                       \
    __VA_ARGS__                                                           \
  } catch (const c10::Error& e) {                                         \
    knt::set_error(e.what_without_backtrace());                           \
    return fail;                                                          \
  } catch (const std::exception& e) {                                     \
    knt::set_error(e.what());                                             \
    return fail;                                                          \
  } catch (...) {                                                         \
    knt::set_error("unknown native error");                               \
    return fail;                                                          \
  }
