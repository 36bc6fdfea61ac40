using System.Runtime.InteropServices;

namespace KerasNet.Native;

/// <summary>
/// Every P/Invoke declaration of the library: the C ABI of src/native/include/knt.h.
/// Handle-returning functions return IntPtr.Zero on failure and status functions -1;
/// the message is then in <see cref="knt_last_error"/> (thread-local on the native side).
/// </summary>
internal static unsafe class NativeMethods
{
    private const string Lib = "kntnative";

    // runtime.cpp
    [DllImport(Lib)] internal static extern IntPtr knt_last_error();
    [DllImport(Lib)] internal static extern int knt_abi_version();
    [DllImport(Lib)] internal static extern int knt_init(int numThreads);
    [DllImport(Lib)] internal static extern int knt_set_num_threads(int n);
    [DllImport(Lib)] internal static extern int knt_get_num_threads();
    [DllImport(Lib)] internal static extern void knt_set_thread_local_threads(int n);
    [DllImport(Lib)] internal static extern unsafe void knt_run_parts(int parts, delegate* unmanaged[Cdecl]<int, IntPtr, void> part, IntPtr ctx);
    [DllImport(Lib)] internal static extern int knt_manual_seed(ulong seed);
    [DllImport(Lib)] internal static extern long knt_live_tensors();
    [DllImport(Lib)] internal static extern IntPtr knt_rng_get_state();
    [DllImport(Lib)] internal static extern int knt_rng_set_state(TensorHandle state);
    [DllImport(Lib)] internal static extern IntPtr knt_build_info();
    [DllImport(Lib)] internal static extern int knt_set_grad_enabled(int enabled);
    [DllImport(Lib)] internal static extern int knt_grad_enabled();

    // tensor.cpp
    [DllImport(Lib)] internal static extern void knt_free(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr knt_from_data(void* data, long* shape, int ndim, int dtype);
    [DllImport(Lib)] internal static extern IntPtr knt_full(long* shape, int ndim, int dtype, double value);
    [DllImport(Lib)] internal static extern IntPtr knt_rand_uniform(long* shape, int ndim, double low, double high);
    [DllImport(Lib)] internal static extern IntPtr knt_rand_normal(long* shape, int ndim, double mean, double stddev);
    [DllImport(Lib)] internal static extern IntPtr knt_randperm(long n);
    [DllImport(Lib)] internal static extern IntPtr knt_arange(long start, long end, int dtype);
    [DllImport(Lib)] internal static extern int knt_ndim(TensorHandle t);
    [DllImport(Lib)] internal static extern int knt_shape(TensorHandle t, long* output, int cap);
    [DllImport(Lib)] internal static extern int knt_dtype(TensorHandle t);
    [DllImport(Lib)] internal static extern int knt_copy_out(TensorHandle t, void* dst, long nbytes);
    [DllImport(Lib)] internal static extern int knt_item(TensorHandle t, out double value);
    [DllImport(Lib)] internal static extern IntPtr knt_to_dtype(TensorHandle t, int dtype);
    [DllImport(Lib)] internal static extern IntPtr knt_clone(TensorHandle t);
    [DllImport(Lib)] internal static extern IntPtr knt_detach(TensorHandle t);
    [DllImport(Lib)] internal static extern int knt_set_requires_grad(TensorHandle t, int flag);
    [DllImport(Lib)] internal static extern int knt_requires_grad(TensorHandle t);

    // ops.cpp
    [DllImport(Lib)] internal static extern IntPtr knt_binary(int op, TensorHandle a, TensorHandle b);
    [DllImport(Lib)] internal static extern IntPtr knt_binary_scalar(int op, TensorHandle a, double s);
    [DllImport(Lib)] internal static extern IntPtr knt_unary(int op, TensorHandle a);
    [DllImport(Lib)] internal static extern IntPtr knt_clamp(TensorHandle a, double lo, double hi);
    [DllImport(Lib)] internal static extern IntPtr knt_reduce(int op, TensorHandle a, long* dims, int ndims, int keepdim);
    [DllImport(Lib)] internal static extern IntPtr knt_argmax(TensorHandle a, long dim);
    [DllImport(Lib)] internal static extern IntPtr knt_reshape(TensorHandle a, long* shape, int ndim);
    [DllImport(Lib)] internal static extern IntPtr knt_permute(TensorHandle a, long* dims, int ndim);
    [DllImport(Lib)] internal static extern IntPtr knt_contiguous(TensorHandle a);
    [DllImport(Lib)] internal static extern IntPtr knt_narrow(TensorHandle a, long dim, long start, long length);
    [DllImport(Lib)] internal static extern IntPtr knt_index_select(TensorHandle a, long dim, TensorHandle index);
    [DllImport(Lib)] internal static extern IntPtr knt_cat(IntPtr* tensors, int n, long dim);
    [DllImport(Lib)] internal static extern IntPtr knt_matmul(TensorHandle a, TensorHandle b);
    [DllImport(Lib)] internal static extern IntPtr knt_one_hot(TensorHandle labels, long numClasses);
    [DllImport(Lib)] internal static extern int knt_inplace(int op, TensorHandle self, TensorHandle other, double alpha);
    [DllImport(Lib)] internal static extern int knt_inplace_scalar(int op, TensorHandle self, double value);
    [DllImport(Lib)] internal static extern int knt_addcmul_(TensorHandle self, TensorHandle t1, TensorHandle t2, double value);
    [DllImport(Lib)] internal static extern int knt_addcdiv_(TensorHandle self, TensorHandle t1, TensorHandle t2, double value);

    // optimizers.cpp
    [DllImport(Lib)] internal static extern int knt_rmsprop_update(TensorHandle variable, TensorHandle grad, TensorHandle velocity,
        IntPtr momentum, double lr, double rho, double momentumFactor, double epsilon);
    [DllImport(Lib)] internal static extern int knt_adam_update(TensorHandle variable, TensorHandle grad, TensorHandle m, TensorHandle v,
        double alpha, double beta1, double beta2, double epsilon);
    [DllImport(Lib)] internal static extern IntPtr knt_zeros_like(TensorHandle t);

    // winograd.cpp
    [DllImport(Lib)] internal static extern long knt_winograd_calls();
    [DllImport(Lib)] internal static extern int knt_winograd_available();
    [DllImport(Lib)] internal static extern void knt_winograd_own_only(int on);

    // maxpool.cpp
    [DllImport(Lib)] internal static extern long knt_max_pool_windows_calls();

    // pad.cpp
    [DllImport(Lib)] internal static extern long knt_pad_nhwc_calls();

    // nn.cpp
    [DllImport(Lib)] internal static extern IntPtr knt_conv2d(TensorHandle x, TensorHandle kernel, IntPtr bias,
        long* strides, long* pads, long* dilation, long groups, int relu);
    [DllImport(Lib)] internal static extern IntPtr knt_pool2d(int op, TensorHandle x, long* pool, long* strides, long* pads, int relu);
    [DllImport(Lib)] internal static extern IntPtr knt_dense(TensorHandle x, TensorHandle kernel, IntPtr bias, int relu);
    [DllImport(Lib)] internal static extern IntPtr knt_activation(int op, TensorHandle x);
    [DllImport(Lib)] internal static extern IntPtr knt_softmax(TensorHandle x, long dim, int log);
    [DllImport(Lib)] internal static extern IntPtr knt_dropout(TensorHandle x, double rate, int training);
    [DllImport(Lib)] internal static extern IntPtr knt_bce_with_logits(TensorHandle logits, TensorHandle target);

    [DllImport(Lib)] internal static extern IntPtr knt_depthwise_conv2d(TensorHandle x, TensorHandle kernel, IntPtr bias,
        long* strides, long* pads, long* dilation);
    [DllImport(Lib)] internal static extern IntPtr knt_batch_norm_train(TensorHandle x, IntPtr gamma, IntPtr beta, double epsilon,
        out IntPtr meanOut, out IntPtr varOut);
    [DllImport(Lib)] internal static extern IntPtr knt_batch_norm(TensorHandle x, IntPtr gamma, IntPtr beta,
        TensorHandle movingMean, TensorHandle movingVar, double epsilon, double clampLo, double clampHi);
    [DllImport(Lib)] internal static extern IntPtr knt_pad2d(TensorHandle x, long* pads, double value);

    // image.cpp
    [DllImport(Lib)] internal static extern IntPtr knt_image_decode(byte* bytes, long n, int channels);
    [DllImport(Lib)] internal static extern IntPtr knt_image_resize(TensorHandle img, long height, long width, int mode);
    [DllImport(Lib)] internal static extern int knt_image_encode(TensorHandle img, [MarshalAs(UnmanagedType.LPUTF8Str)] string ext,
        out IntPtr output, out long n);
    [DllImport(Lib)] internal static extern void knt_buffer_free(IntPtr p);
    [DllImport(Lib)] internal static extern long knt_image_max_pixels(long limit);
    [DllImport(Lib)] internal static extern IntPtr knt_image_affine(TensorHandle img, double* m, int border, double cval);

    // h5.cpp (file ids are owned by H5FileHandle)
    [DllImport(Lib)] internal static extern H5FileHandle knt_h5_open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int create);
    [DllImport(Lib)] internal static extern int knt_h5_close(IntPtr file);
    [DllImport(Lib)] internal static extern unsafe long knt_h5_file_image(H5FileHandle file, byte* buf, long cap);
    [DllImport(Lib)] internal static extern int knt_h5_exists(H5FileHandle file, [MarshalAs(UnmanagedType.LPUTF8Str)] string path);
    [DllImport(Lib)] internal static extern int knt_h5_create_group(H5FileHandle file, [MarshalAs(UnmanagedType.LPUTF8Str)] string path);
    [DllImport(Lib)] internal static extern long knt_h5_read_strings(H5FileHandle file, [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string attr, byte* buf, long cap);
    [DllImport(Lib)] internal static extern int knt_h5_write_strings(H5FileHandle file, [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string attr, byte* joined, int count);
    [DllImport(Lib)] internal static extern int knt_h5_write_string(H5FileHandle file, [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string attr, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);
    [DllImport(Lib)] internal static extern int knt_h5_write_vlen_string(H5FileHandle file, [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string attr, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);
    [DllImport(Lib)] internal static extern int knt_h5_dataset_shape(H5FileHandle file, [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        long* dims, int cap);
    [DllImport(Lib)] internal static extern int knt_h5_read_f32(H5FileHandle file, [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        float* output, long count);
    [DllImport(Lib)] internal static extern int knt_h5_write_f32(H5FileHandle file, [MarshalAs(UnmanagedType.LPUTF8Str)] string path,
        float* data, long* dims, int ndim);

    // autograd.cpp
    [DllImport(Lib)] internal static extern int knt_grad(TensorHandle loss, IntPtr* inputs, int n, IntPtr* gradsOut);

    // distributed.cpp
    [DllImport(Lib)] internal static extern IntPtr knt_group_create([MarshalAs(UnmanagedType.LPUTF8Str)] string storeHost, int storePort,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string localHost, int rank, int size, int timeoutMs,
        delegate* unmanaged[Cdecl]<int, IntPtr, void> onListening, IntPtr ctx);
    [DllImport(Lib)] internal static extern int knt_group_allreduce_sum(ProcessGroupHandle g, IntPtr* tensors, int n);
    [DllImport(Lib)] internal static extern int knt_group_broadcast(ProcessGroupHandle g, IntPtr* tensors, int n, int root);
    [DllImport(Lib)] internal static extern int knt_group_barrier(ProcessGroupHandle g);
    [DllImport(Lib)] internal static extern void knt_group_free(IntPtr g);

    internal static string LastError() => Marshal.PtrToStringUTF8(knt_last_error()) ?? "unknown native error";
}
