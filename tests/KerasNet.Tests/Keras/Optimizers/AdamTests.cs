using KerasNet.Keras.Optimizers;

namespace KerasNet.Tests.Keras.Optimizers;

public class AdamTests : OptimizerTestBase
{
    [Fact]
    public void Defaults_are_Keras()
    {
        var a = new Adam();
        Assert.Equal((0.001, 0.9, 0.999, 1e-7), (a.learning_rate, a.beta_1, a.beta_2, a.epsilon));
    }

    [Fact]
    public void Keras_docstring_example_one_step_from_10_gives_9_9()
    {
        var v = MakeVariable([10.0]);
        MinimizeHalfSquare(new Adam(learning_rate: 0.1), v);
        AssertClose([9.9], v);
    }

    [Fact]
    public void Three_steps_match_the_hand_computed_Keras_update()
    {
        double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double[] w = [0.5, -1.5, 2.0], m = new double[3], s = new double[3];
        double[][] grads = [[0.1, -0.2, 0.3], [-0.05, 0.4, 0.0], [1.0, 1e-4, -2.0]];
        var v = MakeVariable(w);
        var opt = new Adam(learning_rate: lr);
        for (int t = 1; t <= 3; t++)
        {
            var g = grads[t - 1];
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int i = 0; i < 3; i++)
            {
                m[i] += (g[i] - m[i]) * (1 - b1);
                s[i] += (g[i] * g[i] - s[i]) * (1 - b2);
                w[i] -= m[i] * alpha / (Math.Sqrt(s[i]) + eps);
            }
            Step(opt, v, g);
            AssertClose(w, v);
        }
        Assert.Equal(3, opt.iterations);
    }

    [Fact]
    public void Amsgrad_uses_the_running_maximum_of_the_second_moment()
    {
        double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-7;
        double w = 1, m = 0, s = 0, sMax = 0;
        var v = MakeVariable([w]);
        var opt = new Adam(learning_rate: lr, amsgrad: true);
        foreach (var (g, t) in new[] { (1.0, 1), (0.01, 2) })
        {
            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            m += (g - m) * (1 - b1);
            s += (g * g - s) * (1 - b2);
            sMax = Math.Max(sMax, s);
            w -= m * alpha / (Math.Sqrt(sMax) + eps);
            Step(opt, v, [g]);
            AssertClose([w], v);
        }
    }
}
