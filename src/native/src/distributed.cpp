// Multi-process collectives through libtorch's c10d: rendezvous on a TCPStore (rank 0 hosts it),
// all-reduce and broadcast through ProcessGroupGloo. A peer that dies closes its sockets, so the
// next collective fails here with Gloo's message instead of hanging; `timeout_ms` bounds the rest.
#include <algorithm>
#include <chrono>
#include <memory>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include "boundary.h"

using knt::T;

struct knt_group_s {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
  int rank = 0;
  int size = 1;
};

namespace {

// The tensors of one dtype as one flat buffer: one collective instead of one per tensor. The values
// keep their dtype (a collective never converts).
at::Tensor coalesced(const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> flat;
  flat.reserve(tensors.size());
  for (const auto& t : tensors) flat.push_back(t.detach().reshape({-1}));
  return at::cat(flat);
}

// Copies the buffer's pieces back into the tensors, in place.
void scatter_back(const at::Tensor& buffer, const std::vector<at::Tensor>& tensors) {
  at::NoGradGuard no_grad;
  int64_t offset = 0;
  for (auto t : tensors) {
    int64_t len = t.numel();
    t.copy_(buffer.narrow(0, offset, len).view(t.sizes()));
    offset += len;
  }
}

std::vector<at::Tensor> gather(const knt_tensor* tensors, int n) {
  TORCH_CHECK(n >= 0 && (n == 0 || tensors != nullptr), "null tensor array");
  std::vector<at::Tensor> ts;
  ts.reserve(n);
  for (int i = 0; i < n; i++) ts.push_back(T(tensors[i]));
  return ts;
}

}  // namespace

extern "C" {

knt_group knt_group_create(const char* store_host, int store_port, const char* local_host, int rank, int size,
                           int timeout_ms, knt_listening_fn on_listening, void* ctx) {
  KNT_GUARD(nullptr, {
    TORCH_CHECK(size >= 1 && rank >= 0 && rank < size, "rank ", rank, " is not in a group of ", size);
    TORCH_CHECK(store_port >= 0 && store_port < 65536, "port ", store_port, " is out of range");
    TORCH_CHECK(store_port > 0 || rank == 0, "worker ", rank, " cannot join a rendezvous at port 0 (only the host, rank 0, ",
                "may ask for any free port)");
    auto timeout = std::chrono::milliseconds(timeout_ms);
    c10d::TCPStoreOptions opts;
    opts.port = static_cast<std::uint16_t>(store_port);  // 0 on rank 0: the kernel picks a free port
    opts.isServer = rank == 0;
    opts.numWorkers = static_cast<std::size_t>(size);
    opts.waitWorkers = false;  // Gloo's rendezvous below waits for every rank (within the timeout)
    opts.timeout = timeout;
    auto g = std::make_unique<knt_group_s>();
    auto store = c10::make_intrusive<c10d::TCPStore>(std::string(store_host), opts);
    if (rank == 0 && on_listening != nullptr) on_listening(static_cast<int>(store->getPort()), ctx);
    g->store = store;
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(local_host));
    options->threads = 2;
    g->group = c10::make_intrusive<c10d::ProcessGroupGloo>(g->store, rank, size, options);
    g->rank = rank;
    g->size = size;
    return g.release();
  })
}

// Sums each tensor over the group, in place (one coalesced buffer per dtype, one collective).
int knt_group_allreduce_sum(knt_group g, const knt_tensor* tensors, int n) {
  KNT_GUARD(-1, {
    TORCH_CHECK(g != nullptr, "null process group");
    if (n == 0) return 0;
    auto ts = gather(tensors, n);
    for (int i = 0; i < n; i++)
      TORCH_CHECK(ts[i].scalar_type() == at::kFloat, "all-reduce takes float32 tensors, tensor ", i, " is ",
                  ts[i].scalar_type());
    std::vector<at::Tensor> buffer{coalesced(ts)};
    g->group->allreduce(buffer)->wait();
    scatter_back(buffer[0], ts);
    return 0;
  })
}

// Copies rank `root`'s values of the tensors into every rank's, in place.
int knt_group_broadcast(knt_group g, const knt_tensor* tensors, int n, int root) {
  KNT_GUARD(-1, {
    TORCH_CHECK(g != nullptr, "null process group");
    TORCH_CHECK(root >= 0 && root < g->size, "broadcast: root ", root, " is not a rank of a group of ", g->size);
    if (n == 0) return 0;
    auto ts = gather(tensors, n);
    // one buffer per dtype, in the order the dtypes first appear (the same on every rank)
    std::vector<at::ScalarType> order;
    for (const auto& t : ts)
      if (std::find(order.begin(), order.end(), t.scalar_type()) == order.end()) order.push_back(t.scalar_type());
    c10d::BroadcastOptions opts;
    opts.rootRank = root;
    for (auto type : order) {
      std::vector<at::Tensor> same;
      for (const auto& t : ts)
        if (t.scalar_type() == type) same.push_back(t);
      std::vector<at::Tensor> buffer{coalesced(same)};
      g->group->broadcast(buffer, opts)->wait();
      scatter_back(buffer[0], same);
    }
    return 0;
  })
}

int knt_group_barrier(knt_group g) {
  KNT_GUARD(-1, {
    TORCH_CHECK(g != nullptr, "null process group");
    g->group->barrier()->wait();
    return 0;
  })
}

void knt_group_free(knt_group g) {
  try {
    delete g;
  } catch (...) {
  }
}

}  // extern "C"
