// Process-wide engine settings: threads, allocator tuning, denormals, seeds, diagnostics.
#include <malloc.h>
#include <omp.h>
#include <xmmintrin.h>
#include <pmmintrin.h>
#include <atomic>
#include <cstdlib>
#include <sstream>
#include <ATen/Parallel.h>
#include <ATen/CPUGeneratorImpl.h>
#include <mutex>
#include <ATen/Version.h>
#include <torch/csrc/api/include/torch/version.h>
#include <ATen/core/grad_mode.h>
#include "boundary.h"

namespace knt {

static thread_local std::string tl_error;
static thread_local bool tl_prepared = false;
std::atomic<int64_t> g_live{0};

void set_error(const char* message) { tl_error = message ? message : "unknown native error"; }

void prepare_thread() {
  if (tl_prepared) return;
  // TensorFlow's CPU kernels flush denormals; optimizer state decaying into denormals otherwise
  // slows every update several-fold. MXCSR is per thread and inherited by threads created later
  // (OpenMP workers), so it is set on every thread that calls in, before its first kernel.
  _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
  _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);
  tl_prepared = true;
}

}  // namespace knt

extern "C" {

const char* knt_last_error(void) { return knt::tl_error.c_str(); }

int knt_init(int num_threads) {
  KNT_GUARD(-1, {
    // Large tensors otherwise come from fresh mmap()s each step: a page-fault storm on every batch.
    // KERASNET_MALLOC_TUNING=0 keeps glibc's defaults (for measurements).
    const char* tuning = std::getenv("KERASNET_MALLOC_TUNING");
    if (tuning == nullptr || std::string(tuning) != "0") {
      mallopt(M_MMAP_MAX, 0);
      mallopt(M_TRIM_THRESHOLD, 1 << 30);
    }
    if (num_threads > 0) at::set_num_threads(num_threads);
    return 0;
  })
}

int knt_set_num_threads(int n) {
  KNT_GUARD(-1, {
    at::set_num_threads(n);
    return 0;
  })
}

int knt_get_num_threads(void) { return at::get_num_threads(); }

void knt_set_thread_local_threads(int n) { omp_set_num_threads(n > 0 ? n : 1); }

void knt_manual_seed(uint64_t seed) {
  try { at::manual_seed(seed); } catch (...) {}
}

int64_t knt_live_tensors(void) { return knt::g_live.load(); }

knt_tensor knt_rng_get_state(void) {
  KNT_GUARD(nullptr, {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    return knt::wrap(gen.get_state());
  })
}

int knt_rng_set_state(knt_tensor state) {
  KNT_GUARD(-1, {
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(knt::T(state));
    return 0;
  })
}

const char* knt_build_info(void) {
  static std::string info;
  try {
    std::ostringstream s;
    s << "torch " << TORCH_VERSION_MAJOR << "." << TORCH_VERSION_MINOR << "." << TORCH_VERSION_PATCH << "\n"
      << at::show_config() << at::get_parallel_info();
    info = s.str();
  } catch (...) {
    info = "unavailable";
  }
  return info.c_str();
}

int knt_set_grad_enabled(int enabled) {
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled != 0);
  return prev ? 1 : 0;
}

}  // extern "C"
