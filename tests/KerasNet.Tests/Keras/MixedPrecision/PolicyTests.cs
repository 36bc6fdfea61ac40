using KerasNet.Engine;
using KerasNet.Keras.MixedPrecision;
using KerasNet.Keras.Models;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.MixedPrecision;

// These tests switch the process-wide global policy: they run alone, or a layer another test makes meanwhile takes
// mixed_bfloat16 (seen: a float32 config test's Add layer computing in bfloat16, 1 full run in 6).
[Collection(nameof(GlobalPolicySwitch))]
public class PolicyTests
{
    private static T WithPolicy<T>(string policy, Func<T> make)
    {
        var keep = keras.mixed_precision.global_policy();
        keras.mixed_precision.set_global_policy(policy);
        try { return make(); }
        finally { keras.mixed_precision.set_global_policy(keep); }
    }

    private static Sequential SmallCnn() => keras.Sequential(
    [
        keras.layers.Conv2D(8, 3, activation: "relu", input_shape: (12, 12, 3)),
        keras.layers.BatchNormalization(),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(16, activation: "relu"),
        keras.layers.Dense(4, activation: "softmax"),
    ]);

    [Fact]
    public void One_mixed_bfloat16_step_keeps_float32_variables_and_moves_like_float32()
    {
        keras.utils.set_random_seed(5);
        var fp32 = SmallCnn();
        var bf16 = WithPolicy("mixed_bfloat16", SmallCnn);
        bf16.set_weights(fp32.get_weights());
        var x = Fixtures.RandomTensor([16, 12, 12, 3], seed: 8);
        var y = keras.utils.to_categorical(Tensor.FromArray(Enumerable.Range(0, 16).Select(i => (long)(i % 4)).ToArray(), 16), 4);
        foreach (var m in new[] { fp32, bf16 })
            m.compile(optimizer: keras.optimizers.SGD(0.1), loss: "categorical_crossentropy");
        var before = fp32.get_weights().Select(w => w.ToArray<float>()).ToList();

        double lossFp32 = fp32.train_on_batch(x, y)["loss"];
        double lossBf16 = bf16.train_on_batch(x, y)["loss"];

        Assert.All(bf16.variables, v => Assert.Equal(DType.Float32, v.Value.DType));
        Assert.Equal(lossFp32, lossBf16, 1e-2 * Math.Max(1, lossFp32) * 2);
        // each weight moved in the same direction by a similar amount (bf16 has ~3 significant digits)
        var a = fp32.get_weights().Select(w => w.ToArray<float>()).ToList();
        var b = bf16.get_weights().Select(w => w.ToArray<float>()).ToList();
        for (int k = 0; k < a.Count; k++)
        {
            double moved = 0, diff = 0;
            for (int i = 0; i < a[k].Length; i++)
            {
                moved += Math.Abs(a[k][i] - before[k][i]);
                diff += Math.Abs(a[k][i] - b[k][i]);
            }
            Assert.True(diff <= 0.1 * moved + 1e-6, $"weight {k}: float32 update {moved:G3}, bf16 differs by {diff:G3}");
        }
        // and the next losses agree too
        Assert.Equal(fp32.evaluate(x, y, verbose: 0)["loss"], bf16.evaluate(x, y, verbose: 0)["loss"], 0.03);
    }

    [Fact]
    public void Layers_compute_in_bfloat16_and_softmax_outputs_and_predictions_are_float32()
    {
        var model = WithPolicy("mixed_bfloat16", SmallCnn);
        Assert.Equal("mixed_bfloat16", model.layers[0].dtype_policy.name);
        using var scope = new TensorScope();
        var x = Fixtures.RandomTensor([2, 12, 12, 3]);
        Assert.Equal(DType.BFloat16, model.layers[0].Apply(x).DType);
        Assert.Equal(DType.Float32, model.Apply(x).DType);  // the softmax output
        Assert.Equal(DType.Float32, model.predict(x).DType);
        Assert.Equal("float32", keras.mixed_precision.global_policy().name);  // restored
    }

    [Fact]
    public void Mixed_float16_asks_for_a_CUDA_engine()
    {
        var e = Assert.Throws<NotSupportedException>(() => keras.mixed_precision.set_global_policy("mixed_float16"));
        Assert.Contains("CUDA", e.Message);
        Assert.Contains("mixed_bfloat16", e.Message);
        Assert.Throws<ArgumentException>(() => keras.mixed_precision.set_global_policy("float8"));
    }
}

/// <summary>The tests that change keras.mixed_precision's global policy run alone (xunit runs no other collection meanwhile).</summary>
[CollectionDefinition(nameof(GlobalPolicySwitch), DisableParallelization = true)]
public class GlobalPolicySwitch;
