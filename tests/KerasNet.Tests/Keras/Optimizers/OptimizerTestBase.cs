using KerasNet.Engine;
using KerasNet.Keras;
using KerasNet.Keras.Layers;
using KerasNet.Keras.Optimizers;

namespace KerasNet.Tests.Keras.Optimizers;

/// <summary>Drives an optimizer on one weight vector with given gradients, the way fit does.</summary>
public abstract class OptimizerTestBase
{
    /// <summary>A Dense(1, no bias) on width n, whose kernel is the variable under test.</summary>
    protected static Variable MakeVariable(double[] initial)
    {
        using var scope = new TensorScope();
        var layer = new Dense(1, use_bias: false);
        layer.Apply(Tensor.Zeros([1, initial.Length]));
        layer.kernel.assign(Tensor.FromArray(initial.Select(v => (float)v).ToArray(), initial.Length, 1));
        return layer.kernel;
    }

    protected static void Step(Optimizer opt, Variable v, double[] grad)
    {
        using var scope = new TensorScope();
        var g = Tensor.FromArray(grad.Select(x => (float)x).ToArray(), grad.Length, 1);
        opt.apply_gradients([(g, v)]);
    }

    /// <summary>Steps with the gradient of loss = w²/2 (i.e. g = w), as Keras's docstring examples do.</summary>
    protected static void MinimizeHalfSquare(Optimizer opt, Variable v)
    {
        Step(opt, v, Values(v));
    }

    protected static double[] Values(Variable v) => v.numpy().ToArray<float>().Select(x => (double)x).ToArray();

    protected static void AssertClose(double[] expected, Variable v, double tol = 1e-5)
    {
        var actual = Values(v);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:G9}, got {actual[i]:G9}");
    }
}
