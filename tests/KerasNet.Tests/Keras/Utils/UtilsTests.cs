using KerasNet.Engine;
using KerasNet.Keras.Utils;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Utils;

public class UtilsTests
{
    [Fact]
    public void To_categorical_one_hot_encodes_integer_labels()
    {
        using var scope = new TensorScope();
        var y = keras.utils.to_categorical(Tensor.FromArray(new byte[] { 2, 0, 1 }, 3), 4);
        Assert.Equal(new long[] { 3, 4 }, y.Shape);
        Assert.Equal(DType.Float32, y.DType);
        Assert.Equal(new float[] { 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0 }, y.ToArray<float>());
        Assert.Equal(new long[] { 2, 3 }, keras.utils.to_categorical(Tensor.FromArray(new long[] { 2, 0 }, 2, 1)).Shape);
        Assert.Throws<ArgumentException>(() => keras.utils.to_categorical(Tensor.FromArray(new long[] { 5 }, 1), 3));
    }

    [Theory]
    [InlineData(0.6543, "0.6543")]
    [InlineData(12.0, "12.0000")]
    [InlineData(0.0004, "4.0000e-04")]
    [InlineData(0.0, "0.0000")]
    public void Progbar_formats_numbers_like_Keras(double v, string expected) =>
        Assert.Equal(expected, Progbar.FormatValue(v));

    [Fact]
    public void Seeding_makes_initialisation_repeatable()
    {
        keras.utils.set_random_seed(123);
        var a = keras.layers.Dense(4);
        a.Apply(Tensor.Zeros([1, 3])).Dispose();
        keras.utils.set_random_seed(123);
        var b = keras.layers.Dense(4);
        b.Apply(Tensor.Zeros([1, 3])).Dispose();
        Assert.Equal(a.kernel.numpy().ToArray<float>(), b.kernel.numpy().ToArray<float>());
    }
}
