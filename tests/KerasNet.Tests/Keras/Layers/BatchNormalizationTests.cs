using KerasNet.Engine;
using KerasNet.Keras.Layers;

namespace KerasNet.Tests.Keras.Layers;

public class BatchNormalizationTests
{
    private static (BatchNormalization bn, float[] x) Setup()
    {
        var bn = new BatchNormalization();
        var x = Fixtures.Random(4 * 3 * 2 * 2, seed: 9, scale: 3).Select(v => v + 1.5f).ToArray();
        using (new TensorScope()) bn.Apply(Tensor.FromArray(x, 4, 3, 2, 2));  // build (inference: no state change)
        return (bn, x);
    }

    private static (double[] Mean, double[] Var) Stats(float[] x, int channels)
    {
        var mean = new double[channels];
        var var = new double[channels];
        int n = x.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            var v = Enumerable.Range(0, n).Select(i => (double)x[i * channels + c]).ToArray();
            mean[c] = v.Average();
            var[c] = v.Select(a => (a - mean[c]) * (a - mean[c])).Average();  // biased, as Keras
        }
        return (mean, var);
    }

    [Fact]
    public void Keras_defaults()
    {
        var bn = new BatchNormalization();
        Assert.Equal((0.99, 1e-3), (bn.momentum, bn.epsilon));
    }

    [Fact]
    public void Training_normalises_with_batch_statistics_and_moves_the_moving_ones_by_momentum()
    {
        var (bn, x) = Setup();
        var (mean, var) = Stats(x, 2);
        using var scope = new TensorScope();
        var y = bn.Apply(Tensor.FromArray(x, 4, 3, 2, 2), training: true).Contiguous().ToArray<float>();
        for (int i = 0; i < x.Length; i++)
            Assert.Equal((x[i] - mean[i % 2]) / Math.Sqrt(var[i % 2] + 1e-3), y[i], 4);
        var mm = bn.moving_mean.numpy().ToArray<float>();
        var mv = bn.moving_variance.numpy().ToArray<float>();
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal(0.99 * 0 + 0.01 * mean[c], mm[c], 5);
            Assert.Equal(0.99 * 1 + 0.01 * var[c], mv[c], 5);
        }
    }

    [Fact]
    public void Inference_uses_the_moving_statistics_and_a_frozen_layer_always_does()
    {
        var (bn, x) = Setup();
        using var scope = new TensorScope();
        bn.moving_mean.assign(Tensor.FromArray(new[] { 0.5f, -1f }, 2));
        bn.moving_variance.assign(Tensor.FromArray(new[] { 4f, 0.25f }, 2));
        bn.variables[0].assign(Tensor.FromArray(new[] { 2f, 3f }, 2));   // gamma
        bn.variables[1].assign(Tensor.FromArray(new[] { 0.1f, -0.2f }, 2)); // beta
        float[] Expected(int i) => [(float)((x[i] - 0.5) / Math.Sqrt(4 + 1e-3) * 2 + 0.1), (float)((x[i] + 1) / Math.Sqrt(0.25 + 1e-3) * 3 - 0.2)];
        var y = bn.Apply(Tensor.FromArray(x, 4, 3, 2, 2)).Contiguous().ToArray<float>();
        for (int i = 0; i < x.Length; i++) Assert.Equal(Expected(i)[i % 2], y[i], 4);

        bn.trainable = false;
        var frozen = bn.Apply(Tensor.FromArray(x, 4, 3, 2, 2), training: true).Contiguous().ToArray<float>();
        Assert.Equal(y, frozen);
        Assert.Equal(new[] { 0.5f, -1f }, bn.moving_mean.numpy().ToArray<float>());
    }

    [Fact]
    public void Gradients_in_training_and_inference_match_finite_differences()
    {
        var (bn, x) = Setup();
        GradCheck.Check(t => bn.Apply(t, training: true), x, [4, 3, 2, 2], bn.trainable_weights, eps: 1e-2, tol: 5e-3);
        GradCheck.Check(t => bn.Apply(t, training: false), x, [4, 3, 2, 2], bn.trainable_weights);
    }

    [Fact]
    public void Moving_statistics_are_not_trainable()
    {
        var (bn, _) = Setup();
        Assert.Equal(new[] { "gamma", "beta" }, bn.trainable_weights.Select(w => w.name));
        Assert.Equal(new[] { "moving_mean", "moving_variance" }, bn.non_trainable_weights.Select(w => w.name));
    }
}
