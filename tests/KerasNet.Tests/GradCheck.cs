using KerasNet.Engine;
using KerasNet.Keras;

namespace KerasNet.Tests;

/// <summary>
/// Compares autograd gradients with central finite differences of a random projection of the output
/// (loss = Σ f(x)·R), for the input and for every given variable. Float32 arithmetic, so the step and
/// tolerances are sized for it.
/// </summary>
internal static class GradCheck
{
    public static void Check(Func<Tensor, Tensor> f, float[] input, long[] shape, IReadOnlyList<Variable>? variables = null,
        double eps = 1e-2, double tol = 2e-3, int maxChecks = 24, int seed = 1)
    {
        variables ??= [];
        var rng = new Random(seed);
        using var scope = new TensorScope();
        var x = Tensor.FromArray(input, shape);
        x.RequiresGrad = true;
        Tensor? projection = null;

        double Loss(Tensor xi)
        {
            using var s = new TensorScope();
            using var _ = Autograd.NoGrad();
            var y = f(xi);
            projection ??= MakeProjection(y.Shape, rng).MoveToOuterScope();
            return (y * projection).AsType(DType.Float64).Sum().Item();
        }

        // analytic
        Loss(x);  // fixes the projection's shape
        var y0 = f(x);
        var loss = (y0 * projection!).Sum();
        var inputs = new List<Tensor> { x };
        inputs.AddRange(variables.Select(v => v.Value));
        var grads = Autograd.Grad(loss, inputs);

        CompareInput(grads[0].ToArray<float>(), input, shape, Loss, eps, tol, maxChecks, rng, "input");
        for (int vi = 0; vi < variables.Count; vi++)
        {
            var v = variables[vi];
            var analytic = grads[vi + 1].ToArray<float>();
            var original = v.numpy().ToArray<float>();
            foreach (var i in Pick(original.Length, maxChecks, rng))
            {
                double Perturbed(double delta)
                {
                    var copy = (float[])original.Clone();
                    copy[i] += (float)delta;
                    v.assign(Tensor.FromArray(copy, v.shape));
                    using var xs = new TensorScope();
                    return Loss(Tensor.FromArray(input, shape));
                }
                double numeric = (Perturbed(eps) - Perturbed(-eps)) / (2 * eps);
                v.assign(Tensor.FromArray(original, v.shape));
                AssertClose(analytic[i], numeric, tol, $"{v.path}[{i}]");
            }
        }
    }

    private static void CompareInput(float[] analytic, float[] input, long[] shape, Func<Tensor, double> loss, double eps,
        double tol, int maxChecks, Random rng, string what)
    {
        foreach (var i in Pick(input.Length, maxChecks, rng))
        {
            var plus = (float[])input.Clone();
            var minus = (float[])input.Clone();
            plus[i] += (float)eps;
            minus[i] -= (float)eps;
            using var s = new TensorScope();
            double numeric = (loss(Tensor.FromArray(plus, shape)) - loss(Tensor.FromArray(minus, shape))) / (2 * eps);
            AssertClose(analytic[i], numeric, tol, $"{what}[{i}]");
        }
    }

    private static void AssertClose(double analytic, double numeric, double tol, string what)
    {
        double err = Math.Abs(analytic - numeric);
        Assert.True(err <= tol + 1e-2 * Math.Abs(numeric),
            $"gradient of {what}: autograd {analytic:G6} vs finite difference {numeric:G6} (|diff| {err:G3})");
    }

    private static IEnumerable<int> Pick(int n, int max, Random rng) =>
        n <= max ? Enumerable.Range(0, n) : Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(max);

    private static Tensor MakeProjection(long[] shape, Random rng)
    {
        long n = shape.Aggregate(1L, (a, d) => a * d);
        var r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float)(rng.NextDouble() * 2 - 1);
        return Tensor.FromArray(r, shape);
    }

    /// <summary>n values spread over [-1, 1] with distinct magnitudes, shuffled (no ties for max-pooling, away from relu's kink).</summary>
    public static float[] DistinctValues(int n, int seed = 7)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n)
            .Select(i => (float)((i + 1) * 1.0 / n * (i % 2 == 0 ? 1 : -1)))
            .OrderBy(_ => rng.Next())
            .ToArray();
    }
}
