using KerasNet.Keras.Optimizers;

namespace KerasNet.Tests.Keras.Optimizers;

public class SGDTests : OptimizerTestBase
{
    [Fact]
    public void Plain_step_is_minus_lr_times_grad()
    {
        var v = MakeVariable([1.0, -2.0]);
        Step(new SGD(learning_rate: 0.1), v, [0.5, -1.0]);
        AssertClose([0.95, -1.9], v);
    }

    [Fact]
    public void Keras_docstring_example_momentum_steps_are_0_1_then_0_18()
    {
        var v = MakeVariable([1.0]);
        var opt = new SGD(learning_rate: 0.1, momentum: 0.9);
        MinimizeHalfSquare(opt, v);
        AssertClose([0.9], v);
        MinimizeHalfSquare(opt, v);
        AssertClose([0.72], v);
    }

    [Fact]
    public void Nesterov_and_decay_match_the_hand_computed_update()
    {
        double lr0 = 0.05, mu = 0.9, decay = 0.1;
        double[] w = [0.3, -0.7], m = new double[2];
        double[][] grads = [[0.2, -0.1], [0.4, 0.3], [-1.0, 0.05]];
        var v = MakeVariable(w);
        var opt = new SGD(learning_rate: lr0, momentum: mu, nesterov: true, decay: decay);
        for (int t = 0; t < grads.Length; t++)
        {
            double lr = lr0 / (1 + decay * t);
            for (int i = 0; i < 2; i++)
            {
                m[i] = mu * m[i] - lr * grads[t][i];
                w[i] += mu * m[i] - lr * grads[t][i];
            }
            Step(opt, v, grads[t]);
            AssertClose(w, v);
        }
    }

    [Fact]
    public void Optimizers_resolve_by_name_with_Keras_defaults()
    {
        Optimizer a = "adam", r = "rmsprop", s = "sgd";
        Assert.IsType<Adam>(a);
        Assert.Equal(0.001, r.learning_rate);
        Assert.Equal(0.01, s.learning_rate);
        Assert.Throws<ArgumentException>(() => (Optimizer)"adamw2");
    }
}
