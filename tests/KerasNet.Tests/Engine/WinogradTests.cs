using KerasNet.Engine;
using KerasNet.Keras.Layers;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Engine;

/// <summary>
/// 3×3 convolutions run through Winograd where they apply (oneDNN's kernels on AVX-512, ours — winograd_f43.cpp — elsewhere): inference with the direct convolution's values
/// within float32 rounding (a changed kernel is re-packed); training with the gradients of a float64 direct convolution.
/// </summary>
[Collection(nameof(WinogradKernelSwitch))]
public class WinogradTests
{
    private static Tensor Data(long[] shape, int seed, double scale = 1) =>
        Tensor.FromArray(Fixtures.Random((int)shape.Aggregate(1L, (a, d) => a * d), seed, scale), shape);

    /// <summary>One Winograd run per qualifying convolution (oneDNN's or ours), none with KNT_WINOGRAD=0: the values are checked either way.</summary>
    private static long Expected => NN.WinogradAvailable ? 1 : 0;

    /// <summary>Runs a check with our F(4×4, 3×3) forced on (even where oneDNN's kernels run) or with the CPU's own choice.</summary>
    private static void WithOwnKernel(bool own, Action check)
    {
        NN.WinogradOwnOnly = own;
        try
        {
            check();
        }
        finally
        {
            NN.WinogradOwnOnly = false;
        }
    }

    private static double MaxDiff(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();

    /// <summary>The convolution with gradients on (direct) and off (Winograd where it applies); how many ran Winograd.</summary>
    private static (float[] Direct, float[] Inference, long WinogradRuns) Both(Conv2D conv, Tensor x)
    {
        using var scope = new TensorScope();
        var xg = x.Clone();
        xg.RequiresGrad = true;
        var direct = conv.Apply(xg).Detach().ToArray<float>();
        long before = NN.WinogradCalls;
        float[] inference;
        using (Autograd.NoGrad()) inference = conv.Apply(x).ToArray<float>();
        return (direct, inference, NN.WinogradCalls - before);
    }

    [Theory]
    [InlineData("same", null, 16, 32, 9, false)]
    [InlineData("valid", "relu", 32, 16, 12, false)]
    [InlineData("same", "relu", 64, 64, 7, false)]
    [InlineData("same", "relu", 16, 16, 70, false)]  // 972 tiles: several of our blocks, the last one partial
    [InlineData("same", null, 16, 32, 9, true)]
    [InlineData("valid", "relu", 32, 16, 12, true)]
    [InlineData("same", "relu", 64, 64, 7, true)]
    [InlineData("same", "relu", 16, 16, 70, true)]  // 972 tiles: several of our blocks, the last one partial
    public void Inference_equals_the_direct_convolution(string padding, string? activation, int cin, int cout, int size, bool own)
    {
        WithOwnKernel(own, () => CheckInference(padding, activation, cin, cout, size));
    }

    private static void CheckInference(string padding, string? activation, int cin, int cout, int size)
    {
        keras.utils.set_random_seed(2);
        var conv = new Conv2D(cout, 3, padding: padding, activation: activation, bias_initializer: new KerasNet.Keras.Initializers.RandomUniform(-0.5, 0.5));
        var x = Data([3, size, size, cin], seed: 4);
        using (new TensorScope()) conv.Apply(x);
        var (direct, inference, runs) = Both(conv, x);
        Assert.Equal(Expected, runs);
        double scale = direct.Max(Math.Abs);
        Assert.True(MaxDiff(direct, inference) <= 1e-5 * Math.Max(1, scale), $"max difference {MaxDiff(direct, inference)} (|y| ≤ {scale})");
        if (activation == "relu") Assert.Contains(0f, inference);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_changed_kernel_is_packed_again(bool own)
    {
        WithOwnKernel(own, () => CheckRepacking());
    }

    private static void CheckRepacking()
    {
        keras.utils.set_random_seed(3);
        var conv = new Conv2D(16, 3, padding: "same");
        var x = Data([2, 6, 6, 16], seed: 5);
        using (new TensorScope()) conv.Apply(x);
        var first = Both(conv, x);
        conv.kernel.assign(Data(conv.kernel.shape, seed: 8, scale: 0.2));  // in place: the kernel's version moves on
        var second = Both(conv, x);
        Assert.Equal(Expected, second.WinogradRuns);
        Assert.True(MaxDiff(first.Inference, second.Inference) > 1e-2, "the new kernel was not used");
        Assert.True(MaxDiff(second.Direct, second.Inference) <= 1e-5 * Math.Max(1, second.Direct.Max(Math.Abs)));
    }

    /// <summary>
    /// Two threads at once, each on one core, on a convolution first run on a third: oneDNN's Winograd primitive
    /// uses its creating thread's scratchpad, so one shared across threads wrote through a null pointer (a crash).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Convolutions_on_several_threads_at_once_equal_one_thread(bool own)
    {
        WithOwnKernel(own, () =>
        {
            keras.utils.set_random_seed(4);
            var conv = new Conv2D(16, 3, padding: "same", activation: "relu");
            var x = Data([4, 12, 12, 16], seed: 6);
            float[] expected;
            using (new TensorScope())
            using (Autograd.NoGrad())
                expected = conv.Apply(x).ToArray<float>();
            var worst = new double[2];
            Fixtures.OnThreads(2, t => Runtime.WithThreadLocalThreads(1, () =>
            {
                using var noGrad = Autograd.NoGrad();
                for (int i = 0; i < 20; i++)
                {
                    using var scope = new TensorScope();
                    worst[t] = Math.Max(worst[t], MaxDiff(expected, conv.Apply(x).ToArray<float>()));
                }
            }));
            Assert.All(worst, d => Assert.True(d <= 1e-5, $"max difference {d}"));
        });
    }

    [Fact]
    public void Strides_odd_channels_and_float64_take_the_direct_path()
    {
        keras.utils.set_random_seed(4);
        using var scope = new TensorScope();
        long before = NN.WinogradCalls;
        var x = Data([2, 8, 8, 16], seed: 1);
        using (Autograd.NoGrad())
        {
            new Conv2D(16, 3, strides: 2, padding: "same").Apply(x);  // stride 2
            new Conv2D(16, 1).Apply(x);                               // 1×1
            new Conv2D(20, 3).Apply(x);                               // 20 filters: not a multiple of 16
            new Conv2D(16, 3).Apply(Data([2, 8, 8, 3], seed: 2));    // 3 input channels
            var k64 = Data([3, 3, 16, 16], seed: 3).AsType(DType.Float64);  // not float32 (a layer would cast it)
            NN.Conv2D(x.AsType(DType.Float64), k64, null, (1, 1), (1, 1, 1, 1), (1, 1));
        }
        Assert.Equal(before, NN.WinogradCalls);
    }

    [Theory]
    [InlineData("same", "relu", true, false)]
    [InlineData("valid", null, true, false)]
    [InlineData("same", null, false, false)]
    [InlineData("same", "relu", true, true)]
    [InlineData("valid", null, true, true)]
    [InlineData("same", null, false, true)]
    public void Training_gradients_equal_a_float64_direct_convolution(string padding, string? activation, bool useBias, bool own)
    {
        WithOwnKernel(own, () => CheckTraining(padding, activation, useBias));
    }

    private static void CheckTraining(string padding, string? activation, bool useBias)
    {
        keras.utils.set_random_seed(6);
        using var scope = new TensorScope();
        var conv = new Conv2D(32, 3, padding: padding, activation: activation, use_bias: useBias,
            bias_initializer: new KerasNet.Keras.Initializers.RandomUniform(-0.3, 0.3));
        var data = Data([2, 7, 9, 16], seed: 3);
        conv.Apply(data);
        var x = data.Clone();
        x.RequiresGrad = true;
        long before = NN.WinogradCalls;
        var y = conv.Apply(x, training: true);
        Assert.Equal(Expected, NN.WinogradCalls - before);
        var w = Data(y.Shape, seed: 11);
        var wanted = new List<Tensor> { x, conv.kernel.Value };
        if (useBias) wanted.Add(conv.bias!.Value);
        var grads = Autograd.Grad((y * w).Sum(), wanted);

        // the reference: float64, libtorch's direct convolution
        var x64 = data.AsType(DType.Float64);
        x64.RequiresGrad = true;
        var k64 = conv.kernel.Value.Detach().AsType(DType.Float64);
        k64.RequiresGrad = true;
        Tensor? b64 = null;
        if (useBias)
        {
            b64 = conv.bias!.Value.Detach().AsType(DType.Float64);
            b64.RequiresGrad = true;
        }
        var pads = ConvUtils.Pads(data.Shape, conv.kernel_size, conv.strides, padding);
        var y64 = NN.Conv2D(x64, k64, b64, (1, 1), pads, (1, 1), relu: activation == "relu");
        var refs = Autograd.Grad((y64 * w.AsType(DType.Float64)).Sum(), b64 is null ? [x64, k64] : [x64, k64, b64]);

        double Max(Tensor t) => t.Abs().Max().AsType(DType.Float64).Item();
        Assert.True(Max(y.AsType(DType.Float64) - y64) <= 1e-5 * Math.Max(1, Max(y64)));
        for (int i = 0; i < refs.Length; i++)
        {
            double diff = Max(grads[i].AsType(DType.Float64) - refs[i]), scale = Max(refs[i]);
            Assert.True(scale > 0 && diff <= 1e-5 * Math.Max(1, scale), $"gradient {i}: difference {diff}, |g| ≤ {scale}");
        }
        // the kernel's gradient comes in the kernel's layout: the fused optimizer update takes it
        long fused = FusedUpdates.Applied;
        new KerasNet.Keras.Optimizers.RMSprop().apply_gradients([(grads[1], conv.kernel)]);
        Assert.Equal(1, FusedUpdates.Applied - fused);
    }
}

/// <summary>
/// The tests that switch every qualifying convolution of the process to our kernel run alone: elsewhere a model run twice
/// must take the same kernel both times.
/// </summary>
[CollectionDefinition(nameof(WinogradKernelSwitch), DisableParallelization = true)]
public class WinogradKernelSwitch;
