using KerasNet.Engine;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Engine;

/// <summary>
/// Max pooling over non-overlapping windows without padding runs a one-pass kernel of ours (a following ReLU inside); its
/// values and gradients must be libtorch's max_pool2d's exactly, which float64 (that the kernel does not take) still runs:
/// ties to the first cell, NaN winning its window, leftover rows and columns getting no gradient.
/// </summary>
public class MaxPoolWindowsTests
{
    /// <summary>Values on a grid of halves, so windows hold ties; NaN at every <paramref name="nanEvery"/>-th cell where asked.</summary>
    private static float[] Values(int n, int seed, int nanEvery = 0) =>
        Fixtures.Random(n, seed).Select((v, i) => nanEvery > 0 && i % nanEvery == nanEvery - 1 ? float.NaN : MathF.Round(v * 4) / 2).ToArray();

    /// <summary>Pooled values and gradients in float32 (our kernel) and float64 (libtorch's), with our kernel's runs.</summary>
    private static (float[] Y, float[] Grad, double[] RefY, double[] RefGrad, long Runs, long[] Shape) Pooled(float[] data, long[] shape,
        (int H, int W) pool, bool relu) =>
        Fixtures.AgainstFloat64(data, shape, x => NN.MaxPool2D(x, pool, pool, (0, 0, 0, 0), relu), () => NN.MaxPoolWindowsCalls);

    [Theory]
    [InlineData(2, 26, 26, 32, 2, 2, false)]  // Fashion's first pool
    [InlineData(3, 11, 11, 64, 2, 2, true)]   // a leftover row and column, ReLU inside
    [InlineData(2, 10, 7, 5, 3, 2, true)]     // 3×2 windows, odd channel count, leftovers both ways
    [InlineData(1, 4, 4, 17, 4, 4, false)]    // one window
    public void Values_and_gradients_are_libtorchs(int n, int h, int w, int c, int ph, int pw, bool relu)
    {
        long[] shape = [n, h, w, c];
        var (y, grad, refY, refGrad, runs, _) = Pooled(Values(n * h * w * c, seed: h + c), shape, (ph, pw), relu);
        Assert.Equal(1, runs);
        Fixtures.SameAsReference(refY, y, "y");
        Fixtures.SameAsReference(refGrad, grad, "dx");
        Assert.Contains(0f, grad);          // losing cells and the leftovers get none
        if (relu) Assert.DoesNotContain(y, v => v < 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_NaN_wins_its_window_and_takes_the_gradient(bool relu)
    {
        long[] shape = [2, 8, 6, 16];
        var data = Values(2 * 8 * 6 * 16, seed: 5, nanEvery: 37);
        var (y, grad, refY, refGrad, runs, _) = Pooled(data, shape, (2, 2), relu);
        Assert.Equal(1, runs);
        Assert.Contains(y, float.IsNaN);
        Fixtures.SameAsReference(refY, y, "y");
        Fixtures.SameAsReference(refGrad, grad, "dx");
    }

    [Fact]
    public void Overlapping_padded_and_inference_runs()
    {
        using var scope = new TensorScope();
        var x = Fixtures.RandomTensor([2, 9, 9, 8], seed: 2);
        long before = NN.MaxPoolWindowsCalls;
        NN.MaxPool2D(x, (3, 3), (2, 2), (0, 0, 0, 0));       // overlapping windows: libtorch
        NN.MaxPool2D(x, (2, 2), (2, 2), (0, 1, 0, 1));       // padded ('same' on 9): libtorch
        Assert.Equal(before, NN.MaxPoolWindowsCalls);
        using (Autograd.NoGrad())
        {
            var fast = NN.MaxPool2D(x, (2, 2), (2, 2), (0, 0, 0, 0)).ToArray<float>();
            Assert.Equal(before + 1, NN.MaxPoolWindowsCalls);
            var reference = NN.MaxPool2D(x.AsType(DType.Float64), (2, 2), (2, 2), (0, 0, 0, 0)).ToArray<double>();
            Fixtures.SameAsReference(reference, fast, "y");
        }
    }

    [Fact]
    public void A_Keras_model_trains_through_it()
    {
        keras.utils.set_random_seed(1);
        var model = keras.Sequential();
        model.add(keras.layers.Conv2D(16, 3, activation: "relu", input_shape: (12, 12, 1)));
        model.add(keras.layers.MaxPooling2D());
        model.add(keras.layers.Flatten());
        model.add(keras.layers.Dense(1, activation: "sigmoid"));
        Fixtures.TrainsThrough(model, [8, 12, 12, 1], () => NN.MaxPoolWindowsCalls);
    }
}
