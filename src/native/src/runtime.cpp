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
std::atomic<int64_t> g_live{0};

void set_error(const char* message) { tl_error = message ? message : "unknown native error"; }

void clear_error() { tl_error.clear(); }

// MXCSR bits: flush-to-zero (15) and denormals-are-zero (6).
constexpr unsigned int kFlushDenormals = 0x8040;

CallGuard::CallGuard() : saved_(_mm_getcsr()) {
  clear_error();
  if ((saved_ & kFlushDenormals) != kFlushDenormals) _mm_setcsr(saved_ | kFlushDenormals);
}

CallGuard::~CallGuard() {
  if (_mm_getcsr() != saved_) _mm_setcsr(saved_);
}

// The OpenMP pool's threads belong to the engine: flush denormals on each of them once. Threads the
// pool adds later are created inside a guarded call and inherit the mode.
void flush_pool_threads() {
#pragma omp parallel
  { _mm_setcsr(_mm_getcsr() | kFlushDenormals); }
}

}  // namespace knt

extern "C" {

const char* knt_last_error(void) { return knt::tl_error.c_str(); }

int knt_abi_version(void) { return KNT_ABI_VERSION; }

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
    knt::flush_pool_threads();
    return 0;
  })
}

int knt_set_num_threads(int n) {
  KNT_GUARD(-1, {
    TORCH_CHECK(n >= 1, "set_num_threads: threads must be >= 1, got ", n);
    at::set_num_threads(n);
    return 0;
  })
}

int knt_get_num_threads(void) {
  KNT_GUARD(-1, { return at::get_num_threads(); })
}

void knt_set_thread_local_threads(int n) { omp_set_num_threads(n > 0 ? n : 1); }

void knt_run_parts(int parts, void (*part)(int index, void* ctx), void* ctx) {
  if (parts < 1) return;
#pragma omp parallel num_threads(parts)
  {
    omp_set_num_threads(1);  // this implicit task's own setting: what a part issues runs on its thread
    for (int i = omp_get_thread_num(); i < parts; i += omp_get_num_threads()) part(i, ctx);
  }
}

int knt_manual_seed(uint64_t seed) {
  KNT_GUARD(-1, {
    at::manual_seed(seed);
    return 0;
  })
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
  // computed once (C++11 static initialisation is thread-safe); the string then never changes
  static const std::string info = [] {
    try {
      std::ostringstream s;
      s << "torch " << TORCH_VERSION_MAJOR << "." << TORCH_VERSION_MINOR << "." << TORCH_VERSION_PATCH << "\n"
        << at::show_config() << at::get_parallel_info();
      return s.str();
    } catch (...) {
      return std::string("unavailable");
    }
  }();
  return info.c_str();
}

int knt_set_grad_enabled(int enabled) {
  knt::clear_error();
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled != 0);
  return prev ? 1 : 0;
}

int knt_grad_enabled(void) { return at::GradMode::is_enabled() ? 1 : 0; }

}  // extern "C"
