using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Models;

/// <summary>
/// Inference split across the cores (BatchSplit): the same values as the whole batch, logits kept for the losses, every
/// part's rows in order, and never a split where a layer of the user's own might mix rows or where gradients are recorded.
/// Each test runs its calls with two threads on its own thread, so that a split is possible on any machine.
/// </summary>
public class BatchSplitTests
{
    private static double MaxDiff(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();

    /// <summary>A small MobileNet base with a softmax head: depthwise and pointwise convolutions, BatchNormalization, ReLU6, padding.</summary>
    private static Model SmallMobileNet()
    {
        var convBase = keras.applications.MobileNet(input_shape: (32, 32, 3), alpha: 0.25, include_top: false, weights: null);
        var model = keras.Sequential([convBase, keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, activation: "softmax")]);
        model.compile(optimizer: "adam", loss: "categorical_crossentropy");
        return model;
    }

    private static T TwoThreads<T>(Func<T> work)
    {
        T result = default!;
        Runtime.WithThreadLocalThreads(2, () => result = work());
        return result;
    }

    [Theory]
    [InlineData(4)]
    [InlineData(7)]  // parts of 3 and 4 rows
    public void Split_inference_equals_the_whole_batch(int batch)
    {
        using var scope = new TensorScope();
        var model = SmallMobileNet();
        var x = Fixtures.RandomTensor([batch, 32, 32, 3], 11);
        float[] Predict(bool split)
        {
            model.ForceSplit = split;
            using var noGrad = Autograd.NoGrad();
            return TwoThreads(() => model.Apply(x).ToArray<float>());
        }
        var whole = Predict(false);
        long before = BatchSplit.SplitCalls;
        var split = Predict(true);
        Assert.True(BatchSplit.SplitCalls > before, "the call was not split");
        Assert.Equal(whole.Length, split.Length);
        Assert.True(MaxDiff(whole, split) <= 1e-5, $"max difference {MaxDiff(whole, split)}");
        // each row is the model applied to that row alone: the parts' outputs are concatenated in order
        using var noGrad = Autograd.NoGrad();
        var last = model.Apply(x.Narrow(0, batch - 1, 1)).ToArray<float>();
        Assert.True(MaxDiff(last, split[^3..]) <= 1e-5);
    }

    [Fact]
    public void Evaluate_split_keeps_the_softmax_logits_for_the_loss()
    {
        using var scope = new TensorScope();
        var model = SmallMobileNet();
        var x = Fixtures.RandomTensor([8, 32, 32, 3], 5);
        var y = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => i % 3 == i / 3 % 3 ? 1f : 0f).ToArray(), 8, 3);
        double Loss(bool split)
        {
            model.ForceSplit = split;
            return TwoThreads(() => model.evaluate(x, y, batch_size: 8, verbose: 0)["loss"]);
        }
        double whole = Loss(false);
        long before = BatchSplit.SplitCalls;
        double split = Loss(true);
        Assert.True(BatchSplit.SplitCalls > before, "evaluate's call was not split");
        Assert.Equal(whole, split, 5);
    }

    /// <summary>A layer of the user's own that mixes rows: each row minus the batch's mean.</summary>
    private sealed class MinusBatchMean : Layer
    {
        protected override Tensor Call(Tensor inputs, bool training) => inputs - inputs.Mean(0, keepDims: true);

        public override Shape ComputeOutputShape(Shape s) => s;
    }

    [Fact]
    public void A_model_with_a_layer_of_the_users_own_is_never_split()
    {
        using var scope = new TensorScope();
        var model = keras.Sequential([keras.layers.Dense(4, input_shape: 3), new MinusBatchMean()]);
        model.ForceSplit = true;
        var x = Fixtures.RandomTensor([8, 3], 2);
        long before = BatchSplit.SplitCalls;
        using var noGrad = Autograd.NoGrad();
        var y = TwoThreads(() => model.Apply(x).ToArray<float>());
        Assert.Equal(before, BatchSplit.SplitCalls);
        for (int j = 0; j < 4; j++)  // the batch mean was taken over all 8 rows: every column sums to 0
            Assert.True(Math.Abs(Enumerable.Range(0, 8).Sum(i => y[i * 4 + j])) < 1e-5);
    }

    [Fact]
    public void Calls_that_record_gradients_are_not_split()
    {
        using var scope = new TensorScope();
        var model = SmallMobileNet();
        model.ForceSplit = true;
        var x = Fixtures.RandomTensor([4, 32, 32, 3], 3);
        long before = BatchSplit.SplitCalls;
        var y = TwoThreads(() => model.Apply(x));
        Assert.Equal(before, BatchSplit.SplitCalls);
        Assert.True(y.RequiresGrad);
    }

    [Fact]
    public void Timing_decides_once_per_shape()
    {
        using var scope = new TensorScope();
        var model = SmallMobileNet();
        var x = Fixtures.RandomTensor([4, 32, 32, 3], 9);
        using var noGrad = Autograd.NoGrad();
        var first = TwoThreads(() => model.Apply(x).ToArray<float>());
        Assert.Null(model.SplitDecision([4, 32, 32, 3], 2));
        int calls = 1;
        for (; calls < 2 * (2 + 50) && model.SplitDecision([4, 32, 32, 3], 2) is null; calls++)
        {
            var again = TwoThreads(() => model.Apply(x).ToArray<float>());
            Assert.True(MaxDiff(first, again) <= 1e-5);
        }
        // each way: 2 warm-up calls, then at least 5 timed (and 0.25 s of them), at most 50
        Assert.NotNull(model.SplitDecision([4, 32, 32, 3], 2));
        Assert.InRange(calls, 2 * (2 + 5), 2 * (2 + 50));
        Assert.Null(model.SplitDecision([5, 32, 32, 3], 2));
    }
}
