using System.Runtime.CompilerServices;
using KerasNet.Engine;
using KerasNet.Native;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Engine;

/// <summary>
/// The bad-input probe of the native boundary: shapes, dtypes, sizes 0, mismatched channel counts into every
/// public Engine/NN entry, disposed tensors. Every case must be a .NET exception naming the op (and the
/// shapes, where tensors went in); afterwards the process computes correctly.
/// </summary>
public class NativeBoundaryTests
{
    private static Tensor T(params long[] shape) => Tensor.Ones(shape);

    private static readonly (int, int) One = (1, 1);
    private static readonly (int, int, int, int) NoPad = (0, 0, 0, 0);

    /// <summary>(case, what must throw, text the message must contain).</summary>
    public static IEnumerable<object[]> Cases()
    {
        (string, Action, string)[] cases =
        [
            ("conv2d on a 3-D input", () => NN.Conv2D(T(5, 5, 3), T(3, 3, 3, 2), null, One, NoPad, One), "conv2d"),
            ("conv2d kernel channels != input channels", () => NN.Conv2D(T(1, 5, 5, 3), T(3, 3, 4, 2), null, One, NoPad, One), "conv2d"),
            ("conv2d with a 3-D kernel", () => NN.Conv2D(T(1, 5, 5, 3), T(3, 3, 3), null, One, NoPad, One), "conv2d"),
            ("conv2d kernel larger than the input", () => NN.Conv2D(T(1, 2, 2, 1), T(5, 5, 1, 1), null, One, NoPad, One), "conv2d"),
            ("conv2d bias of the wrong size", () => NN.Conv2D(T(1, 5, 5, 3), T(3, 3, 3, 2), T(7), One, NoPad, One), "conv2d"),
            ("conv2d stride 0", () => NN.Conv2D(T(1, 5, 5, 3), T(3, 3, 3, 2), null, (0, 0), NoPad, One), "conv2d"),
            ("conv2d int64 input", () => NN.Conv2D(Tensor.Ones([1, 5, 5, 3], DType.Int64), T(3, 3, 3, 2), null, One, NoPad, One), "conv2d"),
            ("depthwise channels mismatch", () => NN.DepthwiseConv2D(T(1, 5, 5, 3), T(3, 3, 4, 1), null, One, NoPad, One), "depthwise_conv2d"),
            ("batch_norm moving_mean of the wrong size", () => NN.BatchNorm(T(2, 4, 4, 3), null, null, T(2), T(3), 1e-3), "moving_mean"),
            ("batch_norm moving_variance of the wrong size", () => NN.BatchNorm(T(2, 4, 4, 3), null, null, T(3), T(30), 1e-3), "moving_variance"),
            ("batch_norm gamma of the wrong size", () => NN.BatchNorm(T(2, 3), T(1), null, T(3), T(3), 1e-3), "gamma"),
            ("batch_norm beta of the wrong size", () => NN.BatchNorm(T(2, 3), null, T(4), T(3), T(3), 1e-3), "beta"),
            ("batch_norm with 0 channels", () => NN.BatchNorm(T(2, 0), null, null, T(0), T(0), 1e-3), "no channels"),
            ("batch_norm 2-D moving mean", () => NN.BatchNorm(T(2, 3), null, null, T(3, 1), T(3), 1e-3), "moving_mean"),
            ("batch_norm int input", () => NN.BatchNorm(Tensor.Ones([2, 3], DType.Int64), null, null, T(3), T(3), 1e-3), "floating"),
            ("batch_norm 1-D input", () => NN.BatchNorm(T(3), null, null, T(3), T(3), 1e-3), "batch_norm"),
            ("batch_norm training gamma of the wrong size", () => NN.BatchNormTraining(T(4, 3), T(2), null, 1e-3), "gamma"),
            ("batch_norm training on 0 rows", () => NN.BatchNormTraining(T(0, 3), null, null, 1e-3), "batch_norm"),
            ("batch_norm training with 0 channels", () => NN.BatchNormTraining(T(4, 0), null, null, 1e-3), "no channels"),
            ("max_pool2d on a 2-D input", () => NN.MaxPool2D(T(4, 4), (2, 2), (2, 2), NoPad), "max_pool2d"),
            ("max_pool2d window larger than the input", () => NN.MaxPool2D(T(1, 2, 2, 1), (5, 5), (1, 1), NoPad), "max_pool2d"),
            ("avg_pool2d window larger than the input", () => NN.AvgPool2D(T(1, 2, 2, 1), (5, 5), (1, 1), NoPad), "avg_pool2d"),
            ("avg_pool2d padding as large as the window (a window of padding only: NaN)", () => NN.AvgPool2D(T(1, 2, 2, 1), (2, 2), (2, 2), (2, 0, 0, 0)), "must be smaller than the window"),
            ("max_pool2d padding as large as the window (-inf)", () => NN.MaxPool2D(T(1, 2, 2, 1), (2, 2), (2, 2), (0, 0, 3, 1)), "must be smaller than the window"),
            ("pad2d on a 3-D input", () => NN.Pad2D(T(4, 4, 1), (1, 1, 1, 1)), "pad2d"),
            ("dense inner sizes differ", () => NN.Dense(T(2, 3), T(4, 5), null), "dense"),
            ("dense bias of the wrong size", () => NN.Dense(T(2, 3), T(3, 5), T(4)), "dense"),
            ("softmax axis out of range", () => NN.Softmax(T(2, 3), axis: 5), "softmax"),
            ("dropout rate above 1", () => NN.Dropout(T(2, 3), 1.5, training: true), "dropout"),
            ("binary cross-entropy shapes differ", () => NN.BinaryCrossentropyWithLogits(T(2, 3), T(4)), "binary_cross_entropy"),
            ("matmul inner sizes differ", () => T(2, 3).MatMul(T(4, 5)), "matmul"),
            ("add shapes not broadcastable", () => _ = T(2, 3) + T(4), "add"),
            ("reshape to another element count", () => T(2, 3).Reshape(4, 2), "reshape"),
            ("permute with too few axes", () => T(2, 3, 4).Permute(1, 0), "permute"),
            ("narrow past the end", () => T(5).Narrow(0, 3, 5), "narrow"),
            ("index_select with a float index", () => T(5).IndexSelect(0, T(2)), "index_select"),
            ("index_select index out of range", () => T(5).IndexSelect(0, Tensor.FromArray(new long[] { 7 }, 1)), "index_select"),
            ("cat of mismatched shapes", () => Tensor.Concat([T(2, 3), T(2, 4)], 0), "cat"),
            ("cat of nothing", () => Tensor.Concat([], 0), "Concat"),
            ("sum over an axis that does not exist", () => T(2, 3).Sum(4), "sum"),
            ("argmax over an axis that does not exist", () => T(2, 3).ArgMax(7), "argmax"),
            ("full with a negative dimension", () => Tensor.Full([2, -3], 1), "full"),
            ("from_array with too few values", () => Tensor.FromArray(new float[5], 2, 3), "cannot fill"),
            ("to_array of the wrong element type", () => Tensor.Ones([2], DType.Int64).ToArray<float>(), "AsType"),
            ("item of a 3-element tensor", () => T(3).Item(), "item"),
            ("grad of a non-scalar loss", () => Autograd.Grad(T(3), [T(3)]), "grad"),
            ("grad of a loss without history", () => Autograd.Grad(T(1), [T(1)]), "grad"),
            ("decode of bytes that are no image", () => Image.Decode(new byte[] { 1, 2, 3, 4, 5 }), "cannot decode"),
            ("decode of nothing", () => Image.Decode(ReadOnlySpan<byte>.Empty), "cannot decode"),
            ("resize to 0×0", () => Image.ResizeBilinear(Tensor.Ones([4, 4, 3], DType.UInt8), 0, 0), "resize_bilinear"),
            ("resize of a 1-D tensor", () => Image.ResizeNearest(T(4), 2, 2), "resize_nearest"),
            ("affine with a 1×1 matrix", () => Image.Affine(T(4, 4, 3), new double[1, 1], (0, 0), Image.FillMode.Nearest), "2×2"),
            ("affine of a 1-D tensor", () => Image.Affine(T(4), new double[,] { { 1, 0 }, { 0, 1 } }, (0, 0), Image.FillMode.Nearest), "affine_transform"),
            ("encode of a float image", () => Image.Encode(T(4, 4, 3)), "image_encode"),
            ("gelu of an int64 tensor", () => NN.Gelu(Tensor.Ones([3], DType.Int64)), "gelu"),
            ("log_softmax axis out of range", () => NN.LogSoftmax(T(2, 3), axis: -4), "softmax"),
            ("max_pool2d stride 0", () => NN.MaxPool2D(T(1, 4, 4, 1), (2, 2), (0, 0), NoPad), "max_pool2d"),
            ("avg_pool2d window 0", () => NN.AvgPool2D(T(1, 4, 4, 1), (0, 0), (1, 1), NoPad), "avg_pool2d"),
            ("depthwise with a 2-D kernel", () => NN.DepthwiseConv2D(T(1, 5, 5, 3), T(3, 3), null, One, NoPad, One), "depthwise_conv2d"),
            ("resize (TF nearest) of a 1-D tensor", () => Image.ResizeNearestTF(T(4), 2, 2), "resize_nearest"),
            ("read of a file that does not exist", () => Image.Read("/nonexistent/cat.1.jpg"), "/nonexistent/cat.1.jpg"),
            ("one-hot of float labels out of range", () => keras.utils.to_categorical(Tensor.FromArray(new float[] { 0, 7 }, 2), 3), "to_categorical"),
            ("a process group rank outside the group", () => new ProcessGroup("127.0.0.1", 1, "127.0.0.1", 5, 2, TimeSpan.FromSeconds(1)), "rank 5"),
            ("a process group port out of range", () => new ProcessGroup("127.0.0.1", 70000, "127.0.0.1", 0, 1, TimeSpan.FromSeconds(1)), "out of range"),
            ("set_weights of the wrong shape", () =>
            {
                var d = keras.layers.Dense(2);
                d.Apply(T(1, 3));
                d.set_weights([T(4, 2), T(2)]);
            }, "shape"),
            ("add with a disposed tensor", () => { var d = T(2); d.Dispose(); _ = T(2) + d; }, "disposed"),
            ("conv2d with a disposed bias", () => { var b = T(2); b.Dispose(); NN.Conv2D(T(1, 5, 5, 3), T(3, 3, 3, 2), b, One, NoPad, One); }, "disposed"),
            ("batch_norm with a disposed gamma", () => { var g = T(3); g.Dispose(); NN.BatchNorm(T(2, 3), g, null, T(3), T(3), 1e-3); }, "disposed"),
            ("dense with a disposed kernel", () => { var k = T(3, 2); k.Dispose(); NN.Dense(T(2, 3), k, null); }, "disposed"),
            ("Conv2D layer with strides 0", () => keras.layers.Conv2D(2, 3, strides: 0), "strides must be positive"),
            ("Conv2D layer with a 0 kernel", () => keras.layers.Conv2D(2, (0, 3)), "kernel_size must be positive"),
            ("MaxPooling2D layer with pool size 0", () => keras.layers.MaxPooling2D(0), "pool_size must be positive"),
            ("DepthwiseConv2D layer with dilation 0", () => keras.layers.DepthwiseConv2D(3, dilation_rate: 0), "dilation_rate must be positive"),
            ("layer given the wrong channel count", () =>
            {
                var conv = keras.layers.Conv2D(2, 3);
                conv.Apply(T(1, 5, 5, 3));
                conv.Apply(T(1, 5, 5, 4));
            }, "conv2d"),
        ];
        return cases.Select(c => new object[] { c.Item1, c.Item2, c.Item3 });
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_a_dotnet_exception_naming_the_op_and_the_process_keeps_computing(string name, Action act, string expected)
    {
        using var scope = new TensorScope();
        var e = Assert.ThrowsAny<Exception>(act);
        Assert.True(e is ArgumentException or InvalidOperationException or ObjectDisposedException or InvalidDataException or IOException,
            $"{name}: {e.GetType().Name}: {e.Message}");
        Assert.Contains(expected, e.Message, StringComparison.OrdinalIgnoreCase);
        if (e is TensorOpException op)
            Assert.Contains("[", op.Message);  // the input shapes
        // and the engine is still right afterwards
        var y = NN.Conv2D(T(1, 3, 3, 2), T(3, 3, 2, 1), null, One, NoPad, One);
        Assert.Equal(18f, y.ToArray<float>()[0]);
    }

    [Fact]
    public void A_tensor_used_after_its_scope_says_so_and_how_to_keep_it()
    {
        Tensor escaped;
        using (new TensorScope())
        {
            escaped = Tensor.Ones([2, 3]);
            _ = escaped.Shape;
        }
        var e = Assert.Throws<ObjectDisposedException>(() => escaped.Sum());
        Assert.Contains("shape [2, 3]", e.Message);
        Assert.Contains("TensorScope", e.Message);
        Assert.Contains("MoveToOuterScope()", e.Message);
    }

    [Fact]
    public void Disposing_twice_is_harmless()
    {
        var t = T(3);
        t.Dispose();
        t.Dispose();
        Assert.True(t.IsDisposed);
        Assert.Equal("Tensor(disposed)", t.ToString());
    }

    [Fact]
    public void A_failing_call_never_reports_an_older_calls_message()
    {
        using var scope = new TensorScope();
        var first = Assert.Throws<TensorOpException>(() => T(2, 3).MatMul(T(4, 5)));
        Assert.Equal(Runtime.NumThreads, NativeMethods.knt_get_num_threads());
        Assert.Equal("", NativeMethods.LastError());  // the successful call cleared the slot
        var second = Assert.Throws<TensorOpException>(() => T(2).Reshape(3));
        Assert.DoesNotContain(first.EngineMessage.Trim(), second.EngineMessage);
    }

    [Fact]
    public void The_native_library_implements_the_abi_these_bindings_expect() =>
        Assert.Equal(Runtime.AbiVersion, NativeMethods.knt_abi_version());

    [Fact]
    public void Managed_code_keeps_denormals_after_engine_calls()
    {
        using (var scope = new TensorScope())
            NN.Relu(T(64, 64)).MatMul(T(64, 64)).Sum().Item();
        float tiny = Tiny();
        Assert.True(Halve(tiny) > 0f, "flush-to-zero leaked out of the engine into managed code");
        Assert.True(float.IsSubnormal(Halve(tiny)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Tiny() => 2e-38f;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Halve(float x) => x * 0.5f;

    [Fact]
    public void The_engine_still_flushes_denormals_inside_its_kernels()
    {
        using var scope = new TensorScope();
        var t = Tensor.FromArray(new float[] { 2e-38f, 1f }, 2);
        var halved = (t * 0.5).ToArray<float>();
        Assert.Equal(0f, halved[0]);   // flushed, as TensorFlow's CPU kernels do
        Assert.Equal(0.5f, halved[1]);
    }
}
