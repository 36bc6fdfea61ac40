using KerasNet.Engine;
using KerasNet.Keras.Losses;
using KerasNet.Keras.Metrics;

namespace KerasNet.Tests.Keras.Metrics;

public class MetricTests
{
    [Theory]
    [InlineData("binary_crossentropy", new long[] { 8, 1 }, new long[] { 8, 1 }, typeof(BinaryAccuracy))]
    [InlineData("categorical_crossentropy", new long[] { 8, 5 }, new long[] { 8, 5 }, typeof(CategoricalAccuracy))]
    [InlineData("sparse_categorical_crossentropy", new long[] { 8 }, new long[] { 8, 5 }, typeof(SparseCategoricalAccuracy))]
    [InlineData("mean_squared_error", new long[] { 8, 1 }, new long[] { 8, 1 }, typeof(BinaryAccuracy))]
    [InlineData("mean_squared_error", new long[] { 8, 1 }, new long[] { 8, 4 }, typeof(SparseCategoricalAccuracy))]
    public void Accuracy_resolves_like_Keras(string loss, long[] yTrue, long[] yPred, Type expected)
    {
        var m = MetricResolver.Resolve("accuracy", Loss.Get(loss), yTrue, yPred);
        Assert.IsType(expected, m);
        Assert.Equal("accuracy", m.name);
        Assert.Equal("acc", MetricResolver.Resolve("acc", Loss.Get(loss), yTrue, yPred).name);
    }

    [Fact]
    public void Accuracies_count_matches_over_batches()
    {
        using var scope = new TensorScope();
        var bin = new BinaryAccuracy();
        bin.update_state(Tensor.FromArray(new float[] { 1, 0, 1 }, 3, 1), Tensor.FromArray(new float[] { 0.7f, 0.6f, 0.2f }, 3, 1));
        bin.update_state(Tensor.FromArray(new float[] { 0 }, 1, 1), Tensor.FromArray(new float[] { 0.1f }, 1, 1));
        Assert.Equal(0.5, bin.result(), 6);

        var cat = new CategoricalAccuracy();
        cat.update_state(Tensor.FromArray(new float[] { 0, 1, 1, 0 }, 2, 2), Tensor.FromArray(new float[] { 0.2f, 0.8f, 0.3f, 0.7f }, 2, 2));
        Assert.Equal(0.5, cat.result(), 6);
        cat.reset_state();
        Assert.Equal(0, cat.result());

        var sparse = new SparseCategoricalAccuracy();
        sparse.update_state(Tensor.FromArray(new byte[] { 2, 0 }, 2), Tensor.FromArray(new float[] { 0, 0, 1, 0, 1, 0 }, 2, 3));
        Assert.Equal(0.5, sparse.result(), 6);
    }
}
