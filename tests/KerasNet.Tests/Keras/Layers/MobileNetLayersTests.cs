using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;

namespace KerasNet.Tests.Keras.Layers;

/// <summary>DepthwiseConv2D, ReLU, ZeroPadding2D, Reshape, GlobalMaxPooling2D.</summary>
public class MobileNetLayersTests
{
    private static void CheckLayer(Layer layer, long[] shape, float[]? input = null)
    {
        KerasNet.KerasApi.keras.utils.set_random_seed(12);
        input ??= Fixtures.Random((int)shape.Aggregate(1L, (a, d) => a * d), seed: 5);
        using (new TensorScope()) layer.Apply(Tensor.FromArray(input, shape));
        GradCheck.Check(x => layer.Apply(x), input, shape, layer.trainable_weights);
    }

    [Theory]
    [InlineData("valid", 1, 1)]
    [InlineData("same", 1, 2)]
    [InlineData("same", 2, 1)]
    [InlineData("valid", 2, 2)]
    public void DepthwiseConv2D_gradients(string padding, int stride, int multiplier) =>
        CheckLayer(new DepthwiseConv2D(3, strides: stride, padding: padding, depth_multiplier: multiplier), [2, 6, 5, 3]);

    [Fact]
    public void DepthwiseConv2D_convolves_each_channel_with_its_own_filters_in_TensorFlow_order()
    {
        using var scope = new TensorScope();
        var layer = new DepthwiseConv2D(2, depth_multiplier: 2, use_bias: false);
        var x = Fixtures.RandomTensor([1, 3, 3, 2], seed: 21);
        var y = layer.Apply(x).Contiguous();
        Assert.Equal(new long[] { 1, 2, 2, 4 }, y.Shape);
        var xv = x.ToArray<float>();
        var k = layer.depthwise_kernel.numpy().ToArray<float>();  // (2, 2, 2, 2)
        var yv = y.ToArray<float>();
        for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
        for (int c = 0; c < 2; c++)
        for (int m = 0; m < 2; m++)
        {
            double s = 0;
            for (int di = 0; di < 2; di++)
            for (int dj = 0; dj < 2; dj++)
                s += xv[((i + di) * 3 + j + dj) * 2 + c] * k[((di * 2 + dj) * 2 + c) * 2 + m];
            Assert.True(Math.Abs(s - yv[(i * 2 + j) * 4 + c * 2 + m]) < 1e-5);
        }
    }

    [Fact]
    public void ReLU6_and_leaky_threshold_forms()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { -2, 0.5f, 3, 7 }, 1, 4);
        Assert.Equal(new float[] { 0, 0.5f, 3, 6 }, new ReLU(6.0).Apply(x).ToArray<float>());
        Assert.Equal(new float[] { -0.2f * 3, 0.2f * -0.5f, 3, 5 }, new ReLU(5.0, negative_slope: 0.2, threshold: 1).Apply(x).ToArray<float>());
        CheckLayer(new ReLU(0.8), [3, 4], GradCheck.DistinctValues(12));
    }

    [Fact]
    public void ZeroPadding2D_pads_bottom_right_as_asked()
    {
        using var scope = new TensorScope();
        var layer = new ZeroPadding2D(((0, 1), (0, 1)));
        var y = layer.Apply(Tensor.Ones([1, 2, 2, 1])).Contiguous();
        Assert.Equal(new long[] { 1, 3, 3, 1 }, y.Shape);
        Assert.Equal(new float[] { 1, 1, 0, 1, 1, 0, 0, 0, 0 }, y.ToArray<float>());
        Assert.Equal(new Shape(null, 9, 8, 3), new ZeroPadding2D((2, 1)).ComputeOutputShape(new Shape(null, 5, 6, 3)));
    }

    [Fact]
    public void Reshape_and_global_max_pooling()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 1, 2, 2, 3);
        Assert.Equal(new long[] { 1, 4, 3 }, new Reshape(new Shape(-1, 3)).Apply(x).Shape);
        Assert.Equal(new float[] { 9, 10, 11 }, new GlobalMaxPooling2D().Apply(x).ToArray<float>());
        Assert.Throws<ArgumentException>(() => new Reshape(new Shape(5)).Apply(x));
    }
}
