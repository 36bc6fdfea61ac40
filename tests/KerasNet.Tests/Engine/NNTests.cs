using KerasNet.Engine;

namespace KerasNet.Tests.Engine;

public class NNTests
{
    [Fact]
    public void Conv2D_with_asymmetric_padding_puts_the_extra_row_and_column_after_as_TensorFlow_does()
    {
        using var scope = new TensorScope();
        // 1x4x4x1 input 1..16, 2x2 kernel of ones, stride 1, TF 'same' pads (0 top, 1 bottom, 0 left, 1 right)
        var x = Tensor.FromArray(Enumerable.Range(1, 16).Select(i => (float)i).ToArray(), 1, 4, 4, 1);
        var k = Tensor.Ones([2, 2, 1, 1]);
        var y = NN.Conv2D(x, k, null, (1, 1), (0, 1, 0, 1), (1, 1)).Contiguous();
        Assert.Equal(new long[] { 1, 4, 4, 1 }, y.Shape);
        var v = y.ToArray<float>();
        Assert.Equal(1 + 2 + 5 + 6, v[0]);        // top-left window
        Assert.Equal(4 + 8, v[3]);                // right column sees padding on its right
        Assert.Equal(13 + 14, v[12]);             // bottom row sees padding below
        Assert.Equal(16, v[15]);
    }

    [Fact]
    public void Conv2D_keeps_channels_last_and_matches_a_direct_computation()
    {
        using var scope = new TensorScope();
        var x = Fixtures.RandomTensor([2, 5, 4, 3], seed: 11);
        var k = Fixtures.RandomTensor([3, 2, 3, 4], seed: 12);
        var b = Fixtures.RandomTensor([4], seed: 13);
        var y = NN.Conv2D(x, k, b, (1, 1), (0, 0, 0, 0), (1, 1));
        Assert.Equal(new long[] { 2, 3, 3, 4 }, y.Shape);
        var xv = x.ToArray<float>();
        var kv = k.ToArray<float>();
        var bv = b.ToArray<float>();
        var yv = y.Contiguous().ToArray<float>();
        for (int n = 0; n < 2; n++)
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
        for (int o = 0; o < 4; o++)
        {
            double s = bv[o];
            for (int di = 0; di < 3; di++)
            for (int dj = 0; dj < 2; dj++)
            for (int c = 0; c < 3; c++)
                s += xv[((n * 5 + i + di) * 4 + j + dj) * 3 + c] * kv[((di * 2 + dj) * 3 + c) * 4 + o];
            Assert.True(Math.Abs(s - yv[((n * 3 + i) * 3 + j) * 4 + o]) < 1e-4);
        }
    }

    [Fact]
    public void MaxPool_same_padding_never_picks_the_padding()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { -1, -2, -3, -4, -5, -6, -7, -8, -9 }, 1, 3, 3, 1);
        var y = NN.MaxPool2D(x, (2, 2), (2, 2), (0, 1, 0, 1)).Contiguous();
        Assert.Equal(new float[] { -1, -3, -7, -9 }, y.ToArray<float>());
    }

    [Fact]
    public void AvgPool_same_padding_averages_only_real_cells()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 1, 3, 3, 1);
        var y = NN.AvgPool2D(x, (2, 2), (2, 2), (0, 1, 0, 1)).Contiguous();
        Assert.Equal(new float[] { 3, 4.5f, 7.5f, 9 }, y.ToArray<float>());
    }

    [Fact]
    public void Conv2D_with_mismatched_channels_is_a_clear_error()
    {
        using var scope = new TensorScope();
        var e = Assert.Throws<TensorOpException>(() =>
            NN.Conv2D(Tensor.Zeros([1, 8, 8, 3]), Tensor.Zeros([3, 3, 4, 8]), null, (1, 1), (0, 0, 0, 0), (1, 1)));
        Assert.Equal("conv2d", e.Op);
        Assert.Contains("[1, 8, 8, 3]", e.Message);
        Assert.Contains("[3, 3, 4, 8]", e.Message);
    }
}
