using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Layers;

/// <summary>
/// Conv2D(relu) read only by MaxPooling2D runs as pool-then-ReLU: the output and every gradient (input, kernel, bias) equal
/// the unfused layers' (convolution, ReLU, pooling as separate engine calls), and the pair is fused only where nothing
/// else reads the convolution's activation. ReLU inside the Conv2D and Dense calls (in place) equals a separate ReLU too.
/// </summary>
public class LayerFusionTests
{
    // signed data, so ReLU's zero branch and windows wholly ≤ 0 occur
    private static Tensor Data(long[] shape, int seed) =>
        Tensor.FromArray(Fixtures.Random((int)shape.Aggregate(1L, (a, d) => a * d), seed), shape);

    /// <summary>The unfused reference: the same weights through separate engine calls.</summary>
    private static Tensor Reference(Conv2D conv, MaxPooling2D pool, Tensor x)
    {
        var pads = ConvUtils.Pads(x.Shape, conv.kernel_size, conv.strides, conv.padding, conv.dilation_rate);
        var y = NN.Relu(NN.Conv2D(x, conv.kernel.Value, conv.bias!.Value, (conv.strides.H, conv.strides.W), pads, (1, 1)));
        var pp = ConvUtils.Pads(y.Shape, pool.pool_size, pool.strides, pool.padding);
        return NN.MaxPool2D(y, (pool.pool_size.H, pool.pool_size.W), (pool.strides.H, pool.strides.W), pp);
    }

    private static (float[] Out, float[][] Grads) OutAndGrads(Func<Tensor, Tensor> f, Tensor x, Conv2D conv, Tensor weights)
    {
        using var scope = new TensorScope();
        var xin = x.Clone();
        xin.RequiresGrad = true;
        var y = f(xin);
        var grads = Autograd.Grad((y * weights).Sum(), [xin, conv.kernel.Value, conv.bias!.Value]);
        return (y.ToArray<float>(), grads.Select(g => g.Contiguous().ToArray<float>()).ToArray());
    }

    [Theory]
    [InlineData("valid", "valid", 9)]   // 2x2 windows, odd size: the last row and column are dropped
    [InlineData("same", "same", 9)]     // 'same' pooling on an odd size pads the bottom/right (−∞, never a maximum)
    [InlineData("same", "valid", 8)]
    public void Sequential_fuses_and_gives_the_unfused_output_and_gradients(string convPadding, string poolPadding, int size)
    {
        keras.utils.set_random_seed(3);
        using var scope = new TensorScope();
        var conv = new Conv2D(5, 3, padding: convPadding, activation: "relu");
        var pool = new MaxPooling2D(2, padding: poolPadding);
        var model = keras.Sequential([conv, pool]);
        var x = Data([2, size, size, 3], seed: 4);
        model.Apply(x);  // build
        var weights = Data(model.Apply(x).Shape, seed: 9);

        long before = LayerFusion.Runs;
        var (fusedOut, fusedGrads) = OutAndGrads(t => model.Apply(t, training: true), x, conv, weights);
        Assert.Equal(1, LayerFusion.Runs - before);
        var (refOut, refGrads) = OutAndGrads(t => Reference(conv, pool, t), x, conv, weights);

        Assert.Equal(refOut, fusedOut);  // exactly: max and ReLU commute
        Assert.Contains(0f, fusedOut);   // the zero branch is exercised
        for (int i = 0; i < refGrads.Length; i++)
        {
            Assert.Equal(refGrads[i].Length, fusedGrads[i].Length);
            double worst = refGrads[i].Zip(fusedGrads[i], (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst <= 1e-6, $"gradient {i} differs by {worst}");
            Assert.Contains(refGrads[i], g => g != 0);
        }
    }

    [Fact]
    public void Functional_fuses_only_where_the_pool_is_the_activations_only_reader()
    {
        keras.backend.clear_session();
        keras.utils.set_random_seed(5);
        using var scope = new TensorScope();
        var inputs = keras.Input(new Shape(8, 8, 2));
        var c1 = keras.layers.Conv2D(3, 3, padding: "same", activation: "relu");
        var c2 = keras.layers.Conv2D(3, 3, padding: "same", activation: "relu");
        var a1 = c1.Apply(inputs);
        var p1 = keras.layers.MaxPooling2D(2).Apply(a1);                 // a1's only reader: fused
        var a2 = c2.Apply(p1);
        var p2 = keras.layers.MaxPooling2D(2).Apply(a2);                 // a2 is read twice: not fused
        var side = keras.layers.GlobalMaxPooling2D().Apply(a2);
        var outputs = keras.layers.Concatenate().Apply([keras.layers.Flatten().Apply(p2), side]);
        var model = keras.Model(inputs, outputs);
        var x = Data([2, 8, 8, 2], seed: 6);

        long before = LayerFusion.Runs;
        var y = model.Apply(x).ToArray<float>();
        Assert.Equal(1, LayerFusion.Runs - before);
        var r1 = NN.MaxPool2D(c1.Apply(x), (2, 2), (2, 2), (0, 0, 0, 0));
        var r2 = c2.Apply(r1);
        var expected = Tensor.Concat([NN.MaxPool2D(r2, (2, 2), (2, 2), (0, 0, 0, 0)).Reshape(2, -1), r2.Max([1, 2])], 1).ToArray<float>();
        Assert.Equal(expected, y);

        // the activation as a model output is never skipped
        var both = keras.Model(inputs, [a1, p1]);
        before = LayerFusion.Runs;
        var outs = both.ApplyAll([x]);
        Assert.Equal(0, LayerFusion.Runs - before);
        Assert.Equal(c1.Apply(x).ToArray<float>(), outs[0].ToArray<float>());
        keras.backend.clear_session();
    }

    [Fact]
    public void A_tapped_convolution_is_not_fused()
    {
        var conv = new Conv2D(2, 3, activation: "relu");
        var pool = new MaxPooling2D(2);
        Assert.True(LayerFusion.Applies(conv, pool));
        Layer.OutputTap = (conv, y => y);
        try { Assert.False(LayerFusion.Applies(conv, pool)); }
        finally { Layer.OutputTap = null; }
        Assert.False(LayerFusion.Applies(new Conv2D(2, 3, activation: "tanh"), pool));
        Assert.False(LayerFusion.Applies(conv, new AveragePooling2D(2)));
    }

    [Fact]
    public void Dense_relu_in_its_own_call_equals_a_separate_relu_with_gradients()
    {
        keras.utils.set_random_seed(8);
        using var scope = new TensorScope();
        var dense = new Dense(6, activation: "relu");
        var x = Data([4, 5], seed: 2);
        dense.Apply(x);
        var xin = x.Clone();
        xin.RequiresGrad = true;
        var y = dense.Apply(xin, training: true);
        var reference = NN.Relu(NN.Dense(xin, dense.kernel.Value, dense.bias!.Value));
        Assert.Equal(reference.ToArray<float>(), y.ToArray<float>());
        Assert.Contains(0f, y.ToArray<float>());
        var w = Data(y.Shape, seed: 3);
        var g1 = Autograd.Grad((y * w).Sum(), [xin, dense.kernel.Value]);
        var g2 = Autograd.Grad((reference * w).Sum(), [xin, dense.kernel.Value]);
        for (int i = 0; i < 2; i++) Assert.Equal(g2[i].ToArray<float>(), g1[i].ToArray<float>());
    }
}

/// <summary>BatchNormalization read only by ReLU / ReLU6 clamps in the normalization's own pass, with the unfused layers' results.</summary>
public class BatchNormReluFusionTests
{
    private static BatchNormalization Normalization(long[] shape, int seed)
    {
        keras.utils.set_random_seed(seed);
        var bn = new BatchNormalization();
        int channels = (int)shape[^1];
        using (new TensorScope()) bn.Apply(Tensor.Zeros(shape));
        // statistics and scales away from the identity, so the normalization moves values across 0 and 6
        bn.moving_mean.assign(Tensor.FromArray(Fixtures.Random(channels, seed + 1, scale: 2), channels));
        bn.moving_variance.assign(Tensor.FromArray(Fixtures.Random(channels, seed + 2).Select(v => 0.2f + Math.Abs(v)).ToArray(), channels));
        bn.variables.Single(w => w.name == "gamma").assign(Tensor.FromArray(Fixtures.Random(channels, seed + 3, scale: 8), channels));
        return bn;
    }

    [Theory]
    [InlineData(6.0, 8)]     // MobileNet's ReLU6 on its narrowest width (8 channels: fewer than a vector's lanes)
    [InlineData(null, 37)]   // plain ReLU, a channel count no vector width divides
    public void Inference_clamps_in_the_normalizations_pass_with_the_unfused_values(double? maxValue, int channels)
    {
        using var scope = new TensorScope();
        var bn = Normalization([3, 5, 7, channels], 4);
        var relu = new ReLU(max_value: maxValue);
        var model = keras.Sequential([bn, relu]);
        var x = Tensor.FromArray(Fixtures.Random(3 * 5 * 7 * channels, 9, scale: 3), 3, 5, 7, channels);
        long before = LayerFusion.Runs;
        float[] fused;
        using (Autograd.NoGrad()) fused = model.Apply(x).ToArray<float>();
        Assert.Equal(1, LayerFusion.Runs - before);
        var separate = relu.Apply(bn.Apply(x)).ToArray<float>();
        Assert.Equal(separate, fused);
        Assert.Contains(0f, fused);
        if (maxValue is { } m) Assert.Contains((float)m, fused);
    }

    [Fact]
    public void Training_applies_the_relu_after_the_batch_statistics_with_the_unfused_gradients()
    {
        using var scope = new TensorScope();
        var bn = Normalization([2, 3, 3, 4], 6);
        var relu = new ReLU(max_value: 6);
        var model = keras.Sequential([bn, relu]);
        var data = Fixtures.Random(2 * 3 * 3 * 4, 2, scale: 4);
        (float[] Y, float[] G) Run(Func<Tensor, Tensor> f)
        {
            var x = Tensor.FromArray(data, 2, 3, 3, 4);
            x.RequiresGrad = true;
            var y = f(x);
            var w = Tensor.FromArray(Fixtures.Random(data.Length, 5), 2, 3, 3, 4);
            var g = Autograd.Grad((y * w).Sum(), [x])[0];
            return (y.ToArray<float>(), g.ToArray<float>());
        }
        var mean = bn.moving_mean.numpy().ToArray<float>();
        var fused = Run(x => model.Apply(x, training: true));
        bn.moving_mean.assign(Tensor.FromArray(mean, 4));
        var separate = Run(x => relu.Apply(bn.Apply(x, training: true), training: true));
        Assert.Equal(separate.Y, fused.Y);
        Assert.Equal(separate.G, fused.G);
        Assert.Contains(0f, fused.Y);
    }
}
