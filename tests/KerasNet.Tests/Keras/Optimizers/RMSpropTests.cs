using KerasNet.Keras.Optimizers;

namespace KerasNet.Tests.Keras.Optimizers;

public class RMSpropTests : OptimizerTestBase
{
    [Fact]
    public void Defaults_are_Keras()
    {
        var r = new RMSprop();
        Assert.Equal((0.001, 0.9, 0.0, 1e-7, false), (r.learning_rate, r.rho, r.momentum, r.epsilon, r.centered));
    }

    [Fact]
    public void Keras_docstring_example_one_step_from_10_gives_9_683772()
    {
        var v = MakeVariable([10.0]);
        MinimizeHalfSquare(new RMSprop(learning_rate: 0.1), v);
        AssertClose([9.683772], v, 1e-6);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.9, false)]
    [InlineData(0.0, true)]
    [InlineData(0.5, true)]
    public void Three_steps_match_the_hand_computed_Keras_update(double momentum, bool centered)
    {
        double lr = 0.01, rho = 0.9, eps = 1e-7;
        double[] w = [0.5, -1.5], vel = new double[2], avg = new double[2], mom = new double[2];
        double[][] grads = [[0.1, -0.2], [-0.05, 0.4], [1.0, 1e-3]];
        var v = MakeVariable(w);
        var opt = new RMSprop(learning_rate: lr, momentum: momentum, centered: centered);
        foreach (var g in grads)
        {
            for (int i = 0; i < 2; i++)
            {
                vel[i] = rho * vel[i] + (1 - rho) * g[i] * g[i];
                double denom;
                if (centered)
                {
                    avg[i] = rho * avg[i] + (1 - rho) * g[i];
                    denom = vel[i] - avg[i] * avg[i] + eps;
                }
                else denom = vel[i] + eps;
                double inc = lr * g[i] / Math.Sqrt(denom);
                if (momentum > 0)
                {
                    mom[i] = momentum * mom[i] + inc;
                    w[i] -= mom[i];
                }
                else w[i] -= inc;
            }
            Step(opt, v, g);
            AssertClose(w, v);
        }
    }

    [Fact]
    public void Legacy_decay_divides_the_rate_by_one_plus_decay_times_iterations()
    {
        var opt = new RMSprop(learning_rate: 0.1, decay: 0.5);
        var v = MakeVariable([1.0]);
        Assert.Equal(0.1, opt.CurrentLearningRate, 12);
        Step(opt, v, [1.0]);
        Assert.Equal(0.1 / 1.5, opt.CurrentLearningRate, 12);
    }
}
