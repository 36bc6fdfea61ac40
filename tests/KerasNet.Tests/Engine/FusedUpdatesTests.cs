using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Optimizers;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Engine;

/// <summary>
/// The one-pass optimizer updates: the fused path is taken for a variable and a gradient of one layout (a Conv2D
/// kernel, stored O,H,W,I), and gives what the unfused ops give (they run when the gradient's strides differ).
/// </summary>
public class FusedUpdatesTests
{
    private static Variable Kernel(int seed)
    {
        keras.utils.set_random_seed(seed);
        var conv = new Conv2D(8, 3);
        using (new TensorScope()) conv.Apply(Tensor.Zeros([1, 5, 5, 16]));
        return conv.kernel;
    }

    /// <summary>Gradients of the kernel's shape: in the kernel's own layout, or the same values contiguous in (kh, kw, in, out) order.</summary>
    private static Tensor Gradient(Variable v, int step, bool sameLayout)
    {
        keras.utils.set_random_seed(100 + step);
        var values = Tensor.RandomUniform(v.shape, -0.3, 0.3);
        if (!sameLayout) return values.ReleaseFromScope();
        var g = FusedUpdates.ZerosLike(v.Value);
        using (Autograd.NoGrad()) g.CopyFrom(values);
        return g.ReleaseFromScope();
    }

    private static float[] Run(Func<Optimizer> make, bool fused, out long fusedCalls)
    {
        var v = Kernel(7);
        var opt = make();
        long before = FusedUpdates.Applied;
        for (int step = 0; step < 4; step++)
        {
            using var scope = new TensorScope();
            opt.apply_gradients([(Gradient(v, step, fused), v)]);
        }
        fusedCalls = FusedUpdates.Applied - before;
        return v.numpy().ToArray<float>();
    }

    public static TheoryData<string> Optimizers => ["rmsprop", "rmsprop-momentum", "adam"];

    private static Func<Optimizer> Make(string which) => which switch
    {
        "rmsprop" => () => new RMSprop(learning_rate: 0.01),
        "rmsprop-momentum" => () => new RMSprop(learning_rate: 0.01, momentum: 0.9),
        "adam" => () => new Adam(learning_rate: 0.01),
        _ => throw new ArgumentException(which),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void The_fused_update_equals_the_unfused_ops_on_a_conv_kernel_layout(string which)
    {
        var fused = Run(Make(which), fused: true, out long fusedCalls);
        var unfused = Run(Make(which), fused: false, out long unfusedCalls);
        Assert.Equal(4, fusedCalls);
        Assert.Equal(0, unfusedCalls);
        var initial = Kernel(7).numpy().ToArray<float>();
        double moved = 0, worst = 0;
        for (int i = 0; i < fused.Length; i++)
        {
            moved = Math.Max(moved, Math.Abs(fused[i] - initial[i]));
            worst = Math.Max(worst, Math.Abs(fused[i] - unfused[i]));
        }
        Assert.True(moved > 1e-3, $"the updates barely moved the kernel ({moved})");
        Assert.True(worst <= 1e-6, $"fused and unfused differ by {worst}");
    }

    [Fact]
    public void Other_dtypes_and_centered_or_amsgrad_updates_run_unfused()
    {
        long before = FusedUpdates.Applied;
        var v = Kernel(3);
        using var scope = new TensorScope();
        new RMSprop(centered: true).apply_gradients([(Gradient(v, 0, true), v)]);
        new Adam(amsgrad: true).apply_gradients([(Gradient(v, 0, true), v)]);
        var w = Tensor.Zeros([4], DType.Float64);
        var g = Tensor.Ones([4], DType.Float64);
        Assert.False(FusedUpdates.RMSprop(w, g, Tensor.Zeros([4], DType.Float64), null, 0.1, 0.9, 0, 1e-7));
        Assert.Equal(before, FusedUpdates.Applied);
    }
}
