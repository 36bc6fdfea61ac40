using KerasNet.Engine;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Layers;

/// <summary>Keras 3's Normalization: adapt's statistics, the formula, invert, and the weights saved with the model.</summary>
public class NormalizationTests
{
    [Fact]
    public void Adapt_computes_mean_and_variance_over_the_axes_not_kept_and_the_layer_applies_keras_formula()
    {
        using var scope = new TensorScope();
        var data = Fixtures.RandomTensor([6, 2, 3], seed: 2, scale: 3);
        var norm = keras.layers.Normalization(axis: [-1]);
        norm.adapt(data);
        var v = data.ToArray<float>();
        for (int c = 0; c < 3; c++)
        {
            var xs = Enumerable.Range(0, 12).Select(i => (double)v[i * 3 + c]).ToArray();
            double mean = xs.Average(), variance = xs.Select(x => (x - mean) * (x - mean)).Average();
            Assert.Equal(mean, norm.variables[0].Value.ToArray<float>()[c], 5);
            Assert.Equal(variance, norm.variables[1].Value.ToArray<float>()[c], 4);
            var y = norm.Apply(data).ToArray<float>();
            for (int i = 0; i < 12; i++)
                Assert.Equal((xs[i] - mean) / Math.Max(Math.Sqrt(variance), 1e-7), y[i * 3 + c], 4);
        }
        Assert.Equal(6f, norm.variables[2].Value.Item());
        // invert undoes it
        var inverse = keras.layers.Normalization(axis: [-1], mean: norm.variables[0].Value.ToArray<float>(), variance: norm.variables[1].Value.ToArray<float>(), invert: true);
        var back = inverse.Apply(norm.Apply(data)).ToArray<float>();
        Assert.True(back.Zip(v).Max(t => Math.Abs(t.First - t.Second)) < 1e-5);
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void An_adapted_mean_image_is_saved_with_the_weights(string ext)
    {
        using var scope = new TensorScope();
        using var dir = new Fixtures.TempDir();
        var inputs = keras.Input((4, 5, 3));
        var norm = keras.layers.Normalization(axis: [1, 2, 3], name: "mean_image");
        norm.adapt(Fixtures.RandomTensor([7, 4, 5, 3], seed: 5));
        var model = keras.Model(inputs, keras.layers.Permute([3, 1, 2]).Apply(norm.Apply(inputs)));
        var path = Path.Combine(dir.Path, "m" + ext);
        model.save(path);
        using var loaded = keras.models.load_model(path);
        var x = Fixtures.RandomTensor([2, 4, 5, 3], seed: 6);
        Assert.Equal(model.predict(x, verbose: 0).ToArray<float>(), loaded.predict(x, verbose: 0).ToArray<float>());
        Assert.Equal("(None, 3, 4, 5)", loaded.output_shape!.ToString());
        Assert.Equal(4 * 5 * 3 * 2 + 1, loaded.count_params());
    }

    [Fact]
    public void Wrong_axes_or_statistics_name_the_layer()
    {
        var e = Assert.Throws<ArgumentException>(() => keras.layers.Normalization(axis: [5], name: "n1").Apply(keras.Input((2, 3))));
        Assert.Contains("n1", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => keras.layers.Normalization(mean: [1, 2], variance: [1, 1], name: "n2").Apply(keras.Input((2, 3))));
        Assert.Contains("n2", e2.Message);
        Assert.Throws<ArgumentException>(() => keras.layers.Permute([1, 1]));
    }
}
