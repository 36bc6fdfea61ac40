using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Layers;

public class LayerBehaviourTests
{
    [Fact]
    public void Conv2D_same_output_shape_and_weight_layout_follow_Keras()
    {
        using var scope = new TensorScope();
        var conv = keras.layers.Conv2D(8, 3, strides: 2, padding: "same");
        var y = conv.Apply(Tensor.Zeros([2, 7, 6, 3]));
        Assert.Equal(new long[] { 2, 4, 3, 8 }, y.Shape);
        Assert.Equal(new long[] { 3, 3, 3, 8 }, conv.kernel.shape);   // HWIO
        Assert.Equal(new Shape(null, 4, 3, 8), conv.ComputeOutputShape(new Shape(null, 7, 6, 3)));
    }

    [Fact]
    public void Glorot_uniform_kernels_stay_within_the_limit_and_biases_start_at_zero()
    {
        using var scope = new TensorScope();
        var dense = keras.layers.Dense(300);
        dense.Apply(Tensor.Zeros([1, 200]));
        double limit = Math.Sqrt(6.0 / (200 + 300));
        var k = dense.kernel.numpy().ToArray<float>();
        Assert.All(k, v => Assert.InRange(v, -limit, limit));
        Assert.True(k.Max() > 0.9 * limit && k.Min() < -0.9 * limit);  // uses the whole range
        Assert.Equal(Math.Sqrt(limit * limit / 3), Math.Sqrt(k.Select(v => (double)v * v).Average()), 2);
        Assert.All(dense.bias!.numpy().ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Dropout_only_drops_while_training_and_rescales_the_rest()
    {
        using var scope = new TensorScope();
        var d = keras.layers.Dropout(0.5);
        var x = Tensor.Ones([1000]).Reshape(10, 100);
        Assert.Equal(x.ToArray<float>(), d.Apply(x, training: false).ToArray<float>());
        var y = d.Apply(x, training: true).ToArray<float>();
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 2) < 1e-6));
        Assert.InRange(y.Count(v => v == 0), 400, 600);
    }

    [Fact]
    public void Dense_given_the_wrong_input_width_names_the_layer_and_shapes()
    {
        using var scope = new TensorScope();
        var dense = keras.layers.Dense(4, name: "head");
        dense.Apply(Tensor.Zeros([2, 5]));
        var e = Assert.Throws<ArgumentException>(() => dense.Apply(Tensor.Zeros([2, 7])));
        Assert.Contains("\"head\"", e.Message);
        Assert.Contains("5", e.Message);
        Assert.Contains("(2, 7)", e.Message);
    }

    [Fact]
    public void Conv2D_given_a_3d_input_is_a_clear_error()
    {
        using var scope = new TensorScope();
        var conv = keras.layers.Conv2D(4, 3, name: "c");
        var e = Assert.Throws<ArgumentException>(() => conv.Apply(Tensor.Zeros([2, 8, 8])));
        Assert.Contains("expected ndim=4", e.Message);
        Assert.Contains("\"c\"", e.Message);
    }

    [Fact]
    public void Unknown_activation_fails_at_construction()
    {
        var e = Assert.Throws<ArgumentException>(() => keras.layers.Dense(3, activation: "relu6x"));
        Assert.Contains("relu6x", e.Message);
    }

    [Fact]
    public void Automatic_names_follow_Keras()
    {
        keras.backend.clear_session();
        Assert.Equal("conv2d", keras.layers.Conv2D(1, 1).name);
        Assert.Equal("conv2d_1", keras.layers.Conv2D(1, 1).name);
        Assert.Equal("max_pooling2d", keras.layers.MaxPooling2D().name);
        Assert.Equal("global_average_pooling2d", keras.layers.GlobalAveragePooling2D().name);
        Assert.Equal("input_1", keras.Input(new Shape(3)).name);
        keras.backend.clear_session();
    }

    [Theory]
    [InlineData(5, 3, 1, 1, 1)]
    [InlineData(6, 3, 2, 0, 1)]    // odd total: the extra pixel goes after
    [InlineData(7, 3, 2, 1, 1)]
    [InlineData(4, 2, 1, 0, 1)]
    [InlineData(224, 3, 2, 0, 1)]  // MobileNet's stride-2 'same' pads only bottom/right
    public void Same_padding_is_TensorFlows(int input, int kernel, int stride, int before, int after)
    {
        Assert.Equal((before, after), ConvUtils.Padding(input, kernel, stride, "same"));
        Assert.Equal((input + stride - 1) / stride, ConvUtils.OutputLength(input, kernel, stride, "same"));
    }
}
