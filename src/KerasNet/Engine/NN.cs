using KerasNet.Native;

namespace KerasNet.Engine;

/// <summary>
/// The engine kernels layers are built from. Image tensors are NHWC, kernels are in Keras's layout
/// (HWIO for convolutions, (in, out) for dense), so weights need no conversion to save or load.
/// </summary>
public static class NN
{
    /// <summary>
    /// How many convolutions have run through Winograd (oneDNN's kernels or ours) in this process: 3×3, stride 1, symmetric padding,
    /// channels a multiple of 16, float32, padding at most 1 (inference and training); the others run direct.
    /// </summary>
    internal static long WinogradCalls => NativeMethods.knt_winograd_calls();

    /// <summary>Whether qualifying convolutions run Winograd (oneDNN's kernels on AVX-512, ours elsewhere): unless KNT_WINOGRAD is 0.</summary>
    internal static bool WinogradAvailable => NativeMethods.knt_winograd_available() == 1;

    /// <summary>Tests: run our own Winograd F(4×4, 3×3) even where oneDNN's kernels would (both checked on an AVX-512 machine).</summary>
    internal static bool WinogradOwnOnly { set => NativeMethods.knt_winograd_own_only(value ? 1 : 0); }

    /// <summary>
    /// How many max poolings have run through the one-pass kernel in this process (float32, stride = window, no padding:
    /// Keras's MaxPooling2D default, a following ReLU inside); the others run libtorch's pooling.
    /// </summary>
    internal static long MaxPoolWindowsCalls => NativeMethods.knt_max_pool_windows_calls();

    /// <summary>How many constant paddings have run in one pass (pad.cpp) in this process (tests check the fast path ran).</summary>
    internal static long PadNhwcCalls => NativeMethods.knt_pad_nhwc_calls();

    /// <summary>
    /// 2-D convolution. <paramref name="pads"/> = (top, bottom, left, right), possibly asymmetric as TensorFlow's 'same'.
    /// <paramref name="relu"/>: ReLU applied to the output in the same call, in place (no second output-sized tensor).
    /// </summary>
    public static unsafe Tensor Conv2D(Tensor x, Tensor kernelHwio, Tensor? bias, (int H, int W) strides,
        (int Top, int Bottom, int Left, int Right) pads, (int H, int W) dilation, int groups = 1, bool relu = false)
    {
        long* s = stackalloc long[] { strides.H, strides.W };
        long* p = stackalloc long[] { pads.Top, pads.Bottom, pads.Left, pads.Right };
        long* d = stackalloc long[] { dilation.H, dilation.W };
        using var b = new Optional(bias);
        var raw = NativeMethods.knt_conv2d(x.Handle, kernelHwio.Handle, b.Raw, s, p, d, groups, relu ? 1 : 0);
        return Tensor.Wrap(raw, "conv2d", x, kernelHwio, bias);
    }

    /// <summary>Depthwise 2-D convolution; kernel shaped (kh, kw, in, depth_multiplier) as Keras stores it.</summary>
    public static unsafe Tensor DepthwiseConv2D(Tensor x, Tensor kernel, Tensor? bias, (int H, int W) strides,
        (int Top, int Bottom, int Left, int Right) pads, (int H, int W) dilation)
    {
        long* s = stackalloc long[] { strides.H, strides.W };
        long* p = stackalloc long[] { pads.Top, pads.Bottom, pads.Left, pads.Right };
        long* d = stackalloc long[] { dilation.H, dilation.W };
        using var b = new Optional(bias);
        var raw = NativeMethods.knt_depthwise_conv2d(x.Handle, kernel.Handle, b.Raw, s, p, d);
        return Tensor.Wrap(raw, "depthwise_conv2d", x, kernel, bias);
    }

    /// <summary>Keras's batch normalization over the last axis with given (moving) statistics: inference.</summary>
    public static Tensor BatchNorm(Tensor x, Tensor? gamma, Tensor? beta, Tensor movingMean, Tensor movingVar, double epsilon,
        (double Low, double High)? clamp = null)
    {
        using var g = new Optional(gamma);
        using var b = new Optional(beta);
        var (lo, hi) = clamp ?? (double.NegativeInfinity, double.PositiveInfinity);
        var raw = NativeMethods.knt_batch_norm(x.Handle, g.Raw, b.Raw, movingMean.Handle, movingVar.Handle, epsilon, lo, hi);
        return Tensor.Wrap(raw, "batch_norm", x, movingMean, gamma);
    }

    /// <summary>
    /// Keras's batch normalization over the last axis while training: normalised with the batch's own
    /// statistics, which are returned too (float32 mean and biased variance per channel) for the layer
    /// to move its moving statistics.
    /// </summary>
    public static (Tensor Output, Tensor Mean, Tensor Variance) BatchNormTraining(Tensor x, Tensor? gamma, Tensor? beta, double epsilon)
    {
        using var g = new Optional(gamma);
        using var b = new Optional(beta);
        var raw = NativeMethods.knt_batch_norm_train(x.Handle, g.Raw, b.Raw, epsilon, out var mean, out var variance);
        var y = Tensor.Wrap(raw, "batch_norm", x, gamma, beta);
        return (y, Tensor.WrapUnchecked(mean, "batch_norm_mean"), Tensor.WrapUnchecked(variance, "batch_norm_variance"));
    }

    /// <summary>Pads an NHWC tensor's height and width with a constant.</summary>
    public static unsafe Tensor Pad2D(Tensor x, (int Top, int Bottom, int Left, int Right) pads, double value = 0)
    {
        long* p = stackalloc long[] { pads.Top, pads.Bottom, pads.Left, pads.Right };
        return Tensor.Wrap(NativeMethods.knt_pad2d(x.Handle, p, value), "pad2d", x);
    }

    /// <summary>Max pooling; <paramref name="relu"/>: ReLU applied to the pooled values in the same call, in place.</summary>
    public static Tensor MaxPool2D(Tensor x, (int H, int W) pool, (int H, int W) strides,
        (int Top, int Bottom, int Left, int Right) pads, bool relu = false) => Pool(PoolOp.Max, "max_pool2d", x, pool, strides, pads, relu);

    /// <summary>Average pooling that, like TensorFlow, averages over real (unpadded) cells only.</summary>
    public static Tensor AvgPool2D(Tensor x, (int H, int W) pool, (int H, int W) strides,
        (int Top, int Bottom, int Left, int Right) pads) => Pool(PoolOp.Avg, "avg_pool2d", x, pool, strides, pads);

    private static unsafe Tensor Pool(PoolOp op, string name, Tensor x, (int H, int W) pool, (int H, int W) strides,
        (int Top, int Bottom, int Left, int Right) pads, bool relu = false)
    {
        long* k = stackalloc long[] { pool.H, pool.W };
        long* s = stackalloc long[] { strides.H, strides.W };
        long* p = stackalloc long[] { pads.Top, pads.Bottom, pads.Left, pads.Right };
        return Tensor.Wrap(NativeMethods.knt_pool2d((int)op, x.Handle, k, s, p, relu ? 1 : 0), name, x);
    }

    /// <summary>x · kernel + bias with kernel shaped (in, out), as Keras stores it; <paramref name="relu"/>: ReLU in the same call.</summary>
    public static Tensor Dense(Tensor x, Tensor kernel, Tensor? bias, bool relu = false)
    {
        using var b = new Optional(bias);
        var raw = NativeMethods.knt_dense(x.Handle, kernel.Handle, b.Raw, relu ? 1 : 0);
        return Tensor.Wrap(raw, "dense", x, kernel, bias);
    }

    // An optional input travels as a raw pointer (a SafeHandle argument cannot be null), its handle held
    // by a reference for the call, so neither Dispose on another thread nor the finalizer frees it meanwhile;
    // a disposed tensor is an ObjectDisposedException here, never a dangling pointer.
    internal readonly struct Optional : IDisposable
    {
        private readonly TensorHandle? _handle;

        public Optional(Tensor? t)
        {
            Raw = IntPtr.Zero;
            _handle = null;
            if (t is null) return;
            bool added = false;
            var h = t.Handle;  // a disposed tensor throws here, saying how to keep one alive
            try
            {
                h.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                throw new ObjectDisposedException(nameof(Tensor), "An input tensor was disposed while the call began.");
            }
            _handle = h;
            Raw = h.DangerousGetHandle();
        }

        public IntPtr Raw { get; }

        public void Dispose() => _handle?.DangerousRelease();
    }

    private static Tensor Act(ActivationOp op, string name, Tensor x) =>
        Tensor.Wrap(NativeMethods.knt_activation((int)op, x.Handle), name, x);

    public static Tensor Relu(Tensor x) => Act(ActivationOp.Relu, "relu", x);
    public static Tensor Sigmoid(Tensor x) => Act(ActivationOp.Sigmoid, "sigmoid", x);
    public static Tensor Tanh(Tensor x) => Act(ActivationOp.Tanh, "tanh", x);
    public static Tensor Softplus(Tensor x) => Act(ActivationOp.Softplus, "softplus", x);
    public static Tensor Elu(Tensor x) => Act(ActivationOp.Elu, "elu", x);
    public static Tensor Selu(Tensor x) => Act(ActivationOp.Selu, "selu", x);
    public static Tensor Silu(Tensor x) => Act(ActivationOp.Silu, "silu", x);
    public static Tensor Gelu(Tensor x) => Act(ActivationOp.Gelu, "gelu", x);
    public static Tensor Relu6(Tensor x) => Act(ActivationOp.Relu6, "relu6", x);

    public static Tensor Softmax(Tensor x, int axis = -1) =>
        Tensor.Wrap(NativeMethods.knt_softmax(x.Handle, axis, 0), "softmax", x);

    public static Tensor LogSoftmax(Tensor x, int axis = -1) =>
        Tensor.Wrap(NativeMethods.knt_softmax(x.Handle, axis, 1), "log_softmax", x);

    /// <summary>Inverted dropout: zeroes a fraction <paramref name="rate"/> and scales the rest by 1/(1-rate); identity unless training.</summary>
    public static Tensor Dropout(Tensor x, double rate, bool training) =>
        Tensor.Wrap(NativeMethods.knt_dropout(x.Handle, rate, training ? 1 : 0), "dropout", x);

    /// <summary>Elementwise, numerically stable binary cross-entropy from logits.</summary>
    public static Tensor BinaryCrossentropyWithLogits(Tensor logits, Tensor target) =>
        Tensor.Wrap(NativeMethods.knt_bce_with_logits(logits.Handle, target.Handle), "binary_cross_entropy_with_logits",
            logits, target);
}
