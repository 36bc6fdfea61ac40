using KerasNet.Engine;
using KerasNet.Keras.Optimizers;
using static KerasNet.KerasApi;

namespace KerasNet.Tests.Keras.Optimizers;

/// <summary>Keras 3's decoupled weight decay, shared by every optimizer: w -= w · wd · lr, then the optimizer's own update.</summary>
public class WeightDecayTests : OptimizerTestBase
{
    [Fact]
    public void SGD_with_momentum_decays_the_weights_before_its_update_as_Keras_3_does()
    {
        double lr = 0.1, mu = 0.9, wd = 0.01;  // large enough that the decay (1e-3 of w per step) stands far above float32's rounding
        double[] w = [0.5, -1.5, 2.0], m = new double[3];
        double[][] grads = [[0.1, -0.2, 0.3], [-0.05, 0.4, 0.0]];
        var v = MakeVariable(w);
        var opt = keras.optimizers.SGD(learning_rate: lr, momentum: mu, weight_decay: wd);
        foreach (var g in grads)
        {
            for (int i = 0; i < 3; i++)
            {
                w[i] -= w[i] * wd * lr;
                m[i] = mu * m[i] - lr * g[i];
                w[i] += m[i];
            }
            Step(opt, v, g);
            AssertClose(w, v, 1e-6);
        }
    }

    [Fact]
    public void AdamW_defaults_to_0_004_and_excluded_variables_are_not_decayed()
    {
        Assert.Equal(0.004, keras.optimizers.AdamW().weight_decay);
        var opt = keras.optimizers.AdamW(learning_rate: 0.1);
        var decayed = MakeVariable([3.0]);
        var kept = MakeVariable([3.0]);
        opt.exclude_from_weight_decay(var_list: [kept]);
        using (var scope = new TensorScope())
            opt.apply_gradients([(Tensor.Zeros([1, 1]), decayed), (Tensor.Zeros([1, 1]), kept)]);  // zero gradients: only the decay moves
        AssertClose([3.0 - 3.0 * 0.004 * 0.1], decayed, 1e-6);
        AssertClose([3.0], kept, 1e-7);
        var byName = MakeVariable([1.0]);
        var rms = new RMSprop(0.1, weight_decay: 0.5);
        rms.exclude_from_weight_decay(var_names: [byName.path]);
        using (var scope = new TensorScope()) rms.apply_gradients([(Tensor.Zeros([1, 1]), byName)]);
        AssertClose([1.0], byName, 1e-7);
        Assert.Throws<ArgumentException>(() => new SGD(weight_decay: -1));
    }

    [Fact]
    public void Weight_decay_is_saved_with_the_compiled_model()
    {
        using var dir = new Fixtures.TempDir();
        var model = keras.Sequential([keras.layers.Dense(2, input_shape: 3)]);
        model.compile(optimizer: keras.optimizers.SGD(0.001, momentum: 0.9, weight_decay: 0.001), loss: "mse");
        var path = System.IO.Path.Combine(dir.Path, "m.keras");
        model.save(path);
        using var loaded = keras.models.load_model(path);
        Assert.Equal(0.001, loaded.optimizer!.weight_decay);
        Assert.Equal(0.9, ((SGD)loaded.optimizer).momentum);
    }
}
