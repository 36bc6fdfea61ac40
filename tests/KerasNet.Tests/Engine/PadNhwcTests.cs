using KerasNet.Engine;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Engine;

/// <summary>
/// Constant padding of float32 NHWC tensors runs a one-pass kernel of ours (ZeroPadding2D and the odd pixel of 'same');
/// its values must be libtorch's constant_pad_nd's exactly, which float64 (that the kernel does not take) still runs, and its
/// gradient the interior of the output's gradient.
/// </summary>
public class PadNhwcTests
{
    [Theory]
    [InlineData(2, 75, 75, 16, 0, 1, 0, 1, 0.0)]   // MobileNet's conv_pad_2 (α0.25, 150²)
    [InlineData(3, 5, 7, 3, 2, 1, 3, 0, 0.0)]      // every side different, one side none
    [InlineData(1, 4, 4, 1, 1, 1, 1, 1, -2.5)]     // one channel, a value other than 0
    [InlineData(2, 3, 6, 5, 0, 0, 0, 0, 0.0)]      // nothing to pad: a copy
    public void Values_and_gradients_are_libtorchs(int n, int h, int w, int c, int top, int bottom, int left, int right, double value)
    {
        long[] shape = [n, h, w, c];
        var data = Fixtures.Random(n * h * w * c, seed: h + c);
        data[0] = float.NaN;  // copied as it is
        var (y, grad, refY, refGrad, runs, padded) = Fixtures.AgainstFloat64(data, shape, x => NN.Pad2D(x, (top, bottom, left, right), value),
            () => NN.PadNhwcCalls);
        Assert.Equal(new long[] { n, h + top + bottom, w + left + right, c }, padded);
        Assert.Equal(1, runs);
        Fixtures.SameAsReference(refY, y, "y");
        Fixtures.SameAsReference(refGrad, grad, "dx");
        if (top + bottom + left + right > 0) Assert.Contains((float)value, y);
    }

    [Fact]
    public void Same_padding_with_an_odd_pixel_pads_once_and_convolves_as_the_padded_input()
    {
        using var scope = new TensorScope();
        using var noGrad = Autograd.NoGrad();
        var x = Fixtures.RandomTensor([2, 10, 10, 8], seed: 4);
        var k = Fixtures.RandomTensor([3, 3, 8, 4], seed: 5);
        var dk = Fixtures.RandomTensor([3, 3, 8, 1], seed: 6);
        (int, int, int, int) odd = (0, 1, 0, 1), none = (0, 0, 0, 0);
        // the reference pads through libtorch (float64), then convolves the same float32 values without padding
        var padded = NN.Pad2D(x.AsType(DType.Float64), odd).AsType(DType.Float32);
        long before = NN.PadNhwcCalls;
        var conv = NN.Conv2D(x, k, null, (2, 2), odd, (1, 1)).ToArray<float>();
        var depthwise = NN.DepthwiseConv2D(x, dk, null, (2, 2), odd, (1, 1)).ToArray<float>();
        Assert.Equal(before + 2, NN.PadNhwcCalls);
        Fixtures.SameAsReference(NN.Conv2D(padded, k, null, (2, 2), none, (1, 1)).ToArray<float>().Select(v => (double)v).ToArray(), conv, "conv2d");
        Fixtures.SameAsReference(NN.DepthwiseConv2D(padded, dk, null, (2, 2), none, (1, 1)).ToArray<float>().Select(v => (double)v).ToArray(), depthwise, "depthwise");
    }

    [Fact]
    public void A_strided_view_and_a_negative_pad_run_libtorchs()
    {
        using var scope = new TensorScope();
        var x = Fixtures.RandomTensor([2, 6, 6, 4], seed: 7);
        long before = NN.PadNhwcCalls;
        var view = x.Permute(0, 2, 1, 3);  // not contiguous
        var a = NN.Pad2D(view, (1, 0, 0, 1)).ToArray<float>();
        var b = NN.Pad2D(x, (-1, 0, 0, 1));  // a crop: constant_pad_nd's
        Assert.Equal(before, NN.PadNhwcCalls);
        Assert.Equal(new long[] { 2, 5, 7, 4 }, b.Shape);
        var reference = NN.Pad2D(view.AsType(DType.Float64), (1, 0, 0, 1)).ToArray<double>();
        Fixtures.SameAsReference(reference, a, "view");
    }

    [Fact]
    public void A_Keras_model_trains_through_ZeroPadding2D()
    {
        keras.utils.set_random_seed(2);
        var model = keras.Sequential();
        model.add(keras.layers.InputLayer((9, 9, 2)));
        model.add(keras.layers.ZeroPadding2D(((0, 1), (0, 1))));
        model.add(keras.layers.Conv2D(4, 3, strides: 2, activation: "relu"));
        model.add(keras.layers.Flatten());
        model.add(keras.layers.Dense(1, activation: "sigmoid"));
        Fixtures.TrainsThrough(model, [8, 9, 9, 2], () => NN.PadNhwcCalls);
    }
}
