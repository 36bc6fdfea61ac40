// The C ABI between KerasNet (C#) and libtorch. Every function is noexcept at this boundary:
// failures return NULL (handles) or -1 (status codes) and leave a message for knt_last_error().
// Tensors are owned by the caller and released with knt_free. Tensors at this API are NHWC.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KNT_API __attribute__((visibility("default")))

typedef struct knt_tensor_s* knt_tensor;

// dtype codes shared with C# (DType.cs)
enum { KNT_F32 = 0, KNT_F64 = 1, KNT_I32 = 2, KNT_I64 = 3, KNT_U8 = 4, KNT_BOOL = 5, KNT_BF16 = 6, KNT_F16 = 7 };

// op codes shared with C# (Native/OpCodes.cs)
enum { KNT_ADD = 0, KNT_SUB, KNT_MUL, KNT_DIV, KNT_POW, KNT_MAXIMUM, KNT_MINIMUM, KNT_EQ, KNT_NE, KNT_GT, KNT_LT,
       KNT_GE, KNT_LE, KNT_RSUB, KNT_RDIV };
enum { KNT_NEG = 0, KNT_EXP, KNT_LOG, KNT_SQRT, KNT_SQUARE, KNT_ABS, KNT_FLOOR, KNT_ROUND, KNT_SIGN, KNT_RSQRT };
enum { KNT_SUM = 0, KNT_MEAN, KNT_MAX, KNT_MIN };
enum { KNT_COPY = 100, KNT_FILL = 101 };  // in-place extras beyond the binary codes
enum { KNT_RELU = 0, KNT_SIGMOID, KNT_TANH, KNT_SOFTPLUS, KNT_ELU, KNT_SELU, KNT_SILU, KNT_GELU, KNT_RELU6 };
enum { KNT_MAXPOOL = 0, KNT_AVGPOOL = 1 };

// Bumped whenever a signature or a meaning at this boundary changes; C# refuses a library of another version.
#define KNT_ABI_VERSION 7

// ---- runtime.cpp
KNT_API const char* knt_last_error(void);  // the calling thread's last failure; cleared by every call
KNT_API int knt_abi_version(void);
KNT_API int knt_init(int num_threads);
KNT_API int knt_set_num_threads(int n);
KNT_API int knt_get_num_threads(void);
// OpenMP threads for kernels issued from the calling thread only (input-pipeline workers use 1).
KNT_API void knt_set_thread_local_threads(int n);
// Runs part(i, ctx) for i in 0..parts-1 on the calling thread's OpenMP team, each part's kernels on its own thread
// (ATen and oneDNN run work issued inside a parallel region inline): batch-split inference. part must not throw.
KNT_API void knt_run_parts(int parts, void (*part)(int index, void* ctx), void* ctx);
KNT_API int knt_manual_seed(uint64_t seed);
// The default CPU generator's state (initializers, dropout, shuffles) as a uint8 tensor, and back.
KNT_API knt_tensor knt_rng_get_state(void);
KNT_API int knt_rng_set_state(knt_tensor state);
KNT_API int64_t knt_live_tensors(void);
KNT_API const char* knt_build_info(void);
KNT_API int knt_set_grad_enabled(int enabled);  // returns the previous state
KNT_API int knt_grad_enabled(void);             // the calling thread's grad mode

// ---- tensor.cpp
KNT_API void knt_free(knt_tensor t);
KNT_API knt_tensor knt_from_data(const void* data, const int64_t* shape, int ndim, int dtype);
KNT_API knt_tensor knt_full(const int64_t* shape, int ndim, int dtype, double value);
KNT_API knt_tensor knt_rand_uniform(const int64_t* shape, int ndim, double low, double high);
KNT_API knt_tensor knt_rand_normal(const int64_t* shape, int ndim, double mean, double stddev);
KNT_API knt_tensor knt_randperm(int64_t n);
KNT_API knt_tensor knt_arange(int64_t start, int64_t end, int dtype);
KNT_API int knt_ndim(knt_tensor t);
KNT_API int knt_shape(knt_tensor t, int64_t* out, int cap);
KNT_API int knt_dtype(knt_tensor t);
KNT_API int knt_copy_out(knt_tensor t, void* dst, int64_t nbytes);
KNT_API int knt_item(knt_tensor t, double* out);
KNT_API knt_tensor knt_to_dtype(knt_tensor t, int dtype);
KNT_API knt_tensor knt_clone(knt_tensor t);
KNT_API knt_tensor knt_detach(knt_tensor t);
KNT_API int knt_set_requires_grad(knt_tensor t, int flag);
KNT_API int knt_requires_grad(knt_tensor t);

// ---- ops.cpp: elementwise, reductions, shapes, in-place updates
KNT_API knt_tensor knt_binary(int op, knt_tensor a, knt_tensor b);
KNT_API knt_tensor knt_binary_scalar(int op, knt_tensor a, double s);
KNT_API knt_tensor knt_unary(int op, knt_tensor a);
KNT_API knt_tensor knt_clamp(knt_tensor a, double lo, double hi);
KNT_API knt_tensor knt_reduce(int op, knt_tensor a, const int64_t* dims, int ndims, int keepdim);
KNT_API knt_tensor knt_argmax(knt_tensor a, int64_t dim);
KNT_API knt_tensor knt_reshape(knt_tensor a, const int64_t* shape, int ndim);
KNT_API knt_tensor knt_permute(knt_tensor a, const int64_t* dims, int ndim);
KNT_API knt_tensor knt_contiguous(knt_tensor a);
KNT_API knt_tensor knt_narrow(knt_tensor a, int64_t dim, int64_t start, int64_t length);
KNT_API knt_tensor knt_index_select(knt_tensor a, int64_t dim, knt_tensor index);
KNT_API knt_tensor knt_cat(const knt_tensor* ts, int n, int64_t dim);
KNT_API knt_tensor knt_matmul(knt_tensor a, knt_tensor b);
KNT_API knt_tensor knt_one_hot(knt_tensor labels, int64_t num_classes);
KNT_API int knt_inplace(int op, knt_tensor self, knt_tensor other, double alpha);
KNT_API int knt_inplace_scalar(int op, knt_tensor self, double s);
KNT_API int knt_addcmul_(knt_tensor self, knt_tensor t1, knt_tensor t2, double value);
KNT_API int knt_addcdiv_(knt_tensor self, knt_tensor t1, knt_tensor t2, double value);

// ---- optimizers.cpp: fused Keras optimizer updates; 1 done, 0 not fusable (run the unfused ops), -1 error
KNT_API int knt_rmsprop_update(knt_tensor variable, knt_tensor grad, knt_tensor velocity, knt_tensor momentum,
                               double lr, double rho, double momentum_factor, double epsilon);
KNT_API int knt_adam_update(knt_tensor variable, knt_tensor grad, knt_tensor m, knt_tensor v, double alpha,
                            double beta_1, double beta_2, double epsilon);
KNT_API knt_tensor knt_zeros_like(knt_tensor t);

// ---- winograd.cpp: 3x3 convolutions through oneDNN's Winograd kernels, or ours (winograd_f43.cpp) on CPUs without them
// (taken by knt_conv2d where they apply)
KNT_API int64_t knt_winograd_calls(void);  // how many convolutions have run there in this process
KNT_API void knt_winograd_own_only(int on);  // tests: 1 runs ours even where oneDNN's kernels would
KNT_API int knt_winograd_available(void);  // 1 unless KNT_WINOGRAD is 0 (oneDNN's kernels on AVX-512, ours elsewhere)
// ---- maxpool.cpp: max pooling over non-overlapping windows without padding, ReLU fused (taken by knt_pool2d where it applies)
KNT_API int64_t knt_max_pool_windows_calls(void);  // how many poolings have run there in this process
// ---- pad.cpp: constant padding of float32 NHWC in one pass (taken by knt_pad2d and asymmetric convolution padding)
KNT_API int64_t knt_pad_nhwc_calls(void);  // how many paddings have run there in this process

// ---- nn.cpp: layers' kernels, NHWC in and out
KNT_API knt_tensor knt_conv2d(knt_tensor x, knt_tensor kernel_hwio, knt_tensor bias, const int64_t* strides,
                              const int64_t* pads /* top,bottom,left,right */, const int64_t* dilation,
                              int64_t groups, int relu /* 1: ReLU on the output, in place */);
KNT_API knt_tensor knt_pool2d(int op, knt_tensor x, const int64_t* pool, const int64_t* strides, const int64_t* pads, int relu);
KNT_API knt_tensor knt_dense(knt_tensor x, knt_tensor kernel, knt_tensor bias, int relu);
KNT_API knt_tensor knt_activation(int op, knt_tensor x);
KNT_API knt_tensor knt_softmax(knt_tensor x, int64_t dim, int log);
KNT_API knt_tensor knt_dropout(knt_tensor x, double rate, int training);
KNT_API knt_tensor knt_bce_with_logits(knt_tensor logits, knt_tensor target);

KNT_API knt_tensor knt_depthwise_conv2d(knt_tensor x, knt_tensor kernel_hwim, knt_tensor bias, const int64_t* strides,
                                        const int64_t* pads, const int64_t* dilation);
// Keras BatchNormalization over the last (channel) axis, training: normalises with the batch's statistics
// and returns them too (mean and biased variance, float32, one per channel), for the layer to move its
// moving statistics through its variables. Per-channel parameters must have one value per channel.
KNT_API knt_tensor knt_batch_norm_train(knt_tensor x, knt_tensor gamma, knt_tensor beta, double epsilon,
                                        knt_tensor* mean_out, knt_tensor* var_out);
// Inference: normalises with the moving statistics.
KNT_API knt_tensor knt_batch_norm(knt_tensor x, knt_tensor gamma, knt_tensor beta, knt_tensor moving_mean,
                                  knt_tensor moving_var, double epsilon,
                                  double clamp_lo, double clamp_hi /* a following ReLU/ReLU6; -inf, +inf: none */);
// Constant padding of an NHWC tensor: pads = (top, bottom, left, right).
KNT_API knt_tensor knt_pad2d(knt_tensor x, const int64_t* pads, double value);

// ---- image.cpp (OpenCV): images are HWC uint8 RGB tensors
// Decodes JPEG/PNG/BMP/... bytes; channels 0 = as stored (grey → 1, colour → 3, alpha → 4), 1 or 3 or 4.
KNT_API knt_tensor knt_image_decode(const uint8_t* bytes, int64_t n, int channels);
// Resizes an HWC uint8 or float image. mode 0: nearest exactly as PIL (Pillow's accumulated source coordinate, starting at scale / 2);
// 1: bilinear with half-pixel centres (TensorFlow 2's, no antialias); 2: TensorFlow 2's nearest.
KNT_API knt_tensor knt_image_resize(knt_tensor img, int64_t height, int64_t width, int mode);
// Samples an HWC float image through an inverse affine map: out(x, y) = in(m[0]x + m[1]y + m[2],
// m[3]x + m[4]y + m[5]) with (x, y) = (column, row), bilinear. border: 0 constant (cval), 1 nearest
// (edge), 2 reflect (half-sample symmetric, scipy's 'reflect'), 3 wrap.
KNT_API knt_tensor knt_image_affine(knt_tensor img, const double* m, int border, double cval);
KNT_API int knt_image_encode(knt_tensor img, const char* ext, uint8_t** out, int64_t* n);
KNT_API void knt_buffer_free(uint8_t* p);
// The decompression-bomb limit: images whose header declares more pixels are refused before decoding
// (default 178,956,970, PIL's: twice MAX_IMAGE_PIXELS; 0 = no limit). A negative limit only reads it.
KNT_API int64_t knt_image_max_pixels(int64_t limit);

// ---- h5.cpp (libhdf5): the Keras .h5 weights layout. Handles are HDF5 file ids (>= 0); -1 on error.
KNT_API int64_t knt_h5_open(const char* path, int create);
KNT_API int knt_h5_close(int64_t file);
// The bytes of a file made by knt_h5_open(create=1), which lives in memory: its size when buf is null.
KNT_API int64_t knt_h5_file_image(int64_t file, void* buf, int64_t cap);
KNT_API int knt_h5_exists(int64_t file, const char* path);
KNT_API int knt_h5_create_group(int64_t file, const char* path);
// A string-array attribute of the object at `path`, as NUL-separated strings. Returns the bytes needed
// (call again with a buffer that large), 0 for an empty attribute, -2 when absent, -1 on error.
KNT_API int64_t knt_h5_read_strings(int64_t file, const char* path, const char* attr, char* buf, int64_t cap);
KNT_API int knt_h5_write_strings(int64_t file, const char* path, const char* attr, const char* joined, int count);
KNT_API int knt_h5_write_string(int64_t file, const char* path, const char* attr, const char* value);
KNT_API int knt_h5_write_vlen_string(int64_t file, const char* path, const char* attr, const char* value);
KNT_API int knt_h5_dataset_shape(int64_t file, const char* path, int64_t* dims, int cap);
KNT_API int knt_h5_read_f32(int64_t file, const char* path, float* out, int64_t count);
KNT_API int knt_h5_write_f32(int64_t file, const char* path, const float* data, const int64_t* dims, int ndim);

// ---- autograd.cpp
// Gradients of a scalar `loss` with respect to `inputs`; unused inputs get zeros. Returns 0 or -1.
KNT_API int knt_grad(knt_tensor loss, const knt_tensor* inputs, int n, knt_tensor* grads_out);

// ---- distributed.cpp (c10d: TCPStore rendezvous, ProcessGroupGloo collectives)
typedef struct knt_group_s* knt_group;
// Joins a group of `size` processes: rank 0 hosts the store at store_host:store_port (port 0: any free
// port, bound by the store itself), and calls on_listening(port, ctx) once it listens, before waiting for
// the others; Gloo binds to local_host. Collectives fail (not hang) when a peer dies, and after
// timeout_ms at most.
typedef void (*knt_listening_fn)(int port, void* ctx);
KNT_API knt_group knt_group_create(const char* store_host, int store_port, const char* local_host, int rank, int size,
                                   int timeout_ms, knt_listening_fn on_listening, void* ctx);
KNT_API int knt_group_allreduce_sum(knt_group g, const knt_tensor* tensors, int n);  // in place, float32
KNT_API int knt_group_broadcast(knt_group g, const knt_tensor* tensors, int n, int root);  // in place
KNT_API int knt_group_barrier(knt_group g);
KNT_API void knt_group_free(knt_group g);

#ifdef __cplusplus
}
#endif
